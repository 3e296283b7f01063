"""The validator's if_else checks: offline (bindings name nodes, the condition is a control output) and azure-ai-ml."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from sm2aml.diagnostics import Diagnostics
from sm2aml.validate import validate
from sm2aml.validate_azure import PRIVATE_FEATURES, check, needs_private_features

ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
CONDITION = {
    "type": "command",
    "name": "check",
    "display_name": "check",
    "code": "./src",
    "environment": ENV,
    "outputs": {
        "outcome": {"type": "uri_folder"},
        "is_true": {"type": "boolean", "is_control": True},
        "plain": {"type": "boolean"},
    },
    "command": "echo ${{outputs.outcome}} ${{outputs.is_true}} ${{outputs.plain}}",
}
WORK = {
    "type": "command",
    "name": "work",
    "display_name": "work",
    "code": "./src",
    "environment": ENV,
    "outputs": {"out": {"type": "uri_folder"}},
    "command": "echo hi > ${{outputs.out}}/x",
}
PIPELINE: dict[str, Any] = {
    "type": "pipeline",
    "display_name": "p",
    "settings": {"default_compute": "azureml:serverless"},
    "jobs": {
        "check": {"type": "command", "component": "./components/check/component.yml"},
        "a": {"type": "command", "component": "./components/work/component.yml"},
        "b": {"type": "command", "component": "./components/work/component.yml"},
        "inner": {"type": "command", "component": "./components/check/component.yml"},
        "c": {"type": "command", "component": "./components/work/component.yml"},
        "inner_if_else": {
            "type": "if_else",
            "condition": "${{parent.jobs.inner.outputs.is_true}}",
            "true_block": ["${{parent.jobs.c}}"],
        },
        "check_if_else": {
            "type": "if_else",
            "condition": "${{parent.jobs.check.outputs.is_true}}",
            "true_block": ["${{parent.jobs.a}}", "${{parent.jobs.inner}}", "${{parent.jobs.inner_if_else}}"],
            "false_block": "${{parent.jobs.b}}",
        },
    },
}


def _project(root: Path, pipeline: dict[str, Any]) -> Path:
    for name, doc in (("check", CONDITION), ("work", WORK)):
        (root / "components" / name / "src").mkdir(parents=True)
        (root / "components" / name / "component.yml").write_text(yaml.safe_dump(doc))
    (root / "pipeline.yml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    return root


def _changed(node: str, key: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(PIPELINE)
    if value is None:
        doc["jobs"][node].pop(key)
    else:
        doc["jobs"][node][key] = value
    return doc


def test_nested_if_else_project_passes_offline_checks(tmp_path: Path) -> None:
    assert [d.one_line() for d in validate(_project(tmp_path, PIPELINE), azure=False)] == []


def test_nested_if_else_project_loads_in_azure_ai_ml_with_private_features(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    assert os.environ.get(PRIVATE_FEATURES) is None, "the check must turn the features on itself"
    out = _project(tmp_path, PIPELINE)
    assert needs_private_features(out)
    assert [d.one_line() for d in validate(out, azure=True)] == []


def test_azure_ai_ml_findings_come_back_from_the_subprocess(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    out = _project(tmp_path, _changed("check_if_else", "false_block", "${{parent.jobs.a}}"))
    found = Diagnostics()
    check(out, found)
    assert [d.code for d in found] == ["SM2AML505"]
    assert "cannot contain same nodes" in found.items[0].message


@pytest.mark.parametrize(
    ("pipeline", "expected"),
    [
        pytest.param(
            _changed("check_if_else", "condition", "${{parent.jobs.check.outputs.plain}}"),
            "is not a boolean control output",
            id="condition-not-control",
        ),
        pytest.param(
            _changed("check_if_else", "condition", "${{parent.jobs.check.outputs.outcome}}"),
            "is not a boolean control output",
            id="condition-a-folder",
        ),
        pytest.param(
            _changed("check_if_else", "condition", "${{parent.jobs.nowhere.outputs.is_true}}"),
            "is not a boolean control output",
            id="condition-unknown-node",
        ),
        pytest.param(
            _changed("check_if_else", "condition", "check.is_true"), "binds no node output", id="condition-no-binding"
        ),
        pytest.param(
            _changed("check_if_else", "false_block", "${{parent.jobs.missing}}"),
            "is not ${{parent.jobs.<another node>}}",
            id="block-unknown-node",
        ),
        pytest.param(
            _changed("inner_if_else", "true_block", ["${{parent.jobs.inner_if_else}}"]),
            "is not ${{parent.jobs.<another node>}}",
            id="block-itself",
        ),
        pytest.param(
            _changed("check_if_else", "false_block", ["${{parent.jobs.b.outputs.out}}"]),
            "is not ${{parent.jobs.<another node>}}",
            id="block-an-output",
        ),
        pytest.param(
            _changed("inner_if_else", "true_block", None), "has neither a true_block nor a false_block", id="no-block"
        ),
        pytest.param(
            _changed("check_if_else", "false_block", ["${{parent.jobs.a}}"]), "in both blocks", id="same-node-twice"
        ),
        pytest.param(
            _changed("inner_if_else", "true_block", ["${{parent.jobs.a}}"]),
            "is in blocks of both",
            id="node-in-two-if-else",
        ),
    ],
)
def test_broken_if_else_nodes_are_reported(tmp_path: Path, pipeline: dict[str, Any], expected: str) -> None:
    found = validate(_project(tmp_path, pipeline), azure=False)
    assert found.items and {d.code for d in found} == {"SM2AML502"}, [d.one_line() for d in found]
    assert any(expected in d.message for d in found), [d.one_line() for d in found]
