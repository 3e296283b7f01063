"""Definitions of model, registration and transform steps in the SDK's shapes, for the rule tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sm2aml import aml, emit, load, write
from sm2aml.config import Options
from sm2aml.diagnostics import Diagnostics
from sm2aml.rules import convert
from sm2aml.validate import validate

SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = "arn:aws:iam::111122223333:role/ModelRole"
CODE = "s3://b/code/sourcedir.tar.gz"
ARTIFACTS = {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
EVALUATION = {"Get": "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri"}


def training(name: str = "Train") -> dict[str, Any]:
    return {
        "Name": name,
        "Type": "Training",
        "Arguments": {
            "AlgorithmSpecification": {"TrainingImage": SKLEARN, "TrainingInputMode": "File"},
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
            "OutputDataConfig": {"S3OutputPath": "s3://b/models"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
            "RoleArn": ROLE,
            "HyperParameters": {"sagemaker_program": '"train.py"', "sagemaker_submit_directory": f'"{CODE}"'},
        },
    }


def evaluate(name: str = "Evaluate", destination: Any = "s3://b/eval") -> dict[str, Any]:
    return {
        "Name": name,
        "Type": "Processing",
        "Arguments": {
            "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1}},
            "AppSpecification": {
                "ImageUri": SKLEARN,
                "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/evaluate.py"],
            },
            "ProcessingInputs": [
                {
                    "InputName": "model",
                    "S3Input": {"S3Uri": ARTIFACTS, "LocalPath": "/opt/ml/processing/model"},
                },
            ],
            "ProcessingOutputConfig": {
                "Outputs": [
                    {
                        "OutputName": "evaluation",
                        "S3Output": {"S3Uri": destination, "LocalPath": "/opt/ml/processing/evaluation"},
                    }
                ]
            },
        },
    }


def container(
    image: str = SKLEARN, data: Any = ARTIFACTS, program: str | None = "inference.py", submit: str = CODE
) -> dict[str, Any]:
    env: dict[str, Any] = {"SAGEMAKER_CONTAINER_LOG_LEVEL": "20", "SAGEMAKER_REGION": "us-east-1"}
    if program:
        env.update(SAGEMAKER_PROGRAM=program, SAGEMAKER_SUBMIT_DIRECTORY=submit)
    return {"Image": image, "Environment": env, "ModelDataUrl": data}


def create_model(name: str = "M-CreateModel", **overrides: Any) -> dict[str, Any]:
    return {
        "Name": name,
        "Type": "Model",
        "Arguments": {"ExecutionRoleArn": ROLE, "PrimaryContainer": container(**overrides)},
    }


def register(name: str = "R-RegisterModel", **arguments: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "ModelPackageGroupName": "housing-models",
        "ModelMetrics": {
            "ModelQuality": {
                "Statistics": {
                    "ContentType": "application/json",
                    "S3Uri": {"Std:Join": {"On": "/", "Values": [EVALUATION, "evaluation.json"]}},
                }
            },
            "Bias": {},
            "Explainability": {},
        },
        "InferenceSpecification": {
            "Containers": [container()],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
            "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large", "ml.m5.xlarge"],
            "SupportedTransformInstanceTypes": ["ml.m5.large"],
        },
        "ModelApprovalStatus": {"Get": "Parameters.ModelApprovalStatus"},
        "SkipModelValidation": "None",
    }
    args.update(arguments)
    return {"Name": name, "Type": "RegisterModel", "Arguments": args}


def transform(name: str = "Score", model: Any = None, **arguments: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "ModelName": model or {"Get": "Steps.M-CreateModel.ModelName"},
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": {"Get": "Parameters.BatchData"}}},
            "ContentType": "text/csv",
            "SplitType": "Line",
        },
        "TransformOutput": {"S3OutputPath": "s3://b/scores", "AssembleWith": "Line", "Accept": "text/csv"},
        "TransformResources": {"InstanceCount": 1, "InstanceType": "ml.m5.large"},
    }
    for key, value in arguments.items():
        if isinstance(value, dict) and isinstance(args.get(key), dict):
            args[key] = {**args[key], **value}
        else:
            args[key] = value
    return {"Name": name, "Type": "Transform", "Arguments": args}


PARAMETERS = [
    {"Name": "ModelApprovalStatus", "Type": "String", "DefaultValue": "PendingManualApproval"},
    {"Name": "BatchData", "Type": "String", "DefaultValue": "s3://b/batch"},
]


def run(
    steps: list[dict[str, Any]],
    parameters: list[dict[str, Any]] = (),
    **options: Any,  # type: ignore[assignment]
) -> tuple[aml.Project, Diagnostics]:
    doc = {"Version": "2020-12-01", "Parameters": [*PARAMETERS, *parameters], "Steps": steps}
    return convert(load(json.dumps(doc)), Options(**options))


def node(project: aml.Project, name: str) -> aml.Node:
    return next(n for n in project.pipeline.nodes if n.name == name)


def component(project: aml.Project, name: str) -> aml.Component:
    return next(c for c in project.components if c.name == name)


def messages(diags: Diagnostics, code: str) -> list[str]:
    return [d.message for d in diags if d.code == code]


def emitted_findings(project: aml.Project, out: Path) -> list[str]:
    """Write the project and validate it with azure-ai-ml: the findings as lines (none expected)."""
    write(emit(project), out)
    return [d.one_line() for d in validate(out, azure=True)]
