"""The Azure ML pipeline job, defined with the Python SDK v2 (azure-ai-ml).

build_pipeline() builds the job offline, without a workspace; submit.py submits it.
The components are the components/*/component.yml files, which the CLI v2 (YAML)
form of this project uses too. Written by sm2aml 0.1.0.
"""

from pathlib import Path
from typing import Any

from azure.ai.ml import Input, dsl, load_component
from azure.ai.ml.dsl._condition import condition
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
    train_abalone_component = _component("train_abalone")
    evaluate_abalone_component = _component("evaluate_abalone")
    check_mse_component = _component("check_mse")
    publish_model_component = _component("publish_model")
    check_stage_component = _component("check_stage")
    deploy_model_component = _component("deploy_model")
    mse_too_high_component = _component("mse_too_high")
    write_release_notes_component = _component("write_release_notes")

    @dsl.pipeline(
        display_name="condition_if_else",
        description="Converted from SageMaker pipeline condition_if_else",
        experiment_name="condition_if_else",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def condition_if_else(
        *,
        mse_threshold: float = 6.0,
        stage: str = "prod",
        test_data: Input(type="uri_folder"),
        train_data: Input(type="uri_folder"),
    ) -> None:
        train_abalone = train_abalone_component(train=train_data)
        train_abalone.display_name = "TrainAbalone"
        train_abalone.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        train_abalone.set_limits(timeout=86400)
        train_abalone.identity = ManagedIdentityConfiguration()
        evaluate_abalone = evaluate_abalone_component(
            input_1=train_abalone.outputs.model_artifacts,
            input_2=test_data,
        )
        evaluate_abalone.display_name = "EvaluateAbalone"
        evaluate_abalone.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        evaluate_abalone.identity = ManagedIdentityConfiguration()
        check_mse = check_mse_component(
            evaluate_abalone_evaluation=evaluate_abalone.outputs.evaluation,
            mse_threshold=mse_threshold,
        )
        check_mse.display_name = "CheckMse"
        publish_model = publish_model_component(
            input_1=train_abalone.outputs.model_artifacts,
        )
        publish_model.display_name = "PublishModel"
        publish_model.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        publish_model.identity = ManagedIdentityConfiguration()
        check_stage = check_stage_component(stage=stage)
        check_stage.display_name = "CheckStage"
        deploy_model = deploy_model_component(input_1=publish_model.outputs.release)
        deploy_model.display_name = "DeployModel"
        deploy_model.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        deploy_model.identity = ManagedIdentityConfiguration()
        check_stage_if_else = condition(
            check_stage.outputs.is_true,
            true_block=[deploy_model],
        )
        check_stage_if_else.name = "check_stage_if_else"
        mse_too_high = mse_too_high_component(mse_threshold=mse_threshold)
        mse_too_high.display_name = "MseTooHigh"
        write_release_notes = write_release_notes_component(
            input_1=publish_model.outputs.release,
        )
        write_release_notes.display_name = "WriteReleaseNotes"
        write_release_notes.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        write_release_notes.identity = ManagedIdentityConfiguration()
        check_mse_if_else = condition(
            check_mse.outputs.is_true,
            true_block=[
                publish_model,
                check_stage,
                "${{parent.jobs.check_stage_if_else}}",
                write_release_notes,
            ],
            false_block=[mse_too_high],
        )
        check_mse_if_else.name = "check_mse_if_else"

    inputs = {
        "test_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/abalone/test",
        ),
        "train_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/abalone/train",
        ),
    }
    inputs.update(overrides)
    return condition_if_else(**inputs)
