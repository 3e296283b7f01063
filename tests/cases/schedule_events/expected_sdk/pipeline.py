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
    clean_sales_component = _component("clean_sales")
    aggregate_component = _component("aggregate")

    @dsl.pipeline(
        display_name="processing_only",
        description="Converted from SageMaker pipeline processing_only",
        experiment_name="processing_only",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def processing_only(
        *,
        min_rows: int = 100,
        raw_data: Input(type="uri_folder"),
    ) -> None:
        clean_sales = clean_sales_component(
            lookup=Input(
                type="uri_file",
                path="azureml://datastores/acme_reference/paths/stores.csv",
            ),
            min_rows=min_rows,
            raw=raw_data,
        )
        clean_sales.display_name = "Clean-Sales"
        clean_sales.environment_variables = {"LOG_LEVEL": "INFO"}
        clean_sales.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        clean_sales.identity = ManagedIdentityConfiguration()
        aggregate = aggregate_component(cleaned=clean_sales.outputs.cleaned)
        aggregate.display_name = "Aggregate"
        aggregate.resources = JobResourceConfiguration(instance_type="Standard_F4s_v2")
        aggregate.identity = ManagedIdentityConfiguration()

    inputs = {
        "raw_data": Input(
            type="uri_folder",
            path="azureml://datastores/acme_raw_data/paths/sales/2024/",
        ),
    }
    inputs.update(overrides)
    return processing_only(**inputs)
