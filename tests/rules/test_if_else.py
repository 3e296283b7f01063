"""--control-flow if_else: each condition drives an Azure ML if_else node; branch nodes are not guarded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.rules.model_steps import create_model, training, transform
from tests.rules.model_steps import run as run_steps
from tests.rules.test_condition import MSE_AT_MOST_THRESHOLD, _definition, _processing

from sm2aml import aml, emit, load, write
from sm2aml.config import Options
from sm2aml.diagnostics import Diagnostics
from sm2aml.rules import convert
from sm2aml.validate import validate

IF_ELSE = Options(control_flow="if_else")


def _convert(doc: dict[str, Any], options: Options = IF_ELSE) -> tuple[aml.Project, Diagnostics]:
    return convert(load(json.dumps(doc)), options)


def _nodes(project: aml.Project) -> dict[str, aml.Node]:
    return {n.name: n for n in project.pipeline.nodes}


def _component(project: aml.Project, name: str) -> aml.Component:
    return next(c for c in project.components if c.name == name)


def test_nested_conditions_become_nested_if_else_blocks() -> None:
    project, diags = _convert(_definition(MSE_AT_MOST_THRESHOLD, nested=True))
    nodes = _nodes(project)
    assert list(nodes) == [
        "evaluate",
        "check",
        "check_if_else",
        "register",
        "inner",
        "inner_if_else",
        "deploy",
        "too_high",
        "publish",
    ]
    assert nodes["check_if_else"].kind == "if_else" and nodes["check_if_else"].component == ""
    assert nodes["check_if_else"].settings == {
        "condition": "${{parent.jobs.check.outputs.is_true}}",
        "true_block": [
            "${{parent.jobs.register}}",
            "${{parent.jobs.inner}}",
            "${{parent.jobs.inner_if_else}}",
            "${{parent.jobs.publish}}",  # reads from register, so it joins register's block
        ],
        "false_block": ["${{parent.jobs.too_high}}"],
    }
    assert nodes["inner_if_else"].settings == {
        "condition": "${{parent.jobs.inner.outputs.is_true}}",
        "true_block": ["${{parent.jobs.deploy}}"],
    }
    assert [d.where for d in diags if d.code == "SM2AML410"] == ["/Steps/1", "/Steps/1/Arguments/IfSteps/1"]
    [joined] = [d for d in diags if d.code == "SM2AML411"]
    assert joined.where == "/Steps/2" and "'register'" in joined.message


def test_branch_nodes_are_not_guarded_and_the_condition_writes_a_control_output() -> None:
    project, _ = _convert(_definition(MSE_AT_MOST_THRESHOLD, nested=True))
    for name in ("register", "deploy", "too_high", "publish"):
        component = _component(project, name)
        assert not component.command.startswith("if "), name
        assert not any(key.startswith("gate_") for key in component.inputs), name
    check = _component(project, "check")
    assert check.outputs["is_true"] == aml.Port(
        type="boolean", is_control=True, description="The condition's value, read by the if_else node"
    )
    assert check.command.endswith(" --control is_true=${{outputs.is_true}}")
    assert check.is_deterministic is False
    assert [o.construct for o in project.outcomes if o.step == "check"] == [
        "condition component and if_else node choosing its branch"
    ]


def test_default_mode_keeps_the_gates() -> None:
    project, diags = _convert(_definition(MSE_AT_MOST_THRESHOLD, nested=True), Options())
    assert all(n.kind != "if_else" for n in project.pipeline.nodes)
    assert "is_true" not in _component(project, "check").outputs
    assert _component(project, "deploy").command.startswith("if ")
    assert not [d for d in diags if d.code in ("SM2AML410", "SM2AML411", "SM2AML412")]


def test_a_node_reading_from_both_branches_is_in_no_block() -> None:
    doc = _definition(MSE_AT_MOST_THRESHOLD)
    doc["Steps"][1]["Arguments"]["ElseSteps"] = [_processing("fallback", ["receipt"])]

    def receipt(step: str) -> dict[str, Any]:
        return {
            "InputName": step,
            "S3Input": {
                "S3Uri": {"Get": f"Steps.{step}.ProcessingOutputConfig.Outputs['receipt'].S3Output.S3Uri"},
                "LocalPath": f"/opt/ml/processing/input/{step}",
            },
        }

    doc["Steps"][2] = _processing("publish", inputs=[receipt("register"), receipt("fallback")])
    project, diags = _convert(doc)
    blocks = _nodes(project)["check_if_else"].settings
    assert blocks["true_block"] == ["${{parent.jobs.register}}"]
    assert blocks["false_block"] == ["${{parent.jobs.fallback}}"]
    [warning] = [d for d in diags if d.code == "SM2AML412"]
    assert warning.where == "/Steps/2"
    assert "the if branch of 'check'" in warning.message and "the else branch of 'check'" in warning.message


def test_a_condition_without_branch_steps_gets_no_if_else_node() -> None:
    doc = _definition(MSE_AT_MOST_THRESHOLD)
    doc["Steps"][1]["Arguments"].update(IfSteps=[], ElseSteps=[])
    doc["Steps"].pop(2)  # publish read from a branch step
    project, _ = _convert(doc)
    assert [n.name for n in project.pipeline.nodes] == ["evaluate", "check"]


def test_a_transform_in_a_branch_gets_no_gate_arguments() -> None:
    condition = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.BatchData"}, "RightValue": "x"}],
            "IfSteps": [create_model(), transform()],
            "ElseSteps": [],
        },
    }
    project, diags = run_steps([training(), condition], control_flow="if_else")
    score = _component(project, "score")
    assert "--gate" not in score.settings["task"]["program_arguments"]
    assert not any(key.startswith("gate_") for key in score.inputs)
    assert _nodes(project)["check_if_else"].settings["true_block"] == ["${{parent.jobs.score}}"]
    assert "SM2AML408" not in {d.code for d in diags}


def test_emitted_if_else_project_validates_with_azure_ai_ml(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    project, _ = _convert(_definition(MSE_AT_MOST_THRESHOLD, nested=True))
    write(emit(project), tmp_path / "out")
    assert [d.one_line() for d in validate(tmp_path / "out", azure=True)] == []
    readme = (tmp_path / "out" / "README.md").read_text()
    assert "export AZURE_ML_CLI_PRIVATE_FEATURES_ENABLED=true" in readme


@pytest.mark.parametrize(("flag", "kinds"), [((), set()), (("--control-flow", "if_else"), {"if_else"})])
def test_cli_control_flow_option(tmp_path: Path, flag: tuple[str, ...], kinds: set[str]) -> None:
    source = Path(__file__).resolve().parents[1] / "cases" / "condition_if_else" / "input.json"
    done = subprocess.run(
        [sys.executable, "-m", "sm2aml", "convert", str(source), "-o", str(tmp_path / "out"), "-q", *flag],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    jobs = yaml.safe_load((tmp_path / "out" / "pipeline.yml").read_text())["jobs"]
    assert {job["type"] for job in jobs.values()} - {"command"} == kinds
