"""NYC taxi fare pipeline: prep -> transform -> train -> predict -> score -> register.

Implements a five-stage SageMaker Pipeline that merges the green and yellow taxi
extracts, engineers features, trains a scikit-learn linear regression, scores it on a
held-out split and registers the model when its MSE is under a threshold:

    PrepTaxiData -> TransformTaxiData -> TrainTaxiModel -> PredictTaxiFares
        -> ScoreTaxiModel -> CheckMseThreshold -> RegisterTaxiModel | MseAboveThreshold
"""

import os

import boto3
import sagemaker
import sagemaker.session
from sagemaker.inputs import TrainingInput
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.model import SKLearnModel
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

BASE_DIR = os.path.dirname(os.path.realpath(__file__))
SKLEARN_VERSION = "1.2-1"


def get_pipeline_session(region, default_bucket):
    """Gets the pipeline session based on the region."""
    boto_session = boto3.Session(region_name=region)
    sagemaker_client = boto_session.client("sagemaker")
    return PipelineSession(
        boto_session=boto_session,
        sagemaker_client=sagemaker_client,
        default_bucket=default_bucket,
    )


def get_pipeline(  # noqa: PLR0917
    region="us-east-1",
    role=None,
    default_bucket=None,
    pipeline_name="NycTaxiFarePipeline",
    model_package_group_name="NycTaxiFareModels",
    sagemaker_session=None,
):
    """Gets the NYC taxi fare regression pipeline.

    Args:
        region: AWS region to create and run the pipeline in.
        role: IAM role ARN that the pipeline's jobs assume.
        default_bucket: bucket for code and artefacts (the session default if None).
        pipeline_name: name of the pipeline.
        model_package_group_name: model package group to register the model into.
        sagemaker_session: a ``PipelineSession`` (built from ``region`` if None).

    Returns:
        an instance of a pipeline
    """
    if sagemaker_session is None:
        sagemaker_session = get_pipeline_session(region, default_bucket)
    if role is None:
        role = sagemaker.session.get_execution_role(sagemaker_session)

    # Parameters for pipeline execution.
    input_data = ParameterString(name="InputDataUrl", default_value="s3://sm2aml-example-data/nyc-taxi/raw")
    processing_instance_type = ParameterString(name="ProcessingInstanceType", default_value="ml.m5.xlarge")
    training_instance_type = ParameterString(name="TrainingInstanceType", default_value="ml.m5.xlarge")
    test_split_ratio = ParameterFloat(name="TestSplitRatio", default_value=0.2)
    mse_threshold = ParameterFloat(name="MseThreshold", default_value=8.0)
    model_approval_status = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")

    sklearn_processor = SKLearnProcessor(
        framework_version=SKLEARN_VERSION,
        instance_type=processing_instance_type,
        instance_count=1,
        base_job_name=f"{pipeline_name}/sklearn-taxi-processing",
        sagemaker_session=sagemaker_session,
        role=role,
    )

    # Merge the green and yellow extracts into one schema.
    step_args = sklearn_processor.run(
        code=os.path.join(BASE_DIR, "code", "prep.py"),
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input")],
        outputs=[ProcessingOutput(output_name="prep_data", source="/opt/ml/processing/output")],
    )
    step_prep = ProcessingStep(name="PrepTaxiData", step_args=step_args)

    # Filter bad trips and derive date/time features.
    step_args = sklearn_processor.run(
        code=os.path.join(BASE_DIR, "code", "transform.py"),
        inputs=[
            ProcessingInput(
                source=step_prep.properties.ProcessingOutputConfig.Outputs["prep_data"].S3Output.S3Uri,
                destination="/opt/ml/processing/input",
            )
        ],
        outputs=[ProcessingOutput(output_name="transformed_data", source="/opt/ml/processing/output")],
    )
    step_transform = ProcessingStep(name="TransformTaxiData", step_args=step_args)

    # Train the regression model; the held-out split leaves as the job's output data.
    model_path = f"s3://{sagemaker_session.default_bucket()}/{pipeline_name}/TaxiTrain"
    sklearn_estimator = SKLearn(
        entry_point="train.py",
        source_dir=os.path.join(BASE_DIR, "code"),
        framework_version=SKLEARN_VERSION,
        instance_type=training_instance_type,
        instance_count=1,
        output_path=model_path,
        base_job_name=f"{pipeline_name}/sklearn-taxi-train",
        sagemaker_session=sagemaker_session,
        role=role,
        hyperparameters={
            "test_split_ratio": test_split_ratio,
            "fit_intercept": "True",
            "random_state": 42,
        },
    )
    step_args = sklearn_estimator.fit(
        inputs={
            "train": TrainingInput(
                s3_data=step_transform.properties.ProcessingOutputConfig.Outputs["transformed_data"].S3Output.S3Uri,
                content_type="text/csv",
            )
        },
    )
    step_train = TrainingStep(name="TrainTaxiModel", step_args=step_args)

    # SageMaker packs SM_OUTPUT_DATA_DIR into <output_path>/<job name>/output/output.tar.gz.
    test_data_uri = Join(
        on="/",
        values=[
            step_train.properties.OutputDataConfig.S3OutputPath,
            step_train.properties.TrainingJobName,
            "output",
            "output.tar.gz",
        ],
    )

    # Predict fares for the held-out trips.
    step_args = sklearn_processor.run(
        code=os.path.join(BASE_DIR, "code", "predict.py"),
        inputs=[
            ProcessingInput(
                source=step_train.properties.ModelArtifacts.S3ModelArtifacts,
                destination="/opt/ml/processing/model",
            ),
            ProcessingInput(source=test_data_uri, destination="/opt/ml/processing/test"),
        ],
        outputs=[ProcessingOutput(output_name="predictions", source="/opt/ml/processing/output")],
    )
    step_predict = ProcessingStep(name="PredictTaxiFares", step_args=step_args)

    # Compute MSE / R2 and publish them as a property file.
    evaluation_report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    step_args = sklearn_processor.run(
        code=os.path.join(BASE_DIR, "code", "score.py"),
        inputs=[
            ProcessingInput(
                source=step_predict.properties.ProcessingOutputConfig.Outputs["predictions"].S3Output.S3Uri,
                destination="/opt/ml/processing/input",
            )
        ],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
    )
    step_score = ProcessingStep(
        name="ScoreTaxiModel",
        step_args=step_args,
        property_files=[evaluation_report],
    )

    # Register the model if it is accurate enough.
    model_metrics = ModelMetrics(
        model_statistics=MetricsSource(
            s3_uri=Join(
                on="/",
                values=[
                    step_score.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri,
                    "evaluation.json",
                ],
            ),
            content_type="application/json",
        )
    )
    model = SKLearnModel(
        model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts,
        entry_point="inference.py",
        source_dir=os.path.join(BASE_DIR, "code"),
        framework_version=SKLEARN_VERSION,
        sagemaker_session=sagemaker_session,
        role=role,
    )
    step_args = model.register(
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.t2.medium", "ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name=model_package_group_name,
        approval_status=model_approval_status,
        model_metrics=model_metrics,
    )
    step_register = ModelStep(name="RegisterTaxiModel", step_args=step_args)

    step_fail = FailStep(
        name="MseAboveThreshold",
        error_message=Join(on=" ", values=["Execution failed: MSE above threshold", mse_threshold]),
    )

    step_cond = ConditionStep(
        name="CheckMseThreshold",
        conditions=[
            ConditionLessThanOrEqualTo(
                left=JsonGet(
                    step_name=step_score.name,
                    property_file=evaluation_report,
                    json_path="regression_metrics.mse.value",
                ),
                right=mse_threshold,
            )
        ],
        if_steps=[step_register],
        else_steps=[step_fail],
    )

    return Pipeline(
        name=pipeline_name,
        parameters=[
            input_data,
            processing_instance_type,
            training_instance_type,
            test_split_ratio,
            mse_threshold,
            model_approval_status,
        ],
        steps=[step_prep, step_transform, step_train, step_predict, step_score, step_cond],
        sagemaker_session=sagemaker_session,
    )
