"""Transform steps become parallel jobs: the settings carried to the entry script, and what is reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.rules.model_steps import (
    XGBOOST,
    component,
    create_model,
    emitted_findings,
    evaluate,
    messages,
    node,
    run,
    training,
    transform,
)

from sm2aml import aml

BASE_ARGS = "--data ${{inputs.data}} --model ${{inputs.model}} --output ${{outputs.predictions}} --program inference.py"


def _task(project: aml.Project, name: str = "score") -> dict[str, Any]:
    task: dict[str, Any] = component(project, name).settings["task"]
    return task


def test_transform_becomes_a_parallel_job_serving_the_created_model() -> None:
    project, diags = run([training(), create_model(), transform()])
    score, comp = node(project, "score"), component(project, "score")
    assert (score.kind, comp.kind, comp.code) == ("parallel", "parallel", None)
    assert score.inputs["model"] == aml.NodeOutput(node="train", output="model_artifacts")  # model.tar.gz, as served
    assert score.inputs["data"] == aml.ParentInput(name="batch_data")
    assert (score.instance_type, score.identity) == ("Standard_D2s_v3", "managed")
    assert comp.settings["input_data"] == "${{inputs.data}}"
    assert comp.settings["mini_batch_size"] == "1"
    assert comp.settings["error_threshold"] == 0
    assert comp.settings["retry_settings"] == {"max_retries": 3, "timeout": 600}
    task = _task(project)
    assert task["program_arguments"] == (
        f"{BASE_ARGS} --content-type text/csv --accept text/csv --split-type Line --assemble-with Line"
    )
    assert (task["type"], task["code"], task["entry_script"]) == ("run_function", "./src", "sm2aml_inference.py")
    assert task["environment"] == "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
    assert "sm2aml_inference.py" in comp.src_files
    assert [s.component for s in project.code_sources] == ["train", "score"]
    assert messages(diags, "SM2AML238")
    assert any("Azure ML now manages" in m for m in messages(diags, "SM2AML309"))


@pytest.mark.parametrize(
    ("arguments", "words", "code"),
    [
        pytest.param(
            {"BatchStrategy": "SingleRecord", "MaxPayloadInMB": 2},
            "--batch-strategy SingleRecord --max-payload-mb 2",
            None,
            id="batch-strategy-and-payload",
        ),
        pytest.param(
            {"TransformInput": {"CompressionType": "Gzip"}}, "--compression Gzip", None, id="gzip-compression"
        ),
        pytest.param(
            {"DataProcessing": {"InputFilter": "$[1:]", "OutputFilter": "$[0,-1]", "JoinSource": "Input"}},
            "--join-source Input --input-filter '$[1:]' --output-filter '$[0,-1]'",
            None,
            id="data-processing",
        ),
        pytest.param(
            {"DataProcessing": {"InputFilter": "$..features[?(@.x)]"}},
            "",
            "SM2AML239",
            id="unsupported-filter-dropped",
        ),
        pytest.param({"TransformInput": {"SplitType": "RecordIO"}}, "", "SM2AML239", id="recordio-is-sent-whole"),
        pytest.param(
            {"TransformInput": {"ContentType": None}}, "--content-type text/csv", "SM2AML239", id="no-content-type"
        ),
        pytest.param(
            {"TransformInput": {"ContentType": {"Get": "Parameters.Kind"}}},
            "--content-type ${{inputs.kind}}",
            None,
            id="content-type-from-a-parameter",
        ),
    ],
)
def test_transform_settings_reach_the_entry_script(arguments: dict[str, Any], words: str, code: str | None) -> None:
    kind = [{"Name": "Kind", "Type": "String", "DefaultValue": "text/csv"}]
    project, diags = run([training(), create_model(), transform(**arguments)], kind)
    arguments_text = _task(project)["program_arguments"]
    assert words in arguments_text
    if "--input-filter" not in words:
        assert "filter" not in arguments_text
    assert (code in diags.codes()) if code else not messages(diags, "SM2AML239")


def test_concurrency_and_client_config_become_parallel_settings() -> None:
    step = transform(
        MaxConcurrentTransforms=4,
        ModelClientConfig={"InvocationsTimeoutInSeconds": 1200, "InvocationsMaxRetries": 1},
        TransformResources={"InstanceCount": 3, "InstanceType": "ml.c5.xlarge"},
    )
    project, _ = run([training(), create_model(), step])
    settings = component(project, "score").settings
    assert settings["max_concurrency_per_instance"] == 4
    assert settings["retry_settings"] == {"max_retries": 1, "timeout": 1200}
    score = node(project, "score")
    assert (score.instance_type, score.instance_count) == ("Standard_F4s_v2", 3)


def test_data_inside_a_step_output_is_its_folder_plus_a_prefix() -> None:
    joined = {
        "Std:Join": {
            "On": "/",
            "Values": [{"Get": "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri"}, "test"],
        }
    }
    step = transform(TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": joined}}})
    project, _ = run([training(), evaluate(), create_model(), step])
    assert node(project, "score").inputs["data"] == aml.NodeOutput(node="evaluate", output="evaluation")
    assert "--prefix test" in _task(project)["program_arguments"]


def test_a_single_literal_file_is_scored_from_its_folder() -> None:
    source = {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/batch/day1.csv"}}
    project, _ = run([training(), create_model(), transform(TransformInput={"DataSource": source})])
    assert node(project, "score").inputs["data"] == aml.DataPath(
        type="uri_folder", path="azureml://datastores/b/paths/batch"
    )
    assert "--prefix day1.csv" in _task(project)["program_arguments"]


def test_predictions_feed_downstream_steps() -> None:
    consumer = evaluate("Metrics")
    consumer["Arguments"]["ProcessingInputs"] = [
        {
            "InputName": "scores",
            "S3Input": {
                "S3Uri": {"Get": "Steps.Score.TransformOutput.S3OutputPath"},
                "LocalPath": "/opt/ml/processing/scores",
            },
        }
    ]
    consumer["DependsOn"] = ["Score"]
    project, diags = run([training(), create_model(), transform(), consumer])
    assert node(project, "metrics").inputs["scores"] == aml.NodeOutput(node="score", output="predictions")
    assert "SM2AML404" not in diags.codes()


def test_a_literal_model_name_gets_a_stand_in_model_input() -> None:
    project, diags = run([transform(model="existing-sagemaker-model")])
    binding = node(project, "score").inputs["model"]
    assert isinstance(binding, aml.ParentInput) and binding.name in project.pipeline.inputs
    assert messages(diags, "SM2AML240")
    assert "--program" not in _task(project)["program_arguments"]


@pytest.mark.parametrize(
    ("image", "program", "environment", "warned"),
    [
        pytest.param(
            XGBOOST, None, "file:../../environments/sagemaker_xgboost_1_7_parallel.yml", False, id="xgboost-built-in"
        ),
        pytest.param(
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.11.0-cpu",
            "inference",
            "azureml://registries/azureml/environments/tensorflow-2.16-cuda12/labels/latest",
            True,
            id="tensorflow-serving",
        ),
        pytest.param(
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-cpu-py310",
            "inference.py",
            "azureml://registries/azureml/environments/acpt-pytorch-2.2-cuda12.1/labels/latest",
            False,
            id="pytorch-with-handlers",
        ),
    ],
)
def test_serving_images(image: str, program: str | None, environment: str, warned: bool) -> None:
    project, diags = run([training(), create_model(image=image, program=program), transform()])
    assert _task(project)["environment"] == environment
    assert bool(messages(diags, "SM2AML242")) is warned


def test_parallel_environment_variant_adds_the_driver_packages() -> None:
    project, _ = run([training(), create_model(image=XGBOOST, program=None), transform()])
    variant = next(e for e in project.environments if e.name == "sagemaker_xgboost_1_7_parallel")
    pip = yaml.safe_load(variant.conda or "")["dependencies"][-1]["pip"]
    assert {"azureml-core", "azureml-dataset-runtime[fuse]"} <= set(pip)


def test_a_transform_in_a_condition_branch_is_gated_by_its_entry_script() -> None:
    condition = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.BatchData"}, "RightValue": "x"}],
            "IfSteps": [create_model(), transform()],
            "ElseSteps": [],
        },
    }
    project, diags = run([training(), condition])
    score = node(project, "score")
    assert score.inputs["gate_check"] == aml.NodeOutput(node="check", output="outcome")
    assert _task(project)["program_arguments"].endswith(" --gate ${{inputs.gate_check}}=true")
    assert "SM2AML408" not in diags.codes()


def test_emitted_transform_project_validates(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    condition = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.BatchData"}, "RightValue": "x"}],
            "IfSteps": [transform("Gated", DataProcessing={"InputFilter": "$[1:]", "JoinSource": "Input"})],
            "ElseSteps": [],
        },
    }
    xgb = create_model("X-CreateModel", image=XGBOOST, program=None)
    steps = [
        training(),
        evaluate(),
        create_model(),
        xgb,
        transform(),
        transform("Xgb", {"Get": "Steps.X-CreateModel.ModelName"}),
    ]
    project, _ = run([*steps, condition, transform("Existing", "some-model")])
    assert emitted_findings(project, tmp_path / "out") == []
    doc = yaml.safe_load((tmp_path / "out" / "components" / "gated" / "component.yml").read_text())
    assert doc["type"] == "parallel" and "--gate ${{inputs.gate_check}}=true" in doc["task"]["program_arguments"]
    assert node(project, "xgb").identity == "managed"  # the model's execution role


def test_a_step_waiting_for_a_transform_binds_to_its_predictions() -> None:
    waiting = evaluate("Report")
    waiting["DependsOn"] = ["Score"]
    project, diags = run([training(), create_model(), transform(), waiting])
    assert node(project, "report").inputs["after_score"] == aml.NodeOutput(node="score", output="predictions")
    assert "sm2aml_done" not in component(project, "score").outputs
    assert "SM2AML403" in diags.codes()
