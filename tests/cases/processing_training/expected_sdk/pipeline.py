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
    prepare_component = _component("prepare")
    train_component = _component("train")
    evaluate_component = _component("evaluate")
    notify_component = _component("notify")

    @dsl.pipeline(
        display_name="processing_training",
        description="Converted from SageMaker pipeline processing_training",
        experiment_name="churn-experiments",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def processing_training(
        *,
        input_data: Input(type="uri_file"),
        learning_rate: float = 0.1,
        max_depth: int = 6,
        use_gpu: bool = False,
    ) -> None:
        prepare = prepare_component(data=input_data, use_gpu=use_gpu)
        prepare.display_name = "Prepare"
        prepare.resources = JobResourceConfiguration(instance_type="Standard_D2s_v3")
        prepare.identity = ManagedIdentityConfiguration()
        train = train_component(
            learning_rate=learning_rate,
            max_depth=max_depth,
            n_estimators=200,
            objective="binary",
            train=prepare.outputs.train,
        )
        train.display_name = "Train churn model"
        train.description = "Gradient boosting on prepared features"
        train.environment_variables = {"PYTHONHASHSEED": "0"}
        train.resources = JobResourceConfiguration(instance_type="Standard_D4s_v3")
        train.set_limits(timeout=7200)
        train.identity = ManagedIdentityConfiguration()
        evaluate = evaluate_component(
            model=train.outputs.model_artifacts,
            test=prepare.outputs.test,
        )
        evaluate.display_name = "Evaluate"
        evaluate.resources = JobResourceConfiguration(instance_type="Standard_D2s_v3")
        evaluate.identity = ManagedIdentityConfiguration()
        notify = notify_component(after_evaluate=evaluate.outputs.sm2aml_done)
        notify.display_name = "Notify"
        notify.resources = JobResourceConfiguration(instance_type="Standard_D2s_v3")
        notify.identity = ManagedIdentityConfiguration()

    inputs = {
        "input_data": Input(
            type="uri_file",
            path="azureml://datastores/acme_raw_data/paths/churn/churn.csv",
        ),
    }
    inputs.update(overrides)
    return processing_training(**inputs)
