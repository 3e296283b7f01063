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
    spark_preprocess_component = _component("spark_preprocess")
    summarize_component = _component("summarize")

    @dsl.pipeline(
        display_name="spark",
        description="Converted from SageMaker pipeline spark",
        experiment_name="spark",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def spark(
        *,
        raw_data: Input(type="uri_file"),
    ) -> None:
        spark_preprocess = spark_preprocess_component(input_1=raw_data)
        spark_preprocess.display_name = "SparkPreprocess"
        spark_preprocess.resources = SparkResourceConfiguration(
            instance_type="standard_e4s_v3",
            runtime_version="3.4",
        )
        spark_preprocess.identity = ManagedIdentityConfiguration()
        summarize = summarize_component(input_1=spark_preprocess.outputs.train)
        summarize.display_name = "Summarize"
        summarize.resources = JobResourceConfiguration(instance_type="Standard_D2s_v3")
        summarize.identity = ManagedIdentityConfiguration()

    inputs = {
        "raw_data": Input(
            type="uri_file",
            path="azureml://datastores/sm2aml_test_artifacts/paths/raw/abalone.csv",
        ),
    }
    inputs.update(overrides)
    return spark(**inputs)
