"""@step functions and notebook jobs (both Training steps): detected, wired and reported for what they lose."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sm2aml import emit, load, write
from sm2aml.rules import convert, function_steps
from sm2aml.validate import validate

CASE = Path(__file__).resolve().parents[1] / "cases" / "function_notebook" / "input.json"
SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"


def _training(**arguments: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "AlgorithmSpecification": {"TrainingImage": SKLEARN, "TrainingInputMode": "File"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
        "OutputDataConfig": {"S3OutputPath": "s3://b/out"},
        **arguments,
    }
    return {"Name": "Step", "Type": "Training", "Arguments": args}


@pytest.mark.parametrize(
    ("step", "kind"),
    [
        pytest.param(
            _training(
                AlgorithmSpecification={
                    "TrainingImage": SKLEARN,
                    "ContainerEntrypoint": [
                        "/bin/bash",
                        "/opt/ml/input/data/sagemaker_remote_function_bootstrap/job_driver.sh",
                    ],
                }
            ),
            "function",
            id="job-driver-entrypoint",
        ),
        pytest.param(
            _training(
                InputDataConfig=[
                    {
                        "ChannelName": "sagemaker_remote_function_bootstrap",
                        "DataSource": {"S3DataSource": {"S3Uri": "s3://b/rf"}},
                    }
                ]
            ),
            "function",
            id="bootstrap-channel",
        ),
        pytest.param(_training(Environment={"REMOTE_FUNCTION_SECRET_KEY": "x"}), "function", id="older-sdk-secret"),
        pytest.param(
            _training(Environment={"SM_INPUT_NOTEBOOK_NAME": "a.ipynb", "SM_KERNEL_NAME": "python3"}),
            "notebook",
            id="notebook-job",
        ),
        pytest.param(_training(HyperParameters={"sagemaker_program": '"train.py"'}), None, id="script-mode"),
    ],
)
def test_training_variants_are_detected(step: dict[str, Any], kind: str | None) -> None:
    pipeline = load(json.dumps({"Version": "2020-12-01", "Steps": [step]}))
    assert function_steps.kind(pipeline.steps[0]) == kind


def test_older_sdk_function_step_secret_is_not_copied() -> None:
    step = _training(
        Environment={"REMOTE_FUNCTION_SECRET_KEY": "3f1c0a", "MODE": "full"},
        AlgorithmSpecification={"TrainingImage": SKLEARN, "ContainerEntrypoint": ["/bin/bash", "x/job_driver.sh"]},
    )
    project, diags = convert(load(json.dumps({"Version": "2020-12-01", "Steps": [step]})))
    assert project.pipeline.nodes[0].environment_variables == {"MODE": "full"}
    assert "SM2AML210" in diags.codes()
    assert "SM2AML271" in diags.codes()


def test_function_steps_keep_their_data_flow() -> None:
    project, diags = convert(load(CASE))
    nodes = {n.name: n for n in project.pipeline.nodes}
    assert nodes["evaluate"].inputs["load_data_results"].output == "results"  # type: ignore[union-attr]
    assert nodes["accurate_enough"].inputs["evaluate_s3_output_path"].node == "evaluate"  # type: ignore[union-attr]
    assert "SM2AML403" not in diags.codes()  # the data edge replaces the SDK's DependsOn
    found = {d.message.split("'")[1]: d.message for d in diags if d.code == "SM2AML271"}
    assert set(found) == {"LoadData", "Evaluate"}
    assert "iris-functions/Evaluate/2024-01-01-00-00-00-000/function/payload.pkl" in found["Evaluate"]
    assert "description 'Fits a model and scores it.'" in found["Evaluate"]


def test_notebook_job_runs_with_papermill_and_its_folder_is_fetched() -> None:
    project, diags = convert(load(CASE))
    report = next(c for c in project.components if c.name == "report")
    assert (
        "papermill report.ipynb ${{outputs.output_notebook}}/report-ipynb-2024-01-01-00-00-00-000.ipynb "
        "-k python3 -p min_accuracy 0.8 -p title 'Iris accuracy'"
    ) in report.command
    assert any(
        s.component == "report" and s.uri.endswith("/input-2024-01-01-00-00-00-000/") for s in project.code_sources
    )
    files = {f.path: f.text for f in emit(project)}
    assert "aws s3 cp --recursive" in str(files["data_migration/fetch_code.sh"])
    assert "SM2AML272" in diags.codes()


@pytest.mark.parametrize(("accuracy", "outcome"), [(0.9, "true"), (0.5, "false")])
def test_condition_reads_the_function_result(tmp_path: Path, accuracy: float, outcome: str) -> None:
    project, _ = convert(load(CASE))
    write(emit(project), tmp_path / "out")
    results = tmp_path / "results"
    results.mkdir()
    (results / "results.json").write_text(json.dumps({"Result": accuracy, "Exception": None}), encoding="utf-8")
    src = tmp_path / "out" / "components" / "accurate_enough" / "src"
    done = subprocess.run(
        [
            sys.executable,
            "sm2aml_condition.py",
            "--outcome",
            str(tmp_path / "decision"),
            "--value",
            "min_accuracy=0.8",
            "--folder",
            f"evaluate_s3_output_path={results}",
        ],
        cwd=src,
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "decision" / "outcome").read_text().strip() == outcome


def test_function_and_notebook_case_validates(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    project, _ = convert(load(CASE))
    write(emit(project), tmp_path / "out")
    assert [d.one_line() for d in validate(tmp_path / "out", azure=True)] == []
