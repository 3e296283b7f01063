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
from azure.ai.ml.sweep import Choice, LogUniform, MedianStoppingPolicy, Uniform

HERE = Path(__file__).resolve().parent


def _component(name: str) -> Any:
    """The component in components/<name>/component.yml."""
    return load_component(source=HERE / "components" / name / "component.yml")


def build_pipeline(**overrides: Any) -> PipelineJob:
    """The pipeline job; keyword arguments override pipeline inputs by name."""
    prepare_churn_component = _component("prepare_churn")
    tune_churn_model_component = _component("tune_churn_model")
    inspect_best_model_component = _component("inspect_best_model")

    @dsl.pipeline(
        display_name="tuning",
        description="Converted from SageMaker pipeline tuning",
        experiment_name="tuning",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def tuning(
        *,
        raw_data: Input(type="uri_folder"),
    ) -> None:
        prepare_churn = prepare_churn_component(input_1=raw_data)
        prepare_churn.display_name = "PrepareChurn"
        prepare_churn.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        prepare_churn.identity = ManagedIdentityConfiguration()
        tune_churn_model_trial = tune_churn_model_component(
            n_estimators=200,
            train=prepare_churn.outputs.train,
            validation=prepare_churn.outputs.validation,
        )
        tune_churn_model = tune_churn_model_trial.sweep(
            primary_metric="validation-auc",
            goal="maximize",
            sampling_algorithm="random",
            search_space={
                "learning_rate": LogUniform(
                    min_value=-6.907755278982137,
                    max_value=-1.2039728043259361,
                ),
                "subsample": Uniform(min_value=0.5, max_value=1.0),
                "max_depth": Choice(
                    values=[2, 3, 4, 5, 6, 7, 8],
                ),
                "loss": Choice(
                    values=["log_loss", "exponential"],
                ),
            },
            max_total_trials=12,
            max_concurrent_trials=3,
            trial_timeout=1800,
            early_termination_policy=MedianStoppingPolicy(
                evaluation_interval=1,
                delay_evaluation=5,
            ),
        )
        tune_churn_model.display_name = "TuneChurnModel"
        tune_churn_model.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        inspect_best_model = inspect_best_model_component(
            input_1=tune_churn_model.outputs.model_artifacts,
        )
        inspect_best_model.display_name = "InspectBestModel"
        inspect_best_model.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        inspect_best_model.identity = ManagedIdentityConfiguration()

    inputs = {
        "raw_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/churn/raw",
        ),
    }
    inputs.update(overrides)
    return tuning(**inputs)
