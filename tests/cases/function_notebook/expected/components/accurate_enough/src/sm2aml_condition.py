"""Evaluate a converted SageMaker ConditionStep and write its outcome for the gated steps.

The conditions are in condition.json (written by sm2aml next to this file). Values come from
the command line: --value NAME=TEXT for pipeline parameters and --folder NAME=PATH for the
output folders that hold property files. The outcome folder receives `outcome` ("true" or
"false", what the gated steps read) and `outcome.json` (the evaluation, for people).

usage: python sm2aml_condition.py --outcome DIR [--value NAME=TEXT ...] [--folder NAME=PATH ...]
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import re
import sys
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(r"""\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]""")


def _boolean(text: str) -> bool:
    return text.strip().lower() == "true"


CASTS: dict[str, Callable[[str], object]] = {"string": str, "integer": int, "number": float, "boolean": _boolean}


class ConditionError(Exception):
    """The condition cannot be evaluated (missing file, missing key, bad value)."""


def json_path(document: object, path: str) -> object:
    """SageMaker JsonGet paths: a.b.c, a[0].b, a['k'] (a leading $. is allowed)."""
    text = path[2:] if path.startswith("$.") else path
    pos, value = 0, document
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read JSON path {path!r} at {text[pos:]!r}")
        name, index, sq, dq = m.groups()
        key: object = int(index) if index is not None else next(k for k in (name, sq, dq) if k is not None)
        try:
            value = value[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            raise ConditionError(f"JSON path {path!r}: no {key!r} in {json.dumps(value)[:200]}") from None
        pos = m.end()
    return value


class Evaluator:
    def __init__(self, values: dict[str, str], folders: dict[str, str]) -> None:
        self.values = values
        self.folders = folders
        self.trace: list[str] = []

    def value(self, spec: dict[str, Any]) -> object:
        kind = spec["kind"]
        if kind == "literal":
            return spec["value"]
        if kind == "input":
            if spec["name"] not in self.values:
                raise ConditionError(f"no value given for {spec['name']!r}")
            return CASTS[spec.get("type", "string")](self.values[spec["name"]])
        if kind == "json_get":
            folder = self.folders.get(spec["folder"])
            if folder is None:
                raise ConditionError(f"no folder given for {spec['folder']!r}")
            path = os.path.join(folder, spec["file"])
            try:
                with open(path, encoding="utf-8") as f:
                    document = json.load(f)
            except (OSError, ValueError) as exc:
                raise ConditionError(f"cannot read property file {path}: {exc}") from None
            return json_path(document, spec["path"])
        if kind == "join":
            return spec["on"].join(str(self.value(v)) for v in spec["values"])
        raise ConditionError(f"unknown value kind {kind!r}")

    def test(self, spec: dict[str, Any]) -> bool:
        kind = spec["kind"]
        if kind == "not":
            return not self.test(spec["condition"])
        if kind == "or":
            return any(self.test(c) for c in spec["conditions"])
        if kind == "and":
            return all(self.test(c) for c in spec["conditions"])
        if kind == "in":
            query = self.value(spec["query"])
            result = any(_equal(query, self.value(v)) for v in spec["values"])
            self.trace.append(f"{query!r} In {spec['text']}: {result}")
            return result
        left, right = self.value(spec["left"]), self.value(spec["right"])
        result = _compare(kind, left, right)
        self.trace.append(f"{left!r} {kind} {right!r}: {result}")
        return result


def _equal(left: object, right: object) -> bool:
    if _number(left) and _number(right):
        return float(left) == float(right)  # type: ignore[arg-type]
    return left == right


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: str, left: object, right: object) -> bool:
    if op == "Equals":
        return _equal(left, right)
    if _number(left) != _number(right):
        try:
            left, right = float(left), float(right)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConditionError(f"cannot compare {left!r} {op} {right!r}") from None
    try:
        return bool(ORDERINGS[op](left, right))
    except TypeError:
        raise ConditionError(f"cannot compare {left!r} {op} {right!r}") from None


ORDERINGS: dict[str, Callable[[Any, Any], Any]] = {
    "GreaterThan": operator.gt,
    "GreaterThanOrEqualTo": operator.ge,
    "LessThan": operator.lt,
    "LessThanOrEqualTo": operator.le,
}


def pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"sm2aml_condition: {what} must be NAME=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        out[key] = value
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sm2aml_condition")
    parser.add_argument("--outcome", required=True)
    parser.add_argument("--spec", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "condition.json"))
    parser.add_argument("--value", action="append", default=[])
    parser.add_argument("--folder", action="append", default=[])
    args = parser.parse_args(argv)
    with open(args.spec, encoding="utf-8") as f:
        spec = json.load(f)
    evaluator = Evaluator(pairs(args.value, "--value"), pairs(args.folder, "--folder"))
    try:
        result = evaluator.test(spec["condition"])
    except ConditionError as exc:
        print(f"sm2aml: condition {spec.get('step', '')!r} cannot be evaluated: {exc}", file=sys.stderr)
        return 1
    os.makedirs(args.outcome, exist_ok=True)
    with open(os.path.join(args.outcome, "outcome"), "w", encoding="utf-8") as f:
        f.write("true" if result else "false")
    with open(os.path.join(args.outcome, "outcome.json"), "w", encoding="utf-8") as f:
        json.dump({"step": spec.get("step"), "outcome": result, "evaluated": evaluator.trace}, f, indent=2)
    branch = "if" if result else "else"
    print(f"sm2aml: condition {spec.get('step', '')!r} is {str(result).lower()}: the {branch} steps run")
    for line in evaluator.trace:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
