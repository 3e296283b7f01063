"""Quality and Clarify checks → model monitors or findings; data capture; CloudWatch alarms and dashboards."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from sm2aml import aml, emit, load, write
from sm2aml.cli import app
from sm2aml.config import Options
from sm2aml.diagnostics import Diagnostics, LoadError
from sm2aml.load.cloudwatch import read
from sm2aml.rules import convert
from sm2aml.validate import validate

CASE = Path(__file__).resolve().parents[1] / "cases" / "monitoring"
DOC: dict[str, Any] = json.loads((CASE / "input.json").read_text(encoding="utf-8"))


def _doc() -> dict[str, Any]:
    return copy.deepcopy(DOC)


def _step(doc: dict[str, Any], step_type: str) -> dict[str, Any]:
    return next(s for s in doc["Steps"] if s["Type"] == step_type)


def _convert(doc: dict[str, Any], options: Options | None = None) -> tuple[aml.Project, Diagnostics]:
    return convert(load(json.dumps(doc)), options)


def _messages(diags: Diagnostics, code: str) -> list[str]:
    return [d.message for d in diags if d.code == code]


def test_data_quality_check_with_an_endpoint_becomes_a_monitor_that_azure_ai_ml_loads(tmp_path: Path) -> None:
    project, diags = _convert(_doc())
    (monitor,) = project.monitors
    assert monitor.name == "check_churn_data_quality_monitor"
    signals = monitor.settings["monitoring_signals"]
    assert sorted(signals) == ["data_drift", "data_quality"]
    production = signals["data_drift"]["production_data"]
    assert production["input_data"]["path"] == "azureml:churn-models-blue-model_inputs:1"
    reference = signals["data_quality"]["reference_data"]["input_data"]
    assert reference == {
        "path": "azureml://datastores/sm2aml_test_artifacts/paths/churn/prepared/train/",
        "type": "mltable",
    }
    assert monitor.settings["monitoring_target"]["endpoint_deployment_id"] == "azureml:churn-models:blue"
    table = yaml.safe_load(monitor.files["monitoring/check_churn_data_quality_monitor/MLTable"])
    assert table["transformations"] == [{"read_delimited": {"delimiter": ",", "header": "no_header"}}]
    (endpoint,) = project.online_endpoints
    assert endpoint.deployment.collections == ("model_inputs", "model_outputs")
    assert _messages(diags, "SM2AML273") and _messages(diags, "SM2AML275")
    assert "SM2AML259" in diags.codes()  # the pipeline keeps the check's place
    out = tmp_path / "out"
    write(emit(project), out)
    deployment = yaml.safe_load((out / "endpoints" / "churn-models.deployment.yml").read_text(encoding="utf-8"))
    assert deployment["data_collector"]["collections"]["model_inputs"] == {"enabled": "true"}
    assert (out / "schedules" / "check_churn_data_quality_monitor.yml").is_file()
    pytest.importorskip("azure.ai.ml")
    assert [d.one_line() for d in validate(out, azure=True)] == []


def test_the_monitored_deployment_serves_from_an_environment_that_can_collect() -> None:
    project, diags = _convert(_doc())
    (endpoint,) = project.online_endpoints
    deployment = endpoint.deployment
    assert deployment.environment_variables["SM2AML_COLLECT"] == "1"
    assert deployment.environment == "file:../environments/sklearn_1_5_collecting.yml", "the curated one's stand-in"
    (environment,) = [e for e in project.environments if e.name == "sklearn_1_5_collecting"]
    pip = next(d["pip"] for d in yaml.safe_load(str(environment.conda))["dependencies"] if isinstance(d, dict))
    assert {"azureml-ai-monitoring", "pandas", "azureml-inference-server-http"} <= set(pip)
    (message,) = _messages(diags, "SM2AML275")
    assert "serving environment sklearn_1_5_collecting.yml adds" in message
    xgboost = _doc()
    image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    for step in xgboost["Steps"]:
        for container in step["Arguments"].get("InferenceSpecification", {}).get("Containers", []):
            container["Image"] = image
    (custom,) = _convert(xgboost)[0].online_endpoints
    assert custom.deployment.environment == "file:../environments/sagemaker_xgboost_1_7_serving_collecting.yml"


def test_a_broken_monitor_file_is_reported_by_validate(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    project, _ = _convert(_doc())
    out = tmp_path / "out"
    write(emit(project), out)
    path = out / "schedules" / "check_churn_data_quality_monitor.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: data_quality", "type: data_qualty"))
    found = validate(out, azure=True)
    assert any(d.code == "SM2AML505" and "schedules/" in d.where for d in found)


def test_no_endpoint_means_no_monitor_and_a_finding_that_says_what_to_add() -> None:
    doc = _doc()
    register = _step(doc, "RegisterModel")
    del register["Arguments"]["InferenceSpecification"]["SupportedRealtimeInferenceInstanceTypes"]
    project, diags = _convert(doc)
    assert project.monitors == () and project.online_endpoints == ()
    (message,) = _messages(diags, "SM2AML274")
    assert "online endpoint" in message and "inference_instances" in message


def test_a_baseline_that_changes_every_run_gives_no_monitor() -> None:
    doc = _doc()
    check = _step(doc, "QualityCheck")
    check["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] = {
        "Std:Join": {"On": "/", "Values": ["s3://b/baselines", {"Get": "Execution.PipelineExecutionId"}]}
    }
    project, diags = _convert(doc)
    assert project.monitors == ()
    (message,) = _messages(diags, "SM2AML274")
    assert "fixed baseline dataset location" in message
    assert project.online_endpoints[0].deployment.collections == ()  # nothing reads its data


def test_a_literal_baseline_file_is_read_through_an_mltable_of_its_folder() -> None:
    doc = _doc()
    check = _step(doc, "QualityCheck")
    check["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] = "s3://data-bucket/baselines/train.parquet"
    check["Arguments"]["Environment"]["dataset_format"] = json.dumps({"parquet": {}})
    project, _ = _convert(doc)
    (monitor,) = project.monitors
    reference = monitor.settings["monitoring_signals"]["data_drift"]["reference_data"]["input_data"]
    assert reference["path"] == "azureml://datastores/data_bucket/paths/baselines/"
    table = yaml.safe_load(next(iter(monitor.files.values())))
    assert table["paths"] == [{"file": "./train.parquet"}]
    assert "read_parquet" in table["transformations"][0]


def test_model_quality_check_names_the_model_performance_signal_and_the_missing_ground_truth() -> None:
    doc = _doc()
    check = _step(doc, "QualityCheck")
    check["CheckType"] = "MODEL_QUALITY"
    env = check["Arguments"]["Environment"]
    env.update({"analysis_type": "MODEL_QUALITY", "problem_type": "Regression", "inference_attribute": "0"})
    project, diags = _convert(doc)
    assert project.monitors == ()
    (message,) = _messages(diags, "SM2AML274")
    assert "model_performance" in message and "regression" in message and "ground truth" in message
    assert project.online_endpoints[0].deployment.collections == ("model_inputs", "model_outputs")


@pytest.mark.parametrize(
    ("check_type", "words"),
    [("MODEL_EXPLAINABILITY", "feature_attribution_drift"), ("DATA_BIAS", "no bias signal")],
)
def test_clarify_checks_keep_their_guidance_and_say_why(check_type: str, words: str) -> None:
    doc = _doc()
    check = _step(doc, "QualityCheck")
    check["Type"] = "ClarifyCheck"
    check["CheckType"] = check_type
    project, diags = _convert(doc)
    assert project.monitors == ()
    assert any(words in m for m in _messages(diags, "SM2AML260"))


def test_batch_data_capture_is_reported_with_what_azure_offers() -> None:
    doc = json.loads((CASE.parent / "model_register_transform" / "input.json").read_text(encoding="utf-8"))
    transform = _step(doc, "Transform")
    transform["Arguments"]["DataCaptureConfig"] = {"DestinationS3Uri": "s3://b/capture", "GenerateInferenceId": True}
    _, diags = _convert(doc)
    (message,) = _messages(diags, "SM2AML276")
    assert "s3://b/capture" in message and "no data collector" in message


# --- CloudWatch ----------------------------------------------------------------------------------


def test_alarms_become_findings_and_inventory_rows() -> None:
    watches = read(CASE / "alarms.json")
    project, diags = _convert(_doc(), Options(alarms=watches))
    messages = _messages(diags, "SM2AML313")
    assert len(messages) == 3
    assert "RequestLatency" in messages[0] and '"avg RequestLatency > 500"' in messages[0]
    assert "CpuUtilizationPercentage" in messages[1] and "online endpoint 'churn-models'" in messages[1]
    assert "FailedRuns" in messages[2]
    rows = [r for r in project.resources if r.kind == "alarm"]
    assert [r.source for r in rows] == ["churn-endpoint-latency", "churn-endpoint-cpu", "churn-pipeline-failed"]
    assert rows[0].details["metrics"][0]["azure_metric"] == "RequestLatency"


def test_dashboard_widgets_repeat_earlier_values_with_dots(tmp_path: Path) -> None:
    body = {
        "widgets": [
            {
                "type": "metric",
                "properties": {
                    "metrics": [
                        ["AWS/SageMaker", "Invocations", "EndpointName", "e", "VariantName", "v"],
                        [".", "ModelLatency", ".", ".", ".", ".", {"stat": "p99"}],
                        ["Custom/App", "Orders"],
                    ]
                },
            }
        ]
    }
    path = tmp_path / "dash.json"
    path.write_text(json.dumps({"DashboardName": "ops", "DashboardBody": json.dumps(body)}), encoding="utf-8")
    (watch,) = read(path)
    assert watch.kind == "dashboard" and [m.name for m in watch.metrics] == ["Invocations", "ModelLatency", "Orders"]
    assert watch.metrics[1].namespace == "AWS/SageMaker" and watch.metrics[1].dimensions == (
        ("EndpointName", "e"),
        ("VariantName", "v"),
    )
    project, diags = _convert(_doc(), Options(alarms=(watch,)))
    (message,) = _messages(diags, "SM2AML314")
    assert "RequestsPerMinute" in message and "RequestLatency_P99" in message and "Custom/App Orders" in message
    assert [r.kind for r in project.resources if r.kind in ("alarm", "dashboard")] == ["dashboard"]


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        ("not json", "", "not JSON"),
        ("[]", "", "describe-alarms"),
        (
            '{"MetricAlarms": [{"AlarmName": "a", "Namespace": "N", "MetricName": 1}]}',
            "/MetricAlarms/0/MetricName",
            "not text",
        ),
        (
            '{"MetricAlarms": [{"AlarmName": "a", "MetricName": "M", "Namespace": "N", "Threshold": "x"}]}',
            "/MetricAlarms/0/Threshold",
            "not a number",
        ),
        ('{"DashboardBody": "{"}', "/DashboardBody", "not JSON"),
    ],
)
def test_malformed_cloudwatch_files_raise_a_located_error(tmp_path: Path, content: str, where: str, words: str) -> None:
    path = tmp_path / "alarms.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        read(path)
    assert caught.value.diagnostic.code == "SM2AML112"
    assert caught.value.diagnostic.where == where and words in caught.value.diagnostic.message


def test_cli_exits_2_with_the_place_of_a_malformed_alarms_file(tmp_path: Path) -> None:
    bad = tmp_path / "alarms.json"
    bad.write_text('{"MetricAlarms": [{"Namespace": "AWS/SageMaker", "MetricName": "Invocations"}]}', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["convert", str(CASE / "input.json"), "-o", str(tmp_path / "out"), "--alarms", str(bad), "-q"]
    )
    assert result.exit_code == 2
    assert f"{bad}#/MetricAlarms/0/AlarmName: error SM2AML112: AlarmName is missing" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_converts_with_alarms(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["convert", str(CASE / "input.json"), "-o", str(tmp_path / "out"), "--alarms", str(CASE / "alarms.json"), "-q"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    (pipeline,) = report["pipelines"]
    assert pipeline["inventory"]["alarms"][0]["source"] == "churn-endpoint-latency"
