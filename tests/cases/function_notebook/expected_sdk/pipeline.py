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
    load_data_component = _component("load_data")
    evaluate_component = _component("evaluate")
    accurate_enough_component = _component("accurate_enough")
    report_component = _component("report")
    too_inaccurate_component = _component("too_inaccurate")

    @dsl.pipeline(
        display_name="function_notebook",
        description="Converted from SageMaker pipeline function_notebook",
        experiment_name="function_notebook",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def function_notebook(
        *,
        min_accuracy: float = 0.8,
    ) -> None:
        load_data = load_data_component()
        load_data.display_name = "load_data"
        load_data.description = "Loads the iris data set."
        load_data.environment_variables = {"AWS_DEFAULT_REGION": "us-east-1"}
        load_data.resources = JobResourceConfiguration(instance_type="Standard_D4s_v3")
        load_data.set_limits(timeout=86400)
        load_data.identity = ManagedIdentityConfiguration()
        evaluate = evaluate_component(load_data_results=load_data.outputs.results)
        evaluate.display_name = "evaluate"
        evaluate.description = "Fits a model and scores it."
        evaluate.environment_variables = {"AWS_DEFAULT_REGION": "us-east-1"}
        evaluate.resources = JobResourceConfiguration(instance_type="Standard_D4s_v3")
        evaluate.set_limits(timeout=86400)
        evaluate.identity = ManagedIdentityConfiguration()
        accurate_enough = accurate_enough_component(
            evaluate_s3_output_path=evaluate.outputs.results,
            min_accuracy=min_accuracy,
        )
        accurate_enough.display_name = "AccurateEnough"
        report = report_component(gate_accurate_enough=accurate_enough.outputs.outcome)
        report.display_name = "Report"
        report.resources = JobResourceConfiguration(instance_type="Standard_D2s_v3")
        report.set_limits(timeout=172800)
        report.identity = ManagedIdentityConfiguration()
        too_inaccurate = too_inaccurate_component(
            gate_accurate_enough=accurate_enough.outputs.outcome,
        )
        too_inaccurate.display_name = "TooInaccurate"

    return function_notebook(**overrides)
