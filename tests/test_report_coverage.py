"""report.json lists every step of the definition, nested branch steps included, exactly once, with an outcome."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sm2aml import emit, load
from sm2aml.config import Options
from sm2aml.rules import convert
from tests.conftest import ROOT, SHARED_FIXTURES

OUTCOMES = {"direct", "approximate", "manual"}
INPUTS = [
    *sorted((ROOT / "tests" / "cases").glob("*/input.json")),
    ROOT / "examples" / "sagemaker_nyc_taxi" / "pipeline.json",
    *(sorted(SHARED_FIXTURES.glob("*.json")) if SHARED_FIXTURES.is_dir() else []),
]


def _definition(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    definition = doc.get("PipelineDefinition")  # a describe-pipeline response holds it as a string
    return json.loads(definition) if isinstance(definition, str) else doc


def _step_names(steps: list[dict[str, Any]]) -> list[str]:
    names = []
    for step in steps:
        names.append(step["Name"])
        if step.get("Type") == "Condition":
            args = step.get("Arguments") or {}
            names += _step_names(args.get("IfSteps") or []) + _step_names(args.get("ElseSteps") or [])
    return names


def _id(path: Path) -> str:
    return path.parent.name if path.name in ("input.json", "pipeline.json") else path.stem[:60]


@pytest.mark.parametrize("control_flow", ["gates", "if_else"])
@pytest.mark.parametrize("path", INPUTS, ids=[_id(p) for p in INPUTS])
def test_report_lists_each_step_once_with_an_outcome(path: Path, control_flow: str) -> None:
    project, _ = convert(load(path), Options(control_flow=control_flow))
    report = json.loads(next(f.text for f in emit(project) if f.path == "report.json"))
    [pipeline] = report["pipelines"]  # a project's report.json is the report of its one pipeline
    listed = Counter(entry["step"] for entry in pipeline["steps"])
    expected = Counter(_step_names(_definition(path)["Steps"]))
    assert listed == expected, f"missing {dict(expected - listed)}, extra {dict(listed - expected)}"
    assert {entry["outcome"] for entry in pipeline["steps"]} <= OUTCOMES
