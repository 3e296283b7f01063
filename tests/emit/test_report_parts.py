"""The report's parts: JSON pointers found in JSON text, the TOML and Mermaid filters, the graph, the batch."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sm2aml.batch import Job, assess, assess_all, discover
from sm2aml.config import Options
from sm2aml.emit import graph
from sm2aml.emit.jinja import mermaid_text, toml_string
from sm2aml.emit.locate import Place, parse_place, pointer_places

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests" / "cases" / "processing_training" / "input.json"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


def _pointers(value: Any, at: str = "") -> list[tuple[str, Any]]:
    out = [(at, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _pointers(item, f"{at}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _pointers(item, f"{at}/{i}")
    return out


def _offset(text: str, place: Place) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: place.line - 1]) + place.column - 1


@settings(max_examples=150, deadline=None)
@given(json_values, st.sampled_from([None, 0, 2]), st.booleans())
def test_every_pointer_is_found_where_its_value_starts(doc: Any, indent: int | None, crlf: bool) -> None:
    text = json.dumps(doc, indent=indent)
    if crlf:
        text = text.replace("\n", "\r\n")
    pointers = _pointers(doc)
    places = pointer_places(text, [p for p, _ in pointers])
    for pointer, value in pointers:
        start = _offset(text.replace("\r\n", "\n"), places[pointer]) if crlf else _offset(text, places[pointer])
        plain = text.replace("\r\n", "\n") if crlf else text
        parsed, _ = json.JSONDecoder().raw_decode(plain, start)
        assert parsed == value, pointer


def test_a_pointer_into_nothing_gets_its_deepest_existing_parent() -> None:
    text = '{\n  "Steps": [\n    {"Name": "A",\n     "Arguments": {}}\n  ]\n}\n'
    places = pointer_places(text, ["/Steps/0/Arguments/Missing/3", "/Steps/7", "not-a-pointer"])
    assert places["/Steps/0/Arguments/Missing/3"] == Place("", 4, 19)
    assert places["/Steps/7"] == Place("", 2, 12)
    assert "not-a-pointer" not in places


def test_a_describe_response_points_at_its_definition_string() -> None:
    text = '{\n  "PipelineArn": "arn",\n  "PipelineDefinition": "{\\"Steps\\": []}"\n}\n'
    assert pointer_places(text, ["/Steps/0"]) == {"/Steps/0": Place("", 3, 25)}


@pytest.mark.parametrize(
    ("where", "place"),
    [
        pytest.param("12:5", Place("", 12, 5), id="python-source"),
        pytest.param("12:5/Arguments/RoleArn", Place("", 12, 5), id="python-source-with-path"),
        pytest.param("code/prep.py:3:1", Place("code/prep.py", 3, 1), id="other-file"),
        pytest.param("/Steps/0", None, id="json-pointer"),
        pytest.param("", None, id="nowhere"),
    ],
)
def test_places_in_source_files(where: str, place: Place | None) -> None:
    assert parse_place(where) == place


@given(st.text())
def test_toml_strings_read_back_as_the_same_text(text: str) -> None:
    expected = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    assert tomllib.loads(f"k = {toml_string(text)}\n")["k"] == expected


@given(st.text())
def test_mermaid_labels_hold_no_character_mermaid_reads(text: str) -> None:
    label = mermaid_text(text)
    bare = re.sub(r"#\d+;", "", label)
    assert not set(bare) & set('"#<>&`[]{}|;\n\r')
    assert re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label) == " ".join(text.split())


def test_graph_columns_follow_dependencies() -> None:
    steps = [
        {"step": "A", "type": "Processing", "outcome": "direct", "upstream": []},
        {"step": "B", "type": "Training", "outcome": "approximate", "upstream": ["A"]},
        {"step": "C", "type": "Processing", "outcome": "manual", "upstream": ["A"]},
        {"step": "D", "type": "Condition", "outcome": "direct", "upstream": ["B", "C", "Unknown"]},
    ]
    drawn = graph.layout(steps)
    x = {b.step: b.x for b in drawn.boxes}
    assert x["A"] < x["B"] == x["C"] < x["D"]
    assert len({(b.x, b.y) for b in drawn.boxes}) == 4, "no two boxes overlap"
    assert graph.edges(steps) == [("s0", "s1"), ("s0", "s2"), ("s1", "s3"), ("s2", "s3")]
    assert len(drawn.edges) == 4 and drawn.width > x["D"] and drawn.height > 0


def test_a_crash_while_converting_is_a_failed_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import sm2aml.rules

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(sm2aml.rules, "convert", broken)
    result = assess(Job(str(CASE), explicit=True), Options())
    assert result.status == "failed"
    assert [(d["code"], d["message"]) for d in result.data["diagnostics"]] == [("SM2AML510", "RuntimeError: boom")]


def test_results_keep_the_inputs_order_with_worker_processes(tmp_path: Path) -> None:
    cases = sorted((ROOT / "tests" / "cases").glob("*/input.json"))[:4]
    jobs = [Job(str(c), explicit=True) for c in cases]
    seen: list[str] = []
    results = assess_all(jobs, Options(), workers=2, locate=False, on_done=lambda r: seen.append(r.job.path))
    assert [r.job.path for r in results] == [str(c) for c in cases]
    assert sorted(seen) == sorted(str(c) for c in cases)
    assert all(r.status == "assessed" for r in results)
    assert all("location" not in d for r in results for d in r.data["diagnostics"]), "locate=False skips lines"


def test_discover_searches_folders_once_each(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.json").write_text("{}")
    (tmp_path / "a" / "n.ipynb").write_text("{}")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.py").write_text("")
    jobs, missing = discover([str(tmp_path), str(tmp_path / "a"), str(tmp_path / "nope")])
    assert [Path(j.path).name for j in jobs] == ["n.ipynb", "p.json"]
    assert not any(j.explicit for j in jobs)
    assert [(m.status, m.data["diagnostics"][0]["code"]) for m in missing] == [("failed", "SM2AML111")]
