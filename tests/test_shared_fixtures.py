"""Real definitions from public repositories (read from ../shared, never copied): load, convert, validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sm2aml import emit, load, write
from sm2aml.rules import RULES, convert, unsupported
from sm2aml.validate import validate
from tests.conftest import SHARED_FIXTURES

FILES = sorted(SHARED_FIXTURES.glob("*.json")) if SHARED_FIXTURES.is_dir() else []
IN_SCOPE = {t for t, rule in RULES.items() if rule is not unsupported.convert}

pytestmark = pytest.mark.skipif(not FILES, reason="../shared/fixtures is not present")


def _steps(steps: list[dict]) -> list[dict]:
    out = []
    for step in steps:
        out.append(step)
        args = step.get("Arguments") or {}
        if step.get("Type") == "Condition":
            out += _steps(args.get("IfSteps") or []) + _steps(args.get("ElseSteps") or [])
    return out


@pytest.mark.parametrize("path", FILES, ids=[f.stem[:60] for f in FILES])
def test_fixture_loads_converts_and_validates(path: Path, tmp_path: Path) -> None:
    raw = json.loads(path.read_text())
    pipeline = load(path)
    assert sorted(s.name for s in pipeline.all_steps()) == sorted(s["Name"] for s in _steps(raw["Steps"]))
    project, diags = convert(pipeline)
    # every in-scope step becomes a node (a model definition: the node that serves it, if any, and a finding
    # naming it); every other step is reported by name
    nodes_by_step = {o.step: o.node for o in project.outcomes}
    for step in pipeline.all_steps():
        if step.type == "Model":
            assert any(d.code in ("SM2AML232", "SM2AML233") and step.name in d.message for d in diags), step.name
        elif step.type in IN_SCOPE:
            assert nodes_by_step[step.name] is not None, step.name
        elif step.type not in IN_SCOPE:
            assert any(step.name in d.message for d in diags), f"{step.name} not reported"
    assert {o.step for o in project.outcomes} == {s.name for s in pipeline.all_steps()}
    write(emit(project), tmp_path / "out")
    assert [d.one_line() for d in validate(tmp_path / "out", azure=True)] == []
