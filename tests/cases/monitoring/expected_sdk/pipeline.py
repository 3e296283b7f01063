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
    prepare_churn_component = _component("prepare_churn")
    check_churn_data_quality_component = _component("check_churn_data_quality")
    train_churn_component = _component("train_churn")
    register_churn_register_model_component = _component(
        "register_churn_register_model",
    )

    @dsl.pipeline(
        display_name="monitoring",
        description="Converted from SageMaker pipeline monitoring",
        experiment_name="monitoring",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def monitoring(
        *,
        raw_data: Input(type="uri_folder"),
    ) -> None:
        prepare_churn = prepare_churn_component(input_1=raw_data)
        prepare_churn.display_name = "PrepareChurn"
        prepare_churn.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        prepare_churn.identity = ManagedIdentityConfiguration()
        check_churn_data_quality = check_churn_data_quality_component(
            prepare_churn_s3_uri=prepare_churn.outputs.train,
        )
        check_churn_data_quality.display_name = "CheckChurnDataQuality"
        check_churn_data_quality.identity = ManagedIdentityConfiguration()
        train_churn = train_churn_component(
            after_check_churn_data_quality=check_churn_data_quality.outputs.sm2aml_done,
            train=prepare_churn.outputs.train,
        )
        train_churn.display_name = "TrainChurn"
        train_churn.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        train_churn.set_limits(timeout=86400)
        train_churn.identity = ManagedIdentityConfiguration()
        register_churn_register_model = register_churn_register_model_component(
            model=train_churn.outputs.model,
        )
        register_churn_register_model.display_name = "RegisterChurn-RegisterModel"

    inputs = {
        "raw_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/churn/raw",
        ),
    }
    inputs.update(overrides)
    return monitoring(**inputs)
