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
    prepare_credit_component = _component("prepare_credit")
    train_credit_component = _component("train_credit")
    evaluate_credit_component = _component("evaluate_credit")
    check_credit_component = _component("check_credit")
    score_credit_component = _component("score_credit")
    credit_too_weak_component = _component("credit_too_weak")

    @dsl.pipeline(
        display_name="legacy_steps",
        description="Converted from SageMaker pipeline legacy_steps",
        experiment_name="legacy_steps",
        tags={"converted_from": "sagemaker", "source": "input.json"},
        default_compute="serverless",
    )
    def legacy_steps(
        *,
        raw_data: Input(type="uri_folder"),
        strict_checks: bool = True,
    ) -> None:
        prepare_credit = prepare_credit_component(input_1=raw_data)
        prepare_credit.display_name = "PrepareCredit"
        prepare_credit.environment_variables = {"PROJECT": "credit-risk"}
        prepare_credit.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        prepare_credit.identity = ManagedIdentityConfiguration()
        train_credit = train_credit_component(train=prepare_credit.outputs.train)
        train_credit.display_name = "TrainCredit"
        train_credit.resources = JobResourceConfiguration(
            instance_type="Standard_D4s_v3",
        )
        train_credit.set_limits(timeout=86400)
        train_credit.identity = ManagedIdentityConfiguration()
        evaluate_credit = evaluate_credit_component(
            input_1=train_credit.outputs.model_artifacts,
            input_2=prepare_credit.outputs.test,
        )
        evaluate_credit.display_name = "EvaluateCredit"
        evaluate_credit.environment_variables = {"PROJECT": "credit-risk"}
        evaluate_credit.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        evaluate_credit.identity = ManagedIdentityConfiguration()
        check_credit = check_credit_component(
            evaluate_credit_report=evaluate_credit.outputs.report,
            strict_checks=strict_checks,
        )
        check_credit.display_name = "CheckCredit"
        score_credit = score_credit_component(
            after_evaluate_credit=evaluate_credit.outputs.sm2aml_done,
            data=Input(
                type="uri_folder",
                path="azureml://datastores/sm2aml_test_artifacts/paths/credit-risk/batch",
            ),
            gate_check_credit=check_credit.outputs.outcome,
            model=train_credit.outputs.model_artifacts,
        )
        score_credit.display_name = "ScoreCredit"
        score_credit.resources = JobResourceConfiguration(
            instance_type="Standard_D2s_v3",
        )
        score_credit.identity = ManagedIdentityConfiguration()
        credit_too_weak = credit_too_weak_component(
            gate_check_credit=check_credit.outputs.outcome,
        )
        credit_too_weak.display_name = "CreditTooWeak"

    inputs = {
        "raw_data": Input(
            type="uri_folder",
            path="azureml://datastores/sm2aml_test_artifacts/paths/credit-risk/raw",
        ),
    }
    inputs.update(overrides)
    return legacy_steps(**inputs)
