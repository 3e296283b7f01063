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
    refresh_extract_component = _component("refresh_extract")

    @dsl.pipeline(
        display_name="NightlyRefresh",
        description="Converted from SageMaker pipeline NightlyRefresh",
        experiment_name="NightlyRefresh",
        tags={"converted_from": "sagemaker", "source": "build.py"},
        default_compute="serverless",
    )
    def nightly_refresh(
        *,
        extract_data: Input(type="uri_folder"),
        min_rows: int = 100,
        run_date: str = "",
    ) -> None:
        refresh_extract = refresh_extract_component(
            input_1=extract_data,
            min_rows=min_rows,
            run_date=run_date,
        )
        refresh_extract.display_name = "RefreshExtract"
        refresh_extract.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        refresh_extract.identity = ManagedIdentityConfiguration()

    inputs = {
        "extract_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/extracts/daily",
        ),
    }
    inputs.update(overrides)
    return nightly_refresh(**inputs)
