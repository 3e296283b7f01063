"""Legacy-style steps (processor=, estimator=, model=, transformer=), aliased imports, f-strings, caching,
retry policies, every condition class and an explicit dependency, as older SageMaker pipelines are written."""

from __future__ import annotations

import os

from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.inputs import CreateModelInput, TrainingInput, TransformInput
from sagemaker.model import Model
from sagemaker.processing import ProcessingInput as In
from sagemaker.processing import ProcessingOutput as Out
from sagemaker.processing import ScriptProcessor
from sagemaker.transformer import Transformer
from sagemaker.workflow import steps as wf
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import (
    ConditionEquals,
    ConditionGreaterThan,
    ConditionIn,
    ConditionLessThan,
    ConditionNot,
    ConditionOr,
)
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import ParameterBoolean, ParameterString
from sagemaker.workflow.parameters import ParameterInteger as Int
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.retry import (
    SageMakerJobExceptionTypeEnum,
    SageMakerJobStepRetryPolicy,
    StepExceptionTypeEnum,
    StepRetryPolicy,
)

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = "credit-risk"


def build(session, role, bucket):
    prefix = f"s3://{bucket}/{PROJECT}"
    raw = ParameterString(name="RawData", default_value=f"{prefix}/raw")
    max_depth = Int(name="MaxDepth", default_value=5)
    strict = ParameterBoolean(name="StrictChecks", default_value=True)
    region = session.boto_region_name

    processor = ScriptProcessor(
        image_uri=image_uris.retrieve("sklearn", region, version="1.2-1"),
        command=["python3"],
        instance_type="ml.m5.large",
        instance_count=1,
        base_job_name=f"{PROJECT}-prep",
        role=role,
        sagemaker_session=session,
        env={"PROJECT": PROJECT},
    )
    cache = wf.CacheConfig(enable_caching=True, expire_after="P7D")
    retries = [
        StepRetryPolicy(exception_types=[StepExceptionTypeEnum.THROTTLING], max_attempts=3),
        SageMakerJobStepRetryPolicy(
            exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR], expire_after_mins=60, interval_seconds=30
        ),
    ]
    prepare = wf.ProcessingStep(
        name="PrepareCredit",
        processor=processor,
        code=os.path.join(HERE, "code", "prepare.py"),
        inputs=[In(source=raw, destination="/opt/ml/processing/raw")],
        outputs=[
            Out(output_name="train", source="/opt/ml/processing/train"),
            Out(
                output_name="test",
                source="/opt/ml/processing/test",
                destination=Join(on="/", values=[prefix, ExecutionVariables.PIPELINE_EXECUTION_ID, "test"]),
            ),
        ],
        job_arguments=["--test-fraction", "0.2"],
        cache_config=cache,
        retry_policies=retries,
    )

    xgb = Estimator(
        image_uri=image_uris.retrieve("xgboost", region, version="1.7-1"),
        instance_type="ml.m5.xlarge",
        instance_count=1,
        output_path=f"{prefix}/models",
        role=role,
        sagemaker_session=session,
    )
    xgb.set_hyperparameters(objective="binary:logistic", num_round=100, max_depth=max_depth)
    train = wf.TrainingStep(
        name="TrainCredit",
        estimator=xgb,
        inputs={
            "train": TrainingInput(
                s3_data=prepare.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
                content_type="text/csv",
            )
        },
        cache_config=cache,
    )

    report = PropertyFile(name="CreditReport", output_name="report", path="report.json")
    evaluate = wf.ProcessingStep(
        name="EvaluateCredit",
        processor=processor,
        code=os.path.join(HERE, "code", "evaluate.py"),
        inputs=[
            In(source=train.properties.ModelArtifacts.S3ModelArtifacts, destination="/opt/ml/processing/model"),
            In(
                source=prepare.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri,
                destination="/opt/ml/processing/test",
            ),
        ],
        outputs=[Out(output_name="report", source="/opt/ml/processing/report")],
        property_files=[report],
    )

    model = Model(
        image_uri=image_uris.retrieve("xgboost", region, version="1.7-1"),
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        role=role,
        sagemaker_session=session,
    )
    create = wf.CreateModelStep(name="CreditModel", model=model, inputs=CreateModelInput(instance_type="ml.m5.large"))
    score = wf.TransformStep(
        name="ScoreCredit",
        transformer=Transformer(
            model_name=create.properties.ModelName,
            instance_type="ml.m5.large",
            instance_count=1,
            output_path=f"{prefix}/scores",
            accept="text/csv",
            sagemaker_session=session,
        ),
        inputs=TransformInput(data=f"{prefix}/batch", content_type="text/csv", split_type="Line"),
    )
    score.add_depends_on([evaluate])

    auc = JsonGet(step_name=evaluate.name, property_file=report, json_path="metrics.auc")
    false_positives = JsonGet(step_name=evaluate.name, property_file=report, json_path="metrics.fpr")
    gate = ConditionStep(
        name="CheckCredit",
        conditions=[
            ConditionGreaterThan(left=auc, right=0.7),
            ConditionOr(
                conditions=[
                    ConditionNot(expression=ConditionEquals(left=strict, right=True)),
                    ConditionLessThan(left=false_positives, right=0.1),
                ]
            ),
            ConditionIn(value=ExecutionVariables.PIPELINE_NAME, in_values=[PROJECT, f"{PROJECT}-dev"]),
        ],
        if_steps=[create, score],
        else_steps=[
            FailStep(
                name="CreditTooWeak",
                error_message=Join(
                    on=" ", values=["AUC", auc, "is too low in", ExecutionVariables.PIPELINE_EXECUTION_ID]
                ),
            )
        ],
    )
    return Pipeline(
        name=PROJECT,
        parameters=[raw, max_depth, strict],
        steps=[prepare, train, evaluate, gate],
        sagemaker_session=session,
    )
