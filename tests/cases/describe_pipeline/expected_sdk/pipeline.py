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
    featurize_component = _component("featurize")

    @dsl.pipeline(
        display_name="ClickFeatures",
        description="Converted from SageMaker pipeline ClickFeatures",
        experiment_name="click_features",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def click_features() -> None:
        featurize = featurize_component(
            events=Input(
                type="uri_folder",
                path="azureml://datastores/acme_events_prod/paths/clicks/",
            ),
        )
        featurize.display_name = "Featurize"
        featurize.resources = JobResourceConfiguration(instance_type="Standard_D2s_v3")
        featurize.identity = ManagedIdentityConfiguration()

    return click_features(**overrides)
