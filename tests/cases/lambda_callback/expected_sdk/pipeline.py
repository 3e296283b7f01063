"""The Azure ML pipeline job, defined with the Python SDK v2 (azure-ai-ml).

build_pipeline() builds the job offline, without a workspace; submit.py submits it.
The components are the components/*/component.yml files, which the CLI v2 (YAML)
form of this project uses too. Written by sm2aml 0.1.0.
"""

from pathlib import Path
from typing import Any

from azure.ai.ml import dsl, load_component
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
    select_snapshot_component = _component("select_snapshot")
    prepare_features_component = _component("prepare_features")
    request_approval_component = _component("request_approval")

    @dsl.pipeline(
        display_name="lambda_callback",
        description="Converted from SageMaker pipeline lambda_callback",
        experiment_name="lambda_callback",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def lambda_callback(
        *,
        approval_queue: str = "https://sqs.us-east-1.amazonaws.com/111122223333/model-approvals",
        region: str = "us-east-1",
    ) -> None:
        select_snapshot = select_snapshot_component(region=region)
        select_snapshot.display_name = "SelectSnapshot"
        prepare_features = prepare_features_component(
            input_1=select_snapshot.outputs.snapshot_uri,
            select_snapshot_row_limit=select_snapshot.outputs.row_limit,
        )
        prepare_features.display_name = "PrepareFeatures"
        prepare_features.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        prepare_features.identity = ManagedIdentityConfiguration()
        request_approval = request_approval_component(
            approval_queue=approval_queue,
            features=prepare_features.outputs.features,
            snapshot=select_snapshot.outputs.snapshot_uri,
        )
        request_approval.display_name = "RequestApproval"

    return lambda_callback(**overrides)
