"""Train and evaluate; if the error is low enough publish the model (and, nested, deploy it in prod), else fail.

Converted with --control-flow if_else (options.json): each condition becomes an if_else node. The report
step outside the condition reads the publish step's output, so it joins the if branch's block.
"""

from __future__ import annotations

import os
from typing import Any

from sagemaker.inputs import TrainingInput
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionEquals, ConditionLessThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

CODE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "code")
VERSION = "1.2-1"


def build(session: Any, role: str, bucket: str) -> Pipeline:
    train_data = ParameterString(name="TrainData", default_value=f"s3://{bucket}/abalone/train")
    test_data = ParameterString(name="TestData", default_value=f"s3://{bucket}/abalone/test")
    threshold = ParameterFloat(name="MseThreshold", default_value=6.0)
    stage = ParameterString(name="Stage", default_value="prod")

    estimator = SKLearn(
        entry_point="train.py",
        source_dir=CODE,
        framework_version=VERSION,
        instance_type="ml.m5.large",
        instance_count=1,
        sagemaker_session=session,
        role=role,
    )
    train = TrainingStep(
        name="TrainAbalone",
        step_args=estimator.fit({"train": TrainingInput(s3_data=train_data, content_type="text/csv")}),
    )
    model = train.properties.ModelArtifacts.S3ModelArtifacts

    processor = SKLearnProcessor(
        framework_version=VERSION, instance_type="ml.m5.large", instance_count=1, sagemaker_session=session, role=role
    )
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluate = ProcessingStep(
        name="EvaluateAbalone",
        step_args=processor.run(
            code=os.path.join(CODE, "evaluate.py"),
            inputs=[
                ProcessingInput(source=model, destination="/opt/ml/processing/model"),
                ProcessingInput(source=test_data, destination="/opt/ml/processing/test"),
            ],
            outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        ),
        property_files=[report],
    )
    publish = ProcessingStep(
        name="PublishModel",
        step_args=processor.run(
            code=os.path.join(CODE, "publish.py"),
            inputs=[ProcessingInput(source=model, destination="/opt/ml/processing/model")],
            outputs=[ProcessingOutput(output_name="release", source="/opt/ml/processing/release")],
        ),
    )
    deploy = ProcessingStep(
        name="DeployModel",
        step_args=processor.run(
            code=os.path.join(CODE, "deploy.py"),
            inputs=[
                ProcessingInput(
                    source=publish.properties.ProcessingOutputConfig.Outputs["release"].S3Output.S3Uri,
                    destination="/opt/ml/processing/release",
                )
            ],
        ),
    )
    in_prod = ConditionStep(
        name="CheckStage", conditions=[ConditionEquals(left=stage, right="prod")], if_steps=[deploy], else_steps=[]
    )
    too_high = FailStep(
        name="MseTooHigh", error_message=Join(on=" ", values=["Test MSE is above the threshold", threshold])
    )
    check = ConditionStep(
        name="CheckMse",
        conditions=[
            ConditionLessThanOrEqualTo(
                left=JsonGet(step_name=evaluate.name, property_file=report, json_path="regression_metrics.mse.value"),
                right=threshold,
            )
        ],
        if_steps=[publish, in_prod],
        else_steps=[too_high],
    )
    notify = ProcessingStep(
        name="WriteReleaseNotes",
        step_args=processor.run(
            code=os.path.join(CODE, "notes.py"),
            inputs=[
                ProcessingInput(
                    source=publish.properties.ProcessingOutputConfig.Outputs["release"].S3Output.S3Uri,
                    destination="/opt/ml/processing/release",
                )
            ],
            outputs=[ProcessingOutput(output_name="notes", source="/opt/ml/processing/notes")],
        ),
    )
    return Pipeline(
        name="AbaloneIfElse",
        parameters=[train_data, test_data, threshold, stage],
        steps=[train, evaluate, check, notify],
        sagemaker_session=session,
    )
