"""The local runner on if_else projects: the condition node runs, then only the nodes of the block it chose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from sm2aml import emit, load, write
from sm2aml.config import Options
from sm2aml.rules import convert
from sm2aml.run import plan, run

ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
COMPONENTS: dict[str, dict[str, Any]] = {
    "decide": {
        "inputs": {"value": {"type": "string"}},
        "outputs": {"flag": {"type": "boolean", "is_control": True}},
        "command": "echo ${{inputs.value}} > ${{outputs.flag}}/output",
    },
    "write": {
        "inputs": {"text": {"type": "string", "default": "x"}},
        "outputs": {"out": {"type": "uri_folder"}},
        "command": "echo ${{inputs.text}} > ${{outputs.out}}/f.txt",
    },
    "copy": {
        "inputs": {"src": {"type": "uri_folder"}},
        "outputs": {"out": {"type": "uri_folder"}},
        "command": "cp ${{inputs.src}}/f.txt ${{outputs.out}}/f.txt",
    },
}


def _project(root: Path) -> Path:
    for name, comp in COMPONENTS.items():
        folder = root / "components" / name
        (folder / "src").mkdir(parents=True)
        doc = {"type": "command", "name": name, "code": "./src", "environment": ENV, **comp}
        (folder / "component.yml").write_text(yaml.safe_dump(doc))

    def node(uses: str, **inputs: str) -> dict[str, Any]:
        return {"type": "command", "component": f"./components/{uses}/component.yml", "inputs": inputs}

    jobs = {
        "outer": node("decide", value="${{parent.inputs.outer}}"),
        "outer_if_else": {
            "type": "if_else",
            "condition": "${{parent.jobs.outer.outputs.flag}}",
            "true_block": ["${{parent.jobs.yes}}"],
            "false_block": ["${{parent.jobs.no}}", "${{parent.jobs.inner}}", "${{parent.jobs.inner_if_else}}"],
        },
        "yes": node("write", text="yes"),
        "no": node("write", text="no"),
        "inner": node("decide", value="${{parent.inputs.inner}}"),
        "inner_if_else": {
            "type": "if_else",
            "condition": "${{parent.jobs.inner.outputs.flag}}",
            "true_block": "${{parent.jobs.deep}}",
        },
        "deep": node("write", text="deep"),
        "after_yes": node("copy", src="${{parent.jobs.yes.outputs.out}}"),  # outside any block
    }
    pipeline = {"type": "pipeline", "inputs": {"outer": "False", "inner": "True"}, "jobs": jobs}
    (root / "pipeline.yml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    return root


def test_block_nodes_wait_for_their_if_else_node(tmp_path: Path) -> None:
    order = [n.name for n in plan(_project(tmp_path / "p"))]
    for member in ("yes", "no", "inner", "inner_if_else"):
        assert order.index("outer_if_else") < order.index(member)
    assert order.index("inner_if_else") < order.index("deep")


@pytest.mark.parametrize(
    ("outer", "inner", "ran", "skipped"),
    [
        pytest.param("False", "True", {"no", "inner", "inner_if_else", "deep"}, {"yes", "after_yes"}, id="false"),
        pytest.param("False", "False", {"no", "inner", "inner_if_else"}, {"yes", "after_yes", "deep"}, id="nested"),
        pytest.param("True", "True", {"yes", "after_yes"}, {"no", "inner", "inner_if_else", "deep"}, id="true"),
    ],
)
def test_only_the_taken_block_runs(tmp_path: Path, outer: str, inner: str, ran: set[str], skipped: set[str]) -> None:
    results = run(_project(tmp_path / "p"), tmp_path / "run", inputs={"outer": outer, "inner": inner})
    status = {r.node: r.status for r in results}
    assert status["outer"] == status["outer_if_else"] == "succeeded"
    assert {n for n, s in status.items() if s == "skipped (condition)"} == skipped
    assert {n for n in ran if status[n] == "succeeded"} == ran
    for name in ("yes", "no", "deep"):
        written = (tmp_path / "run" / name / "outputs" / "out" / "f.txt").is_file()
        assert written == (name in ran), name


def test_a_condition_without_a_value_fails_the_if_else_node(tmp_path: Path) -> None:
    results = run(_project(tmp_path / "p"), tmp_path / "run", inputs={"outer": "maybe"})
    status = {r.node: r.status for r in results}
    assert status["outer_if_else"] == "failed"
    assert {status[n] for n in ("yes", "no", "deep")} == {"not run"}


def _fail_in_branch() -> dict[str, Any]:
    return {
        "Version": "2020-12-01",
        "Parameters": [{"Name": "Stage", "Type": "String", "DefaultValue": "dev"}],
        "Steps": [
            {
                "Name": "IsProd",
                "Type": "Condition",
                "Arguments": {
                    "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.Stage"}, "RightValue": "prod"}],
                    "IfSteps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "no prod runs"}}],
                    "ElseSteps": [],
                },
            }
        ],
    }


@pytest.mark.parametrize(("stage", "stop"), [("dev", "skipped (condition)"), ("prod", "failed")])
def test_converted_project_runs_its_condition_launcher_and_one_block(tmp_path: Path, stage: str, stop: str) -> None:
    project, _ = convert(load(json.dumps(_fail_in_branch())), Options(control_flow="if_else"))
    write(emit(project), tmp_path / "out")
    results = run(tmp_path / "out", tmp_path / "run", inputs={"stage": stage})
    assert [(r.node, r.status) for r in results] == [
        ("is_prod", "succeeded"),
        ("is_prod_if_else", "succeeded"),
        ("stop", stop),
    ]
    expected = "True" if stage == "prod" else "False"
    assert (tmp_path / "run" / "is_prod" / "outputs" / "is_true" / "output").read_text() == expected
