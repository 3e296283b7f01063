"""The `python` filter: any value becomes an expression that evaluates to exactly that value, laid out as ruff
format lays it out, and able to do nothing but build the value (no names, calls or attributes of its own)."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.emit.test_filters import ANY_TEXT, SPECIAL

from sm2aml.emit.jinja import environment
from sm2aml.emit.pycode import LINE_LENGTH, Call, Code, call, python_value, string

PIECES = [*SPECIAL, '"""', "'''", "${{", "}}", "${{parent.inputs.x}}", "\\n", "');import os;('", "é€😀", "x" * 70]
HOSTILE = st.one_of(ANY_TEXT, st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), HOSTILE)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(HOSTILE, inner, max_size=5)),
    max_leaves=20,
)
# What a written value may contain: literals and containers; `1e999 - 1e999` (NaN) is the only operation.
LITERAL_NODES = (ast.Expression, ast.Constant, ast.List, ast.Dict, ast.UnaryOp, ast.USub, ast.BinOp, ast.Sub)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, list | tuple) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(min_value=0, max_value=40))
def test_any_value_round_trips_and_can_only_build_itself(value: Any, indent: int) -> None:
    text = python_value(value, indent)
    tree = ast.parse(text.strip(), mode="eval")
    strays = {type(n).__name__ for n in ast.walk(tree) if not isinstance(n, (*LITERAL_NODES, ast.Load))}
    assert not strays, f"{text!r} holds {strays}"
    assert text.isascii(), "non-ASCII characters are escaped, so the layout's widths are exact"
    assert _same(value, eval(compile(tree, "<value>", "eval"), {"__builtins__": {}}, {}))


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        pytest.param("plain", '"plain"', id="double-by-default"),
        pytest.param('say "hi"', "'say \"hi\"'", id="single-when-fewer-escapes"),
        pytest.param("it's", '"it\'s"', id="apostrophe"),
        pytest.param("a'b\"c", '"a\'b\\"c"', id="tie-prefers-double"),
        pytest.param('""\'', "'\"\"\\''", id="more-double-quotes"),
        pytest.param("back\\slash\n", '"back\\\\slash\\n"', id="escapes"),
        pytest.param("é\u2028\x00", '"\\xe9\\u2028\\x00"', id="non-ascii-escaped"),
        pytest.param('"""', '\'"""\'', id="triple-quote"),
    ],
)
def test_string_literals_use_the_quotes_ruff_prefers(text: str, literal: str) -> None:
    assert string(text) == literal
    assert ast.literal_eval(literal) == text


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        pytest.param(1e16, "1e16", id="no-plus-in-exponent"),
        pytest.param(1e-05, "1e-05", id="small"),
        pytest.param(math.inf, "1e999", id="inf-without-a-name"),
        pytest.param(-math.inf, "-1e999", id="minus-inf"),
        pytest.param(-0.0, "-0.0", id="negative-zero"),
        pytest.param(True, "True", id="bool-not-int"),
    ],
)
def test_numbers(value: Any, literal: str) -> None:
    assert python_value(value) == literal


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: Code("os.system('x')"), id="code-with-a-call"),
        pytest.param(lambda: Code("import"), id="keyword"),
        pytest.param(lambda: Call("f", (), (("not-a-name", 1),)), id="keyword-argument-name"),
        pytest.param(lambda: Call("f();g", ()), id="function-name"),
        pytest.param(lambda: python_value({1: "x"}), id="non-string-key"),
        pytest.param(lambda: python_value(object()), id="unknown-type"),
    ],
)
def test_names_and_types_that_cannot_be_written_are_refused(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        bad()


def test_the_filter_is_registered_in_the_one_environment() -> None:
    template = environment().from_string("x = {{ value | python(0, 'x = ', '', true) }}")
    assert template.render(value='a"b') == "x = 'a\"b'"


def _layout_cases() -> list[str]:
    """Statements and arguments of every width around the line length, in the shapes pipeline.py uses."""
    lines = ["def f():", "    if x:"]

    def assign(target: str, value: Any) -> None:
        lines.append(f"        {target} = " + python_value(value, 8, f"{target} = ", "", True))

    numbers = [math.nan, -math.inf, 1.3407807929859086e154, -(10**40), 2**200, True, Code("a.b" + ".c" * 20)]
    for t in range(1, LINE_LENGTH + 4):
        target = "a" * t
        for number in numbers:
            assign(target, number)
            assign(target, [number, "x" * t])
        for v in range(LINE_LENGTH + 4):
            assign(target, "b" * v)
            assign(target, call("c" * max(v, 1), k=1))
            assign(target, call("c" * max(v, 1), k=[1, [2]]))
        for v in range(0, LINE_LENGTH + 4, 3):
            assign(target, call("f", "s" * v))
            assign(target, call("f", k="s" * v, m=Code("n.outputs.x")))
            assign(target, {"k": "s" * v})
            assign(target, {"k": ["s" * v, {"d": 1}]})
            assign(target, ["s" * v, 2, None])
            lines.append("        " + python_value(call(f"{target}.m", k="s" * v, j=[1, "x" * v]), 8))
            value = python_value(call("Input", type="s" * v), 12, f"{'k' * t}=", ",")
            lines.append(f"        g(\n            {'k' * t}={value},\n        )")
    return lines


def test_layout_is_what_ruff_format_writes_at_every_width(tmp_path: Path) -> None:
    pytest.importorskip("ruff")
    source = tmp_path / "layout.py"
    source.write_text("\n".join(_layout_cases()) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "--diff", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[:5000]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), VALUES), min_size=1, max_size=8))
def test_hostile_values_in_statements_and_calls_are_format_clean(tmp_path_factory: Any, items: Any) -> None:
    pytest.importorskip("ruff")
    lines = ["def f():", "    if x:"]
    for width, value in items:
        target = "t" * width
        lines.append(f"        {target} = " + python_value(value, 8, f"{target} = ", "", True))
        lines.append(f"        g(\n            {target}={python_value(value, 12, target + '=', ',')},\n        )")
    source = tmp_path_factory.mktemp("fmt") / "values.py"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ast.parse(source.read_text(encoding="utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "--diff", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[:3000]
