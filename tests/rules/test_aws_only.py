"""AWS-only step types: each has its own code and guidance, and the converted graph stays wired around it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.rules.test_rules import processing

from sm2aml import aml, emit, load, write
from sm2aml.diagnostics import Severity
from sm2aml.rules import RULES, aws_only, convert, nodes
from sm2aml.validate import validate

ROLE = "arn:aws:iam::111122223333:role/service-role/SageMakerExecutionRole"
CHECK_ARGS = {
    "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.c5.xlarge", "InstanceCount": 1}},
    "AppSpecification": {"ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"},
    "RoleArn": ROLE,
    "ProcessingOutputConfig": {
        "Outputs": [
            {
                "OutputName": "quality_check_output",
                "S3Output": {"S3Uri": "s3://b/qc", "LocalPath": "/opt/ml/processing/output"},
            }
        ]
    },
}
# (step type, arguments, top-level fields, code, words of the Azure counterpart the guidance names)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    (
        "Lambda",
        {"model": "m-1"},
        {
            "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:deploy",
            "OutputParameters": [{"OutputName": "status", "OutputType": "String"}],
        },
        "SM2AML255",
        "Azure Function",
    ),
    (
        "Callback",
        {"job": "j"},
        {
            "SqsQueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/q",
            "OutputParameters": [{"OutputName": "done", "OutputType": "Boolean"}],
        },
        "SM2AML256",
        "Service Bus or Event Grid",
    ),
    (
        "EMR",
        {
            "StepConfig": {"HadoopJarStep": {"Jar": "s3://b/jars/etl.jar", "MainClass": "com.example.Etl"}},
            "ClusterId": "j-1",
        },
        {},
        "SM2AML257",
        "serverless Spark",
    ),
    (
        "EMRServerless",
        {
            "ExecutionRoleArn": ROLE,
            "JobConfig": {"executionRoleArn": ROLE, "jobDriver": {"hive": {"query": "s3://b/q.sql"}}},
            "ApplicationId": "app-1",
        },
        {},
        "SM2AML258",
        "serverless Spark",
    ),
    ("QualityCheck", CHECK_ARGS, {"CheckType": "DATA_QUALITY", "SkipCheck": False}, "SM2AML259", "model monitoring"),
    ("ClarifyCheck", CHECK_ARGS, {"CheckType": "DATA_BIAS", "SkipCheck": False}, "SM2AML260", "Responsible AI"),
    ("AutoML", {"AutoMLJobConfig": {"Mode": "ENSEMBLING"}}, {}, "SM2AML261", "AutoML job"),
    (
        "EndpointConfig",
        {"ProductionVariants": [{"ModelName": "m", "VariantName": "v"}]},
        {},
        "SM2AML262",
        "online deployment",
    ),
    ("Endpoint", {"EndpointName": "e", "EndpointConfigName": "c"}, {}, "SM2AML263", "online endpoint"),
    ("InferenceComponent", {"EndpointName": "e", "Specification": {}}, {}, "SM2AML264", "online endpoint"),
    ("Lineage", {"Contexts": [{"ContextName": "c"}]}, {}, "SM2AML265", "lineage"),
    ("Job", {"TrainingJobName": "t"}, {}, "SM2AML266", "command component"),
    ("Cleanup", {"Resources": ["endpoint/e"]}, {}, "SM2AML267", "az ml"),
    ("ForEach", {"Items": [1, 2]}, {}, "SM2AML268", "parallel"),
    ("BedrockModelImport", {"ModelName": "m"}, {}, "SM2AML269", "Azure AI Foundry"),
    ("BedrockProvisionedModelThroughput", {"ModelUnits": 1}, {}, "SM2AML269", "Azure AI Foundry"),
    ("BedrockSomethingNewer", {}, {}, "SM2AML269", "Azure AI Foundry"),
]


def _run(steps: list[dict[str, Any]], params: list[dict[str, Any]] | None = None) -> tuple[aml.Project, Any]:
    doc = {"Version": "2020-12-01", "Parameters": params or [], "Steps": steps}
    return convert(load(json.dumps(doc)))


def _after(step_type: str, args: dict[str, Any], extra: dict[str, Any]) -> list[dict[str, Any]]:
    """The AWS-only step between two processing steps: it reads one's output, the other waits for it."""
    first = processing("First")
    uri = {"Get": "Steps.First.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"}
    step = {"Name": "Aws", "Type": step_type, "Arguments": {**args, "upstream": uri}, "DependsOn": ["First"], **extra}
    last = processing("Last")
    last["DependsOn"] = ["Aws"]
    return [first, step, last]


def _node(project: aml.Project, name: str) -> aml.Node:
    return next(n for n in project.pipeline.nodes if n.name == name)


def test_every_aws_only_type_has_its_own_code_and_is_registered() -> None:
    codes = {kind.code for kind in aws_only.KINDS.values()}
    assert len(codes) == len(aws_only.KINDS)
    for step_type in {c[0] for c in CASES} - {"BedrockSomethingNewer"}:
        assert step_type in RULES, step_type


@pytest.mark.parametrize(("step_type", "args", "extra", "code", "counterpart"), CASES, ids=[c[0] for c in CASES])
def test_aws_only_step_is_reported_and_keeps_the_graph_connected(
    step_type: str, args: dict[str, Any], extra: dict[str, Any], code: str, counterpart: str
) -> None:
    project, diags = _run(_after(step_type, args, extra))
    found = [d for d in diags if d.code == code and "'Aws'" in d.message]
    assert found, [d.one_line() for d in diags]
    assert counterpart in found[0].message + found[0].hint
    assert found[0].severity is Severity.ERROR
    (outcome,) = [o for o in project.outcomes if o.step == "Aws"]
    assert (outcome.outcome, outcome.construct, outcome.node) == ("manual", "placeholder node", "aws")
    node = _node(project, "aws")
    component = next(c for c in project.components if c.name == node.component)
    assert ">&2 && exit 1" in component.command
    # its producer stays upstream (the data is bound), and the step that waited for it still does
    assert aml.NodeOutput(node="first", output="out") in node.inputs.values()
    assert aml.NodeOutput(node="aws", output=nodes.DONE_OUTPUT) in _node(project, "last").inputs.values()


@pytest.mark.parametrize(
    ("step_type", "field", "value", "shown"),
    [
        pytest.param(
            "Lambda",
            "FunctionArn",
            "arn:aws:lambda:eu-west-1:1:function:f",
            "arn:aws:lambda:eu-west-1:1:function:f",
            id="lambda",
        ),
        pytest.param(
            "Callback",
            "SqsQueueUrl",
            "https://sqs.eu-west-1.amazonaws.com/1/q",
            "https://sqs.eu-west-1.amazonaws.com/1/q",
            id="callback",
        ),
        pytest.param(
            "Callback", "SqsQueueUrl", {"Get": "Parameters.Queue"}, "${{inputs.queue}}", id="callback-parameter"
        ),
    ],
)
def test_function_arn_queue_and_inputs_appear_in_the_message(
    step_type: str, field: str, value: Any, shown: str
) -> None:
    step = {"Name": "Aws", "Type": step_type, "Arguments": {"alpha": 0.5, "mode": "fast"}, field: value}
    project, diags = _run([step], [{"Name": "Queue", "Type": "String", "DefaultValue": "q"}])
    (component,) = project.components
    assert shown in component.command
    assert "alpha=" in component.command and "mode=" in component.command
    finding = next(d for d in diags if d.code in ("SM2AML255", "SM2AML256"))
    assert "inputs alpha, mode" in finding.message
    if isinstance(value, str):
        assert value in finding.message


def test_output_parameters_bind_downstream_as_data_and_as_command_line_values() -> None:
    lam = {
        "Name": "Pick",
        "Type": "Lambda",
        "Arguments": {},
        "FunctionArn": "arn:aws:lambda:us-east-1:1:function:pick",
        "OutputParameters": [
            {"OutputName": "data_uri", "OutputType": "String"},
            {"OutputName": "limit", "OutputType": "Integer"},
        ],
    }
    consumer = processing(
        "Use",
        ProcessingInputs=[
            {
                "InputName": "picked",
                "S3Input": {
                    "S3Uri": {"Get": "Steps.Pick.OutputParameters['data_uri']"},
                    "LocalPath": "/opt/ml/processing/picked",
                },
            }
        ],
    )
    consumer["Arguments"]["AppSpecification"]["ContainerArguments"] = [
        "--limit",
        {"Get": "Steps.Pick.OutputParameters['limit']"},
    ]
    callback = {
        "Name": "Notify",
        "Type": "Callback",
        "Arguments": {"limit": {"Get": "Steps.Pick.OutputParameters['limit']"}},
        "SqsQueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q",
        "OutputParameters": [],
    }
    project, diags = _run([lam, consumer, callback])
    use, notify = _node(project, "use"), _node(project, "notify")
    assert use.inputs["picked"] == aml.NodeOutput(node="pick", output="data_uri")
    assert use.inputs["pick_limit"] == aml.NodeOutput(node="pick", output="limit")
    command = next(c for c in project.components if c.name == "use").command
    assert '--limit "$(cat ${{inputs.pick_limit}}/limit)"' in command
    assert notify.inputs["limit"] == aml.NodeOutput(node="pick", output="limit")
    assert "SM2AML270" in diags.codes()
    assert "SM2AML402" not in diags.codes()


def test_output_parameter_with_an_unusual_name_cannot_be_read_and_is_reported() -> None:
    lam = {
        "Name": "Pick",
        "Type": "Lambda",
        "Arguments": {},
        "FunctionArn": "arn",
        "OutputParameters": [{"OutputName": "a b", "OutputType": "String"}],
    }
    consumer = processing("Use")
    consumer["Arguments"]["AppSpecification"]["ContainerArguments"] = [{"Get": "Steps.Pick.OutputParameters['a b']"}]
    project, diags = _run([lam, consumer])
    finding = next(d for d in diags if d.code == "SM2AML270")
    assert "cannot be read" in finding.message
    assert "$(cat" not in next(c for c in project.components if c.name == "use").command


def test_check_results_bind_to_the_placeholder_output() -> None:
    check = {"Name": "Check", "Type": "QualityCheck", "Arguments": CHECK_ARGS, "CheckType": "DATA_QUALITY"}
    consumer = processing(
        "Use",
        ProcessingInputs=[
            {
                "InputName": "constraints",
                "S3Input": {
                    "S3Uri": {"Get": "Steps.Check.CalculatedBaselineConstraints"},
                    "LocalPath": "/opt/ml/processing/constraints",
                },
            }
        ],
    )
    project, _ = _run([check, consumer])
    assert _node(project, "use").inputs["constraints"] == aml.NodeOutput(node="check", output="check_results")


def test_property_of_a_placeholder_without_an_output_is_reported_with_its_code() -> None:
    endpoint_config = {"Name": "Config", "Type": "EndpointConfig", "Arguments": {"ProductionVariants": []}}
    consumer = processing(
        "Use",
        ProcessingInputs=[
            {
                "InputName": "arn",
                "S3Input": {
                    "S3Uri": {"Get": "Steps.Config.EndpointConfigArn"},
                    "LocalPath": "/opt/ml/processing/arn",
                },
            }
        ],
    )
    _, diags = _run([endpoint_config, consumer])
    assert any(d.code == "SM2AML262" and "placeholder" in d.message and "EndpointConfigArn" in d.message for d in diags)


def test_emr_spark_submit_becomes_a_spark_node() -> None:
    step = {
        "Name": "Etl",
        "Type": "EMR",
        "Arguments": {
            "StepConfig": {
                "HadoopJarStep": {
                    "Jar": "command-runner.jar",
                    "Args": [
                        "spark-submit",
                        "--deploy-mode",
                        "cluster",
                        "--conf",
                        "spark.sql.shuffle.partitions=8",
                        "--py-files",
                        "s3://b/code/lib.zip",
                        "s3://b/code/etl.py",
                        "--input",
                        "s3://b/raw/",
                    ],
                }
            },
            "ClusterConfig": {
                "Instances": {
                    "InstanceGroups": [
                        {"InstanceRole": "MASTER", "InstanceType": "m5.xlarge", "InstanceCount": 1},
                        {"InstanceRole": "CORE", "InstanceType": "r5.2xlarge", "InstanceCount": 3},
                    ]
                }
            },
        },
    }
    project, diags = _run([step])
    (node,) = project.pipeline.nodes
    (component,) = project.components
    assert node.kind == component.kind == "spark"
    assert node.settings["resources"] == {"instance_type": "standard_e8s_v3", "runtime_version": "3.4"}
    s = component.settings
    assert s["entry"] == {"file": "sm2aml_spark.py"}
    assert s["py_files"] == ["etl.py", "lib.zip"]
    assert s["conf"]["spark.executor.instances"] == 3
    assert s["conf"]["spark.executor.cores"] == 8
    assert s["conf"]["spark.sql.shuffle.partitions"] == 8
    assert s["args"] == "etl.py --input azureml://datastores/b/paths/raw/"
    emr = next(d for d in diags if d.code == "SM2AML257")
    assert emr.severity is Severity.WARNING
    assert {c.uri for c in project.code_sources} == {"s3://b/code/etl.py", "s3://b/code/lib.zip"}


def test_emr_serverless_spark_submit_becomes_a_spark_node() -> None:
    step = {
        "Name": "Job",
        "Type": "EMRServerless",
        "Arguments": {
            "ExecutionRoleArn": ROLE,
            "JobConfig": {
                "executionRoleArn": ROLE,
                "jobDriver": {
                    "sparkSubmit": {
                        "entryPoint": "s3://b/code/job.py",
                        "entryPointArguments": ["--day", {"Get": "Parameters.Day"}],
                        "sparkSubmitParameters": "--conf spark.executor.instances=4 --conf spark.executor.memory=8g",
                    }
                },
                "configurationOverrides": {
                    "applicationConfiguration": [
                        {"classification": "spark-defaults", "properties": {"spark.executor.cores": "2"}}
                    ]
                },
            },
            "ApplicationId": "app-1",
        },
    }
    project, diags = _run([step], [{"Name": "Day", "Type": "String", "DefaultValue": "2024-01-01"}])
    (component,) = project.components
    conf = component.settings["conf"]
    assert (conf["spark.executor.instances"], conf["spark.executor.memory"], conf["spark.executor.cores"]) == (
        4,
        "8g",
        2,
    )
    assert component.settings["args"] == "job.py --day ${{inputs.day}}"
    assert project.pipeline.nodes[0].identity == "managed"
    assert next(d for d in diags if d.code == "SM2AML258").severity is Severity.WARNING


AUTOML = {
    "Name": "Auto",
    "Type": "AutoML",
    "Arguments": {
        "InputDataConfig": [
            {
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/train/train.csv"}},
                "TargetAttributeName": "label",
                "ChannelType": "training",
            }
        ],
        "OutputDataConfig": {"S3OutputPath": "s3://b/automl/"},
        "AutoMLJobConfig": {
            "CompletionCriteria": {"MaxCandidates": 5, "MaxAutoMLJobRuntimeInSeconds": 3601},
            "Mode": "ENSEMBLING",
        },
        "RoleArn": ROLE,
        "AutoMLJobObjective": {"MetricName": "F1"},
        "ProblemType": "BinaryClassification",
    },
}


def test_automl_becomes_an_automl_node() -> None:
    project, diags = _run([AUTOML])
    (node,) = project.pipeline.nodes
    assert project.components == ()
    assert node.kind == "automl" and node.component == ""
    assert node.settings["task"] == "classification"
    assert node.settings["training_data"] == {"type": "mltable", "path": "azureml://datastores/b/paths/train/"}
    assert node.settings["target_column_name"] == "label"
    assert node.settings["primary_metric"] == "average_precision_score_weighted"
    assert node.settings["limits"] == {"max_trials": 5, "timeout_minutes": 61}
    assert node.settings["training"] == {"enable_stack_ensemble": True, "enable_vote_ensemble": True}
    assert any(d.code == "SM2AML261" and "F1" in d.message for d in diags)


@pytest.mark.parametrize(
    ("problem", "metric", "task", "azure"),
    [
        pytest.param("Regression", "MSE", "regression", "normalized_root_mean_squared_error", id="mse"),
        pytest.param("MulticlassClassification", "Accuracy", "classification", "accuracy", id="accuracy"),
        pytest.param(None, "R2", "regression", "r2_score", id="inferred-regression"),
    ],
)
def test_automl_task_and_metric(problem: str | None, metric: str, task: str, azure: str) -> None:
    step = json.loads(json.dumps(AUTOML))
    step["Arguments"]["AutoMLJobObjective"]["MetricName"] = metric
    if problem is None:
        del step["Arguments"]["ProblemType"]
    else:
        step["Arguments"]["ProblemType"] = problem
    project, _ = _run([step])
    settings = project.pipeline.nodes[0].settings
    assert (settings["task"], settings["primary_metric"]) == (task, azure)


def test_everything_validates_with_azure_ai_ml(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    steps: list[dict[str, Any]] = [processing("First")]
    for i, (step_type, args, extra, _, _) in enumerate(CASES):
        uri = {"Get": "Steps.First.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"}
        steps.append({"Name": f"Aws{i}", "Type": step_type, "Arguments": {**args, "upstream": uri}, **extra})
    steps.append(AUTOML)
    last = processing("Last")
    last["DependsOn"] = [s["Name"] for s in steps]
    steps.append(last)
    project, _ = _run(steps)
    write(emit(project), tmp_path / "out")
    assert [d.one_line() for d in validate(tmp_path / "out", azure=True)] == []
    pipeline = yaml.safe_load((tmp_path / "out" / "pipeline.yml").read_text())
    assert pipeline["jobs"]["auto"]["type"] == "automl"
    assert "component" not in pipeline["jobs"]["auto"]


def test_retry_settings_helper_for_parallel_nodes() -> None:
    step = {
        "Name": "Aws",
        "Type": "Lambda",
        "Arguments": {},
        "FunctionArn": "arn",
        "RetryPolicies": [
            {"ExceptionType": ["Step.SERVICE_FAULT"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 3},
            {"ExceptionType": ["Step.THROTTLING"], "IntervalSeconds": 10, "BackoffRate": 2.0, "ExpireAfterMin": 5},
        ],
    }
    pipeline = load(json.dumps({"Version": "2020-12-01", "Steps": [step]}))
    # 10 + 20 + 40 + 80 = 150 s fit in 5 minutes, + 160 s would not
    assert nodes.retry_settings(pipeline.steps[0]) == {"max_retries": 4, "timeout": 60}
    plain = load(json.dumps({"Version": "2020-12-01", "Steps": [processing()]}))
    assert nodes.retry_settings(plain.steps[0]) is None


def test_output_folders_keep_the_output_parameter_names_when_an_input_has_the_same_name() -> None:
    first = {
        "Name": "A",
        "Type": "Lambda",
        "Arguments": {},
        "FunctionArn": "arn",
        "OutputParameters": [{"OutputName": "arn", "OutputType": "String"}],
    }
    second = {
        "Name": "B",
        "Type": "Lambda",
        "Arguments": {"arn": {"Get": "Steps.A.OutputParameters['arn']"}},
        "FunctionArn": "arn",
        "OutputParameters": [{"OutputName": "arn", "OutputType": "String"}],
    }
    project, _ = _run([first, second])
    b = next(c for c in project.components if c.name == "b")
    assert "arn" in b.outputs
    assert aml.NodeOutput(node="a", output="arn") in _node(project, "b").inputs.values()
