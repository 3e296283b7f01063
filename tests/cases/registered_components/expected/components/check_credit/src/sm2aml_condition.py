"""Evaluate a converted SageMaker ConditionStep and write its outcome for the gated steps.

The conditions are in condition.json (written by sm2aml next to this file). Values come from
the command line: --value NAME=TEXT for pipeline parameters and --folder NAME=PATH for the
output folders that hold property files. The outcome folder receives `outcome` ("true" or
"false", what the gated steps read) and `outcome.json` (the evaluation, for people).

With --control NAME=PATH (an if_else node chooses the branch) the result is also a boolean control
output, written the way Azure ML's own control-flow components (mldesigner) write one: the value
("True" or "False") into the path Azure ML gave the output (into `output` when it is a folder), and,
inside an Azure ML job (MLFLOW_TRACKING_URI set), the JSON object {NAME: true|false} as the run
property `azureml.pipeline.control`, set through the run history API with the job's MLflow
credentials. If that property cannot be set the node fails, so no branch is taken by default.

usage: python sm2aml_condition.py --outcome DIR [--value NAME=TEXT ...] [--folder NAME=PATH ...]
       [--control NAME=PATH]
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


CONTROL_PROPERTY = "azureml.pipeline.control"


def write_control_output(path: str, value: bool) -> str:
    """The value of a boolean control output at the path Azure ML substituted for it; returns the file written."""
    target = os.path.join(path, "output") if os.path.isdir(path) else path
    folder = os.path.dirname(target)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        f.write(str(value))
    return target


def control_properties(values: dict[str, bool]) -> dict[str, str]:
    """The run properties that carry control outputs to the pipeline."""
    return {CONTROL_PROPERTY: json.dumps(values, sort_keys=True)}


def publish_properties(properties: dict[str, str]) -> None:
    """Add properties to this job's run (the run history API, reached with the job's MLflow credentials)."""
    import mlflow
    from mlflow.tracking import MlflowClient
    from mlflow.utils.rest_utils import http_request

    run = mlflow.active_run() or mlflow.start_run()  # inside an Azure ML job: the job's own run
    creds = MlflowClient()._tracking_client.store.get_host_creds()
    creds.host = creds.host.replace("/mlflow/v2.0", "/mlflow/v1.0").replace("/mlflow/v1.0", "/history/v1.0")
    response = http_request(
        host_creds=creds,
        endpoint=f"/experimentids/{run.info.experiment_id}/runs/{run.info.run_id}",
        method="PATCH",
        json={"runId": run.info.run_id, "properties": properties},
    )
    if response.status_code != 200:
        raise ConditionError(f"run history answered {response.status_code}: {response.text[:300]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sm2aml_condition")
    parser.add_argument("--outcome", required=True)
    parser.add_argument("--spec", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "condition.json"))
    parser.add_argument("--value", action="append", default=[])
    parser.add_argument("--folder", action="append", default=[])
    parser.add_argument("--control", action="append", default=[])
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
    controls = pairs(args.control, "--control")
    for path in controls.values():
        if path:  # mldesigner writes both the file and the run property; which one Azure ML reads is undocumented
            print(f"sm2aml: control output written to {write_control_output(path, result)}")
    if controls and os.environ.get("MLFLOW_TRACKING_URI"):
        properties = control_properties({name: result for name in controls})
        try:
            publish_properties(properties)
        except Exception as exc:  # any failure here would let the if_else node decide without the result
            print(f"sm2aml: cannot set the run property {CONTROL_PROPERTY}: {exc}", file=sys.stderr)
            return 1
        print(f"sm2aml: run property {CONTROL_PROPERTY} = {properties[CONTROL_PROPERTY]}")
    elif controls:
        print(f"sm2aml: MLFLOW_TRACKING_URI is not set (not an Azure ML job): {CONTROL_PROPERTY} is not set")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
