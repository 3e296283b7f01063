"""A Lambda step chooses the data, a processing step consumes its output parameters, a Callback step publishes."""

from __future__ import annotations

import os

from sagemaker.lambda_helper import Lambda
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.callback_step import CallbackOutput, CallbackOutputTypeEnum, CallbackStep
from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep

BASE = os.path.dirname(os.path.abspath(__file__))


def build(session, role, bucket):
    region = ParameterString(name="Region", default_value="us-east-1")
    queue = ParameterString(
        name="ApprovalQueue", default_value="https://sqs.us-east-1.amazonaws.com/111122223333/model-approvals"
    )
    select = LambdaStep(
        name="SelectSnapshot",
        lambda_func=Lambda(
            function_arn="arn:aws:lambda:us-east-1:111122223333:function:select-latest-snapshot",
            session=session,
        ),
        inputs={"bucket": bucket, "prefix": "snapshots/", "region": region},
        outputs=[
            LambdaOutput(output_name="snapshot_uri", output_type=LambdaOutputTypeEnum.String),
            LambdaOutput(output_name="row_limit", output_type=LambdaOutputTypeEnum.Integer),
        ],
    )
    processor = SKLearnProcessor(
        framework_version="1.2-1",
        role=role,
        instance_type="ml.m5.large",
        instance_count=1,
        sagemaker_session=session,
    )
    prepare_args = processor.run(
        code=os.path.join(BASE, "code", "prepare.py"),
        inputs=[
            ProcessingInput(
                source=select.properties.Outputs["snapshot_uri"],
                destination="/opt/ml/processing/snapshot",
            )
        ],
        outputs=[ProcessingOutput(output_name="features", source="/opt/ml/processing/features")],
        arguments=["--row-limit", select.properties.Outputs["row_limit"]],
    )
    prepare = ProcessingStep(name="PrepareFeatures", step_args=prepare_args)
    publish = CallbackStep(
        name="RequestApproval",
        sqs_queue_url=queue,
        inputs={
            "features": prepare.properties.ProcessingOutputConfig.Outputs["features"].S3Output.S3Uri,
            "snapshot": select.properties.Outputs["snapshot_uri"],
        },
        outputs=[CallbackOutput(output_name="approved", output_type=CallbackOutputTypeEnum.Boolean)],
    )
    return Pipeline(
        name="snapshot-approval",
        parameters=[region, queue],
        steps=[select, prepare, publish],
        sagemaker_session=session,
    )
