"""Steps built by helper functions (one returns a step and its property file), step_args reassigned for
each step, one preparation step per region from a loop, a FrameworkProcessor running a source_dir, an
XGBoost script-mode estimator, its model registered, and an EMR step that waits for the registration."""

from __future__ import annotations

from pathlib import Path

import sagemaker.workflow.steps as st
from sagemaker.inputs import TrainingInput
from sagemaker.processing import FrameworkProcessor, ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.emr_step import EMRStep, EMRStepConfig
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_experiment_config import PipelineExperimentConfig
from sagemaker.workflow.properties import PropertyFile
from sagemaker.xgboost.estimator import XGBoost
from sagemaker.xgboost.model import XGBoostModel

CODE = Path(__file__).resolve().parent / "code"
REGIONS = ["emea", "amer"]
XGB_VERSION = "1.7-1"
TEST_DIR = "/opt/ml/processing/test/{}"


def processing_step(processor, name, script, inputs, outputs):
    step_args = processor.run(code=script, source_dir=str(CODE), inputs=inputs, outputs=outputs)
    return st.ProcessingStep(name=name, step_args=step_args)


def evaluation(processor, model_uri, test_uris):
    report = PropertyFile(name="ClickReport", output_name="metrics", path="metrics.json")
    inputs = [ProcessingInput(source=model_uri, destination="/opt/ml/processing/model")]
    inputs += [
        ProcessingInput(source=uri, destination=TEST_DIR.format(region), input_name=f"test-{region}")
        for region, uri in test_uris.items()
    ]
    outputs = [ProcessingOutput(output_name="metrics", source="/opt/ml/processing/metrics")]
    step = processing_step(processor, "EvaluateClicks", "evaluate.py", inputs, outputs)
    step.property_files.append(report)
    return step, report


def build(session, role, bucket):
    data = ParameterString(name="ClickData", default_value=f"s3://{bucket}/clicks")
    approval = ParameterString(
        name="ApprovalStatus", default_value="PendingManualApproval", enum_values=["PendingManualApproval", "Approved"]
    )
    min_auc = ParameterFloat(name="MinAuc", default_value=0.65)

    processor = FrameworkProcessor(
        estimator_cls=SKLearn,
        framework_version="1.2-1",
        role=role,
        instance_type="ml.m5.large",
        instance_count=1,
        sagemaker_session=session,
    )
    prepared = {}
    for region in REGIONS:
        step = processing_step(
            processor,
            f"Prepare{region.title()}",
            "prepare.py",
            [ProcessingInput(source=Join(on="/", values=[data, region]), destination="/opt/ml/processing/raw")],
            [
                ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
                ProcessingOutput(output_name="test", source="/opt/ml/processing/test"),
            ],
        )
        prepared[region] = step

    estimator = XGBoost(
        entry_point="train.py",
        source_dir=str(CODE),
        framework_version=XGB_VERSION,
        instance_type="ml.m5.xlarge",
        instance_count=1,
        hyperparameters={"max_depth": 6, "eta": 0.2},
        role=role,
        sagemaker_session=session,
    )
    channels = {
        region: TrainingInput(
            s3_data=step.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri, content_type="text/csv"
        )
        for region, step in prepared.items()
    }
    step_args = estimator.fit(inputs=channels)
    train = st.TrainingStep(name="TrainClicks", step_args=step_args)

    tests = {r: s.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri for r, s in prepared.items()}
    evaluate, report = evaluation(processor, train.properties.ModelArtifacts.S3ModelArtifacts, tests)

    model = XGBoostModel(
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        entry_point="inference.py",
        source_dir=str(CODE),
        framework_version=XGB_VERSION,
        role=role,
        sagemaker_session=session,
    )
    step_args = model.register(
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name="click-models",
        approval_status=approval,
    )
    register = ModelStep(name="RegisterClicks", step_args=step_args)
    aggregate = EMRStep(
        name="AggregateClicks",
        display_name="Aggregate clicks",
        description="Daily click aggregates on the shared EMR cluster",
        cluster_id="j-1ABCDEFGHIJKL",
        step_config=EMRStepConfig(
            jar="command-runner.jar", args=["spark-submit", f"s3://{bucket}/jobs/aggregate.py", "--day", "today"]
        ),
        depends_on=[register],
    )
    gate = ConditionStep(
        name="GoodEnough",
        conditions=[
            ConditionGreaterThanOrEqualTo(
                left=JsonGet(step_name=evaluate.name, property_file=report, json_path="auc"), right=min_auc
            )
        ],
        if_steps=[register, aggregate],
    )
    return Pipeline(
        name="click-through",
        parameters=[data, approval, min_auc],
        pipeline_experiment_config=PipelineExperimentConfig(
            ExecutionVariables.PIPELINE_NAME, Join(on="-", values=["run", ExecutionVariables.PIPELINE_EXECUTION_ID])
        ),
        steps=[*prepared.values(), train, evaluate, gate],
        sagemaker_session=session,
    )
