"""The Azure ML pipeline job, defined with the Python SDK v2 (azure-ai-ml).

build_pipeline() builds the job offline, without a workspace; submit.py submits it.
The components are the components/*/component.yml files, which the CLI v2 (YAML)
form of this project uses too. Written by sm2aml 0.1.0.
"""

from pathlib import Path
from typing import Any

from azure.ai.ml import Input, dsl, load_component
from azure.ai.ml.entities import (
    JobResourceConfiguration,
    ManagedIdentityConfiguration,
    PipelineJob,
)

HERE = Path(__file__).resolve().parent


def _component(name: str) -> Any:
    """The component in components/<name>/component.yml."""
    return load_component(source=HERE / "components" / name / "component.yml")


def build_pipeline(**overrides: Any) -> PipelineJob:
    """The pipeline job; keyword arguments override pipeline inputs by name."""
    train_housing_component = _component("train_housing")
    evaluate_housing_component = _component("evaluate_housing")
    register_housing_register_model_component = _component(
        "register_housing_register_model",
    )
    score_housing_component = _component("score_housing")

    @dsl.pipeline(
        display_name="model_register_transform",
        description="Converted from SageMaker pipeline model_register_transform",
        experiment_name="model_register_transform",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def model_register_transform(
        *,
        batch_data: Input(type="uri_folder"),
        model_approval_status: str = "PendingManualApproval",
        test_data: Input(type="uri_folder"),
        train_data: Input(type="uri_folder"),
    ) -> None:
        train_housing = train_housing_component(fit_intercept="true", train=train_data)
        train_housing.display_name = "TrainHousing"
        train_housing.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        train_housing.set_limits(timeout=86400)
        train_housing.identity = ManagedIdentityConfiguration()
        evaluate_housing = evaluate_housing_component(
            input_1=train_housing.outputs.model_artifacts,
            input_2=test_data,
        )
        evaluate_housing.display_name = "EvaluateHousing"
        evaluate_housing.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        evaluate_housing.identity = ManagedIdentityConfiguration()
        register_housing_register_model = register_housing_register_model_component(
            model=train_housing.outputs.model,
            model_approval_status=model_approval_status,
            model_quality_statistics=evaluate_housing.outputs.evaluation,
        )
        register_housing_register_model.display_name = "RegisterHousing-RegisterModel"
        score_housing = score_housing_component(
            data=batch_data,
            model=train_housing.outputs.model_artifacts,
        )
        score_housing.display_name = "ScoreHousing"
        score_housing.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        score_housing.identity = ManagedIdentityConfiguration()

    inputs = {
        "batch_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/housing/batch",
        ),
        "test_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/housing/test",
        ),
        "train_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/housing/train",
        ),
    }
    inputs.update(overrides)
    return model_register_transform(**inputs)
