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
    prep_taxi_data_component = _component("prep_taxi_data")
    transform_taxi_data_component = _component("transform_taxi_data")
    train_taxi_model_component = _component("train_taxi_model")
    predict_taxi_fares_component = _component("predict_taxi_fares")
    score_taxi_model_component = _component("score_taxi_model")
    check_mse_threshold_component = _component("check_mse_threshold")
    register_taxi_model_register_model_component = _component(
        "register_taxi_model_register_model",
    )
    mse_above_threshold_component = _component("mse_above_threshold")

    @dsl.pipeline(
        display_name="sagemaker_nyc_taxi",
        description="Converted from SageMaker pipeline sagemaker_nyc_taxi",
        experiment_name="sagemaker_nyc_taxi",
        tags={"converted_from": "sagemaker", "source": "pipeline.json"},
        default_compute="serverless",
    )
    def sagemaker_nyc_taxi(
        *,
        input_data_url: Input(type="uri_folder"),
        model_approval_status: str = "PendingManualApproval",
        mse_threshold: float = 8.0,
        test_split_ratio: float = 0.2,
    ) -> None:
        prep_taxi_data = prep_taxi_data_component(input_1=input_data_url)
        prep_taxi_data.display_name = "PrepTaxiData"
        prep_taxi_data.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        prep_taxi_data.identity = ManagedIdentityConfiguration()
        transform_taxi_data = transform_taxi_data_component(
            input_1=prep_taxi_data.outputs.prep_data,
        )
        transform_taxi_data.display_name = "TransformTaxiData"
        transform_taxi_data.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        transform_taxi_data.identity = ManagedIdentityConfiguration()
        train_taxi_model = train_taxi_model_component(
            fit_intercept="True",
            random_state=42,
            test_split_ratio=test_split_ratio,
            train=transform_taxi_data.outputs.transformed_data,
        )
        train_taxi_model.display_name = "TrainTaxiModel"
        train_taxi_model.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        train_taxi_model.set_limits(timeout=86400)
        train_taxi_model.identity = ManagedIdentityConfiguration()
        predict_taxi_fares = predict_taxi_fares_component(
            input_1=train_taxi_model.outputs.model_artifacts,
            input_2=train_taxi_model.outputs.output_archive,
        )
        predict_taxi_fares.display_name = "PredictTaxiFares"
        predict_taxi_fares.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        predict_taxi_fares.identity = ManagedIdentityConfiguration()
        score_taxi_model = score_taxi_model_component(
            input_1=predict_taxi_fares.outputs.predictions,
        )
        score_taxi_model.display_name = "ScoreTaxiModel"
        score_taxi_model.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        score_taxi_model.identity = ManagedIdentityConfiguration()
        check_mse_threshold = check_mse_threshold_component(
            mse_threshold=mse_threshold,
            score_taxi_model_evaluation=score_taxi_model.outputs.evaluation,
        )
        check_mse_threshold.display_name = "CheckMseThreshold"
        register_taxi_model_register_model = (
            register_taxi_model_register_model_component(
                gate_check_mse_threshold=check_mse_threshold.outputs.outcome,
                model=train_taxi_model.outputs.model,
                model_approval_status=model_approval_status,
                model_quality_statistics=score_taxi_model.outputs.evaluation,
            )
        )
        register_taxi_model_register_model.display_name = (
            "RegisterTaxiModel-RegisterModel"
        )
        mse_above_threshold = mse_above_threshold_component(
            gate_check_mse_threshold=check_mse_threshold.outputs.outcome,
            mse_threshold=mse_threshold,
        )
        mse_above_threshold.display_name = "MseAboveThreshold"

    inputs = {
        "input_data_url": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_example_data/paths/nyc-taxi/raw",
        ),
    }
    inputs.update(overrides)
    return sagemaker_nyc_taxi(**inputs)
