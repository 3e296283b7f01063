"""Spark, AWS-only, @step and notebook steps with arbitrary values: conversion never crashes, output stays valid."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.rules.test_rules import processing

from sm2aml import emit, load, write
from sm2aml.diagnostics import Severity
from sm2aml.load.definition import STEP_TYPES
from sm2aml.rules import aws_only, convert
from sm2aml.validate import validate

FAST = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.sampled_from(
    [
        "smspark-submit",
        "spark-submit",
        "--py-files",
        "--jars",
        "--class",
        "--conf",
        "a=b",
        "--executor-memory=2g",
        "s3://b/code/app.py",
        "s3a://b/data/",
        "/opt/ml/processing/input/raw",
        "/opt/ml/processing/input/code/app.py",
        "/opt/ml/processing/input/py-files",
        "/opt/ml/processing/output",
        "${{inputs.x}}",
        "a b",
        "",
    ]
)
EXPRS = st.sampled_from(
    [
        {"Get": "Parameters.P"},
        {"Get": "Execution.PipelineExecutionId"},
        {"Get": "Steps.First.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"},
        {"Get": "Steps.First.ProcessingJobName"},
        {"Std:Join": {"On": ",", "Values": ["s3://b/x.py", {"Get": "Parameters.P"}]}},
    ]
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=6), WORDS, EXPRS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=12,
)
PARAMS = [{"Name": "P", "Type": "String", "DefaultValue": "s3://b/p/"}]
AWS_TYPES = sorted(t for t in STEP_TYPES if aws_only.kind(t) is not None)


def _check(steps: list[dict[str, Any]]) -> None:
    doc = {"Version": "2020-12-01", "Parameters": PARAMS, "Steps": [processing("First"), *steps]}
    project, _ = convert(load(json.dumps(doc)))
    with tempfile.TemporaryDirectory() as tmp:
        write(emit(project), Path(tmp) / "out")
        errors = validate(Path(tmp) / "out", azure=False).at_least(Severity.ERROR)
    assert [d.one_line() for d in errors] == []


@FAST
@given(st.lists(st.one_of(WORDS, EXPRS), max_size=8), st.lists(st.one_of(WORDS, EXPRS), max_size=4), VALUES)
def test_spark_processing_never_crashes(entry: list[Any], arguments: list[Any], env: Any) -> None:
    step = processing("Spark")
    spec = step["Arguments"]["AppSpecification"]
    spec["ImageUri"] = "173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.3-cpu"
    spec["ContainerEntrypoint"], spec["ContainerArguments"] = ["smspark-submit", *entry], arguments
    step["Arguments"]["Environment"] = env
    step["Arguments"]["ProcessingInputs"] = [
        {"InputName": "code", "S3Input": {"S3Uri": "s3://b/code/app.py", "LocalPath": "/opt/ml/processing/input/code"}},
        {"InputName": "raw", "S3Input": {"S3Uri": "s3://b/raw/", "LocalPath": "/opt/ml/processing/input/raw"}},
    ]
    _check([step])


@FAST
@given(st.sampled_from(AWS_TYPES), st.dictionaries(st.text(min_size=1, max_size=6), VALUES, max_size=4), VALUES, VALUES)
def test_aws_only_steps_never_crash(step_type: str, args: dict[str, Any], target: Any, outputs: Any) -> None:
    step = {
        "Name": "Aws",
        "Type": step_type,
        "Arguments": args,
        "FunctionArn": target,
        "SqsQueueUrl": target,
        "OutputParameters": outputs,
    }
    consumer = processing("Last")
    consumer["Arguments"]["AppSpecification"]["ContainerArguments"] = [
        {"Get": "Steps.Aws.OutputParameters['status']"},
        {"Get": "Steps.Aws.OutputParameters['a b']"},
    ]
    consumer["DependsOn"] = ["Aws"]
    _check([step, consumer])


@FAST
@given(
    st.lists(st.one_of(WORDS, EXPRS, st.sampled_from(["--property_references", "--s3_base_uri"])), max_size=8), VALUES
)
@example(container_args=[], env={"": "${{inputs.x}}", "X": "${{parent.jobs.y}}"})  # binding look-alikes stay text
def test_function_and_notebook_steps_never_crash(container_args: list[Any], env: Any) -> None:
    function = {
        "Name": "Fn",
        "Type": "Training",
        "Arguments": {
            "AlgorithmSpecification": {
                "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
                "ContainerEntrypoint": ["/bin/bash", "/opt/ml/input/data/x/job_driver.sh"],
                "ContainerArguments": container_args,
            },
            "OutputDataConfig": {"S3OutputPath": "s3://b/out"},
            "Environment": env,
        },
    }
    notebook = {
        "Name": "Nb",
        "Type": "Training",
        "Arguments": {
            "AlgorithmSpecification": {"TrainingImage": "1.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution:1"},
            "Environment": {
                "SM_INPUT_NOTEBOOK_NAME": env if not isinstance(env, dict) else "n.ipynb",
                "SM_KERNEL_NAME": env,
            },
            "HyperParameters": env if isinstance(env, dict) else {"a": env},
            "InputDataConfig": [
                {
                    "ChannelName": "sagemaker_headless_execution_pipelinestep",
                    "DataSource": {"S3DataSource": {"S3Uri": env}},
                }
            ],
        },
    }
    _check([function, notebook])
