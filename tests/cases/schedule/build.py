"""A nightly refresh pipeline with its EventBridge schedules: one processing step, three parameters.

The schedules come from PipelineSchedule triggers that the `__main__` block attaches with put_triggers (which
calls AWS, so the offline SDK build cannot record them): the golden output is converted from this file by the
source front end (options.json `input`), and tests/load/test_schedule_source.py checks the static reading of
schedules() against what the real SDK resolves for EventBridge Scheduler.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep
from sagemaker.workflow.triggers import PipelineSchedule

CODE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "code")


def build(session: Any, role: str, bucket: str) -> Pipeline:
    extract = ParameterString(name="ExtractData", default_value=f"s3://{bucket}/extracts/daily")
    min_rows = ParameterInteger(name="MinRows", default_value=100)
    run_date = ParameterString(name="RunDate", default_value="")
    processor = SKLearnProcessor(
        framework_version="1.2-1", instance_type="ml.m5.large", instance_count=1, sagemaker_session=session, role=role
    )
    refresh = ProcessingStep(
        name="RefreshExtract",
        step_args=processor.run(
            code=os.path.join(CODE, "refresh.py"),
            inputs=[ProcessingInput(source=extract, destination="/opt/ml/processing/input")],
            outputs=[ProcessingOutput(output_name="fresh", source="/opt/ml/processing/output")],
            arguments=["--min-rows", min_rows.to_string(), "--run-date", run_date],
        ),
    )
    return Pipeline(
        name="NightlyRefresh",
        parameters=[extract, min_rows, run_date],
        steps=[refresh],
        sagemaker_session=session,
    )


def schedules() -> list[PipelineSchedule]:
    return [
        PipelineSchedule(
            name="NightlyRefreshWeekdays",
            cron="30 2 ? * MON-FRI *",
            start_date=datetime(2025, 1, 6, 0, 0, tzinfo=timezone.utc),
        ),
        PipelineSchedule(name="NightlyRefreshCatchUp", rate=(6, "hours"), enabled=False),
        PipelineSchedule(name="NightlyRefreshMonthEnd", cron="0 23 L * ? 2025-2026"),
    ]


if __name__ == "__main__":
    from sagemaker.workflow.pipeline_context import PipelineSession

    role = os.environ["SAGEMAKER_ROLE_ARN"]
    session = PipelineSession()
    pipeline = build(session, role, session.default_bucket())
    pipeline.upsert(role_arn=role)
    pipeline.put_triggers(triggers=schedules(), role_arn=role)
