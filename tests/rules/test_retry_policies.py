"""RetryPolicies: a transform's parallel job takes them as retry_settings; other steps report SM2AML208."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.rules.model_steps import component, create_model, emitted_findings, evaluate, messages, run, training
from tests.rules.model_steps import transform as transform_step


def _policy(**fields: Any) -> dict[str, Any]:
    return {"ExceptionType": ["SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR"], **fields}


def _transform(policies: list[dict[str, Any]], **arguments: Any) -> dict[str, Any]:
    step = transform_step(**arguments)
    step["RetryPolicies"] = policies
    return step


@pytest.mark.parametrize(
    ("policies", "client", "max_retries"),
    [
        pytest.param([_policy(IntervalSeconds=1, BackoffRate=2.0, MaxAttempts=5)], {}, 5, id="max-attempts"),
        pytest.param([_policy(MaxAttempts=2), _policy(MaxAttempts=7)], {}, 7, id="largest-of-several-policies"),
        pytest.param(
            [_policy(IntervalSeconds=1, BackoffRate=2.0, ExpireAfterMin=10)], {}, 9, id="attempts-within-expiry"
        ),
        pytest.param([_policy(MaxAttempts=2)], {}, 3, id="fewer-than-the-default-keeps-the-default"),
        pytest.param(
            [_policy(MaxAttempts=4)],
            {"ModelClientConfig": {"InvocationsMaxRetries": 6, "InvocationsTimeoutInSeconds": 120}},
            6,
            id="client-config-allows-more",
        ),
    ],
)
def test_transform_retry_policies_become_retry_settings(
    policies: list[dict[str, Any]], client: dict[str, Any], max_retries: int
) -> None:
    project, diags = run([training(), create_model(), _transform(policies, **client)])
    timeout = client.get("ModelClientConfig", {}).get("InvocationsTimeoutInSeconds", 600)
    assert component(project, "score").settings["retry_settings"] == {"max_retries": max_retries, "timeout": timeout}
    [message] = messages(diags, "SM2AML413")
    assert f"retry_settings.max_retries {max_retries}" in message
    assert not messages(diags, "SM2AML208")
    assert next(d for d in diags if d.code == "SM2AML413").where == "/Steps/2/RetryPolicies"


def test_steps_without_a_retry_setting_still_report_the_policies() -> None:
    training_step = training()
    training_step["RetryPolicies"] = [_policy(MaxAttempts=3)]
    evaluate_step = evaluate()
    evaluate_step["RetryPolicies"] = [_policy(MaxAttempts=3), _policy(ExpireAfterMin=5)]
    _, diags = run([training_step, evaluate_step])
    assert messages(diags, "SM2AML208") == [
        "1 retry policy on 'Train' not carried over",
        "2 retry policies on 'Evaluate' not carried over",
    ]
    assert not messages(diags, "SM2AML413")


def test_transform_with_retries_validates(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    project, _ = run([training(), create_model(), _transform([_policy(MaxAttempts=8)])])
    assert emitted_findings(project, tmp_path / "out") == []
