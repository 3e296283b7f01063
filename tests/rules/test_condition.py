"""Conditions keep their meaning: the generated condition component decides which branch does any work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sm2aml import emit, load, write
from sm2aml.rules import convert
from sm2aml.run import substitute
from sm2aml.runtime import condition as evaluator

SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"


def _processing(name: str, outputs: list[str] = (), inputs: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return {
        "Name": name,
        "Type": "Processing",
        "Arguments": {
            "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1}},
            "AppSpecification": {
                "ImageUri": SKLEARN,
                "ContainerEntrypoint": ["python3", f"/opt/ml/processing/input/code/{name}.py"],
            },
            "ProcessingInputs": [
                *inputs,
                {
                    "InputName": "code",
                    "S3Input": {"S3Uri": f"s3://b/code/{name}.py", "LocalPath": "/opt/ml/processing/input/code"},
                },
            ],
            "ProcessingOutputConfig": {
                "Outputs": [
                    {
                        "OutputName": o,
                        "S3Output": {
                            "S3Uri": f"s3://b/{name}/{o}",
                            "LocalPath": f"/opt/ml/processing/{o}",
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                    for o in outputs
                ]
            },
        },
    }


def _definition(conditions: list[dict[str, Any]], nested: bool = False) -> dict[str, Any]:
    evaluate = _processing("evaluate", ["evaluation"])
    evaluate["PropertyFiles"] = [
        {"PropertyFileName": "eval-report", "OutputName": "evaluation", "FilePath": "metrics/evaluation.json"}
    ]
    register = _processing("register", ["receipt"])
    after = _processing(
        "publish",
        inputs=[
            {
                "InputName": "r",
                "S3Input": {
                    "S3Uri": {"Get": "Steps.register.ProcessingOutputConfig.Outputs['receipt'].S3Output.S3Uri"},
                    "LocalPath": "/opt/ml/processing/input/r",
                },
            }
        ],
    )
    if_steps: list[dict[str, Any]] = [register]
    if nested:
        if_steps.append(
            {
                "Name": "inner",
                "Type": "Condition",
                "Arguments": {
                    "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.Stage"}, "RightValue": "prod"}],
                    "IfSteps": [_processing("deploy")],
                    "ElseSteps": [],
                },
            }
        )
    fail = {
        "Name": "too-high",
        "Type": "Fail",
        "Arguments": {
            "ErrorMessage": {"Std:Join": {"On": " ", "Values": ["MSE above", {"Get": "Parameters.Threshold"}]}}
        },
    }
    return {
        "Version": "2020-12-01",
        "Parameters": [
            {"Name": "Threshold", "Type": "Float", "DefaultValue": 6.0},
            {"Name": "Stage", "Type": "String", "DefaultValue": "prod"},
        ],
        "Steps": [
            evaluate,
            {
                "Name": "check",
                "Type": "Condition",
                "Arguments": {"Conditions": conditions, "IfSteps": if_steps, "ElseSteps": [fail]},
            },
            after,
        ],
    }


MSE_AT_MOST_THRESHOLD = [
    {
        "Type": "LessThanOrEqualTo",
        "LeftValue": {
            "Std:JsonGet": {
                "PropertyFile": {"Get": "Steps.evaluate.PropertyFiles.eval-report"},
                "Path": "regression_metrics.mse.value",
            }
        },
        "RightValue": {"Get": "Parameters.Threshold"},
    }
]


class Project:
    """An emitted project whose component commands can be run with bash on local folders."""

    def __init__(self, root: Path, scratch: Path) -> None:
        self.root, self.scratch = root, scratch
        self.pipeline = yaml.safe_load((root / "pipeline.yml").read_text())
        self.outputs: dict[tuple[str, str], Path] = {}

    def run(self, node: str, inputs: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        job = self.pipeline["jobs"][node]
        component_file = self.root / job["component"]
        component = yaml.safe_load(component_file.read_text())
        values: dict[str, str] = {}
        for name, bound in job.get("inputs", {}).items():
            if isinstance(bound, str) and bound.startswith("${{parent.jobs."):
                upstream, _, output = bound[len("${{parent.jobs.") : -2].split(".")
                values[f"inputs.{name}"] = str(self.outputs[(upstream, output)])
            elif isinstance(bound, str) and bound.startswith("${{parent.inputs."):
                values[f"inputs.{name}"] = str(self.pipeline["inputs"][bound[len("${{parent.inputs.") : -2]])
        values.update({f"inputs.{k}": v for k, v in (inputs or {}).items()})
        for output in component.get("outputs", {}):
            folder = self.scratch / node / output
            folder.mkdir(parents=True, exist_ok=True)
            self.outputs[(node, output)] = folder
            values[f"outputs.{output}"] = str(folder)
        command = substitute(component["command"], values).replace("python ", f"{sys.executable} ", 1)
        return subprocess.run(
            ["bash", "-c", command],
            cwd=component_file.parent / "src",
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )


@pytest.fixture
def emitted(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(doc: dict[str, Any]) -> Project:
        project, _ = convert(load(json.dumps(doc)))
        write(emit(project), tmp_path / "out")
        (tmp_path / "out" / "components" / "register" / "src" / "register.py").write_text("print('registering')\n")
        return Project(tmp_path / "out", tmp_path / "run")

    return make


def _evaluation(project: Project, mse: float) -> None:
    folder = project.scratch / "evaluate" / "evaluation"
    (folder / "metrics").mkdir(parents=True)
    (folder / "metrics" / "evaluation.json").write_text(json.dumps({"regression_metrics": {"mse": {"value": mse}}}))
    project.outputs[("evaluate", "evaluation")] = folder


def test_property_file_says_else_so_only_the_else_branch_runs(emitted) -> None:  # type: ignore[no-untyped-def]
    project = emitted(_definition(MSE_AT_MOST_THRESHOLD))
    _evaluation(project, mse=9.5)
    check = project.run("check")
    assert check.returncode == 0, check.stderr
    assert (project.outputs[("check", "outcome")] / "outcome").read_text() == "false"
    register = project.run("register")
    assert register.returncode == 0 and "skipped" in register.stdout
    assert "registering" not in register.stdout
    assert list(project.outputs[("register", "receipt")].iterdir()) == []
    publish = project.run("publish")
    assert publish.returncode == 0 and "skipped" in publish.stdout, "consumers of a skipped step skip too"
    fail = project.run("too_high")
    assert fail.returncode == 1
    assert "MSE above 6.0" in fail.stderr


def test_property_file_says_if_so_only_the_if_branch_runs(emitted) -> None:  # type: ignore[no-untyped-def]
    project = emitted(_definition(MSE_AT_MOST_THRESHOLD))
    _evaluation(project, mse=2.0)
    assert project.run("check").returncode == 0
    assert (project.outputs[("check", "outcome")] / "outcome").read_text() == "true"
    register = project.run("register")
    assert register.returncode == 0, register.stderr
    assert "registering" in register.stdout
    fail = project.run("too_high")
    assert fail.returncode == 0 and "skipped" in fail.stdout


def test_nested_condition_needs_both_outcomes(emitted) -> None:  # type: ignore[no-untyped-def]
    project = emitted(_definition(MSE_AT_MOST_THRESHOLD, nested=True))
    _evaluation(project, mse=9.5)
    project.run("check")
    inner = project.run("inner")
    assert inner.returncode == 0 and "skipped" in inner.stdout
    deploy = project.run("deploy")
    assert "skipped" in deploy.stdout, "the outer condition was false, so the nested branch does not run"
    gates = [k for k in project.pipeline["jobs"]["deploy"]["inputs"] if k.startswith("gate_")]
    assert sorted(gates) == ["gate_check", "gate_inner"]


def test_missing_property_file_fails_the_condition_loudly(emitted) -> None:  # type: ignore[no-untyped-def]
    project = emitted(_definition(MSE_AT_MOST_THRESHOLD))
    project.outputs[("evaluate", "evaluation")] = project.scratch / "empty"
    (project.scratch / "empty").mkdir(parents=True)
    result = project.run("check")
    assert result.returncode == 1
    assert "cannot read property file" in result.stderr


def test_emitted_condition_project_validates_with_azure_ai_ml(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    from sm2aml.validate import validate

    project, _ = convert(load(json.dumps(_definition(MSE_AT_MOST_THRESHOLD, nested=True))))
    write(emit(project), tmp_path / "out")
    assert [d.one_line() for d in validate(tmp_path / "out")] == []


E = evaluator.Evaluator


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        pytest.param(
            {"kind": "Equals", "left": {"kind": "literal", "value": 1}, "right": {"kind": "literal", "value": 1.0}},
            {},
            True,
            id="equals-numbers",
        ),
        pytest.param(
            {
                "kind": "GreaterThan",
                "left": {"kind": "input", "name": "x", "type": "integer"},
                "right": {"kind": "literal", "value": 3},
            },
            {"x": "4"},
            True,
            id="greater-than-input",
        ),
        pytest.param(
            {
                "kind": "GreaterThanOrEqualTo",
                "left": {"kind": "literal", "value": 3},
                "right": {"kind": "literal", "value": 3},
            },
            {},
            True,
            id="greater-equal",
        ),
        pytest.param(
            {
                "kind": "LessThan",
                "left": {"kind": "input", "name": "x", "type": "number"},
                "right": {"kind": "literal", "value": 0.5},
            },
            {"x": "0.75"},
            False,
            id="less-than",
        ),
        pytest.param(
            {
                "kind": "in",
                "query": {"kind": "input", "name": "s", "type": "string"},
                "values": [{"kind": "literal", "value": "a"}, {"kind": "literal", "value": "b"}],
                "text": "[a, b]",
            },
            {"s": "b"},
            True,
            id="in",
        ),
        pytest.param(
            {
                "kind": "not",
                "condition": {
                    "kind": "Equals",
                    "left": {"kind": "literal", "value": "a"},
                    "right": {"kind": "literal", "value": "b"},
                },
            },
            {},
            True,
            id="not",
        ),
        pytest.param(
            {
                "kind": "or",
                "conditions": [
                    {
                        "kind": "Equals",
                        "left": {"kind": "literal", "value": 1},
                        "right": {"kind": "literal", "value": 2},
                    },
                    {
                        "kind": "Equals",
                        "left": {"kind": "input", "name": "b", "type": "boolean"},
                        "right": {"kind": "literal", "value": True},
                    },
                ],
            },
            {"b": "True"},
            True,
            id="or-boolean",
        ),
        pytest.param(
            {
                "kind": "Equals",
                "left": {
                    "kind": "join",
                    "on": "-",
                    "values": [{"kind": "literal", "value": "a"}, {"kind": "input", "name": "s", "type": "string"}],
                },
                "right": {"kind": "literal", "value": "a-b"},
            },
            {"s": "b"},
            True,
            id="join",
        ),
    ],
)
def test_evaluator(condition: dict[str, Any], values: dict[str, str], expected: bool) -> None:
    assert E(values, {}).test(condition) is expected


@pytest.mark.parametrize(
    ("document", "path", "value"),
    [
        pytest.param({"a": {"b": 1}}, "a.b", 1, id="dotted"),
        pytest.param({"a": [{"b": 2}]}, "a[0].b", 2, id="index"),
        pytest.param({"a-b": {"c": 3}}, "$.a-b.c", 3, id="dollar-and-hyphen"),
        pytest.param({"a": {"x y": 4}}, "a['x y']", 4, id="quoted-key"),
    ],
)
def test_json_path(document: Any, path: str, value: Any) -> None:
    assert evaluator.json_path(document, path) == value


def test_json_path_reports_a_missing_key() -> None:
    with pytest.raises(evaluator.ConditionError, match="no 'c'"):
        evaluator.json_path({"a": {"b": 1}}, "a.c")
