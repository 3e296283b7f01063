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
    SparkResourceConfiguration,
)

HERE = Path(__file__).resolve().parent


def _component(name: str) -> Any:
    """The component in components/<name>/component.yml."""
    return load_component(source=HERE / "components" / name / "component.yml")


def build_pipeline(**overrides: Any) -> PipelineJob:
    """The pipeline job; keyword arguments override pipeline inputs by name."""
    prepare_emea_component = _component("prepare_emea")
    prepare_amer_component = _component("prepare_amer")
    train_clicks_component = _component("train_clicks")
    evaluate_clicks_component = _component("evaluate_clicks")
    good_enough_component = _component("good_enough")
    register_clicks_register_model_component = _component(
        "register_clicks_register_model",
    )
    aggregate_clicks_component = _component("aggregate_clicks")

    @dsl.pipeline(
        display_name="source_helpers",
        description="Converted from SageMaker pipeline source_helpers",
        experiment_name="source_helpers",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def source_helpers(
        *,
        approval_status: str = "PendingManualApproval",
        data: Input(type="uri_folder"),
        data_2: Input(type="uri_folder"),
        min_auc: float = 0.65,
    ) -> None:
        prepare_emea = prepare_emea_component(input_1=data)
        prepare_emea.display_name = "PrepareEmea"
        prepare_emea.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        prepare_emea.identity = ManagedIdentityConfiguration()
        prepare_amer = prepare_amer_component(input_1=data_2)
        prepare_amer.display_name = "PrepareAmer"
        prepare_amer.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        prepare_amer.identity = ManagedIdentityConfiguration()
        train_clicks = train_clicks_component(
            amer=prepare_amer.outputs.train,
            emea=prepare_emea.outputs.train,
            eta=0.2,
            max_depth=6,
        )
        train_clicks.display_name = "TrainClicks"
        train_clicks.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        train_clicks.set_limits(timeout=86400)
        train_clicks.identity = ManagedIdentityConfiguration()
        evaluate_clicks = evaluate_clicks_component(
            input_1=train_clicks.outputs.model_artifacts,
            test_amer=prepare_amer.outputs.test,
            test_emea=prepare_emea.outputs.test,
        )
        evaluate_clicks.display_name = "EvaluateClicks"
        evaluate_clicks.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        evaluate_clicks.identity = ManagedIdentityConfiguration()
        good_enough = good_enough_component(
            evaluate_clicks_metrics=evaluate_clicks.outputs.metrics,
            min_auc=min_auc,
        )
        good_enough.display_name = "GoodEnough"
        register_clicks_register_model = register_clicks_register_model_component(
            approval_status=approval_status,
            gate_good_enough=good_enough.outputs.outcome,
            model=train_clicks.outputs.model,
        )
        register_clicks_register_model.display_name = "RegisterClicks-RegisterModel"
        aggregate_clicks = aggregate_clicks_component(
            after_register_clicks_register_model=register_clicks_register_model.outputs.sm2aml_done,
            gate_good_enough=good_enough.outputs.outcome,
        )
        aggregate_clicks.display_name = "Aggregate clicks"
        aggregate_clicks.description = (
            "Daily click aggregates on the shared EMR cluster"
        )
        aggregate_clicks.resources = SparkResourceConfiguration(
            instance_type="standard_e4s_v3",
            runtime_version="3.4",
        )

    inputs = {
        "data": Input(type="uri_folder"),
        "data_2": Input(type="uri_folder"),
    }
    inputs.update(overrides)
    return source_helpers(**inputs)
