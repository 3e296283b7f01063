"""Prepare, train, check the training data's quality against a baseline and register the model for an endpoint."""

from __future__ import annotations

import os
from typing import Any

from sagemaker.inputs import TrainingInput
from sagemaker.model_monitor.dataset_format import DatasetFormat
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.model import SKLearnModel
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterBoolean, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

CODE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "code")
VERSION = "1.2-1"


def build(session: Any, role: str, bucket: str) -> Pipeline:
    raw_data = ParameterString(name="RawData", default_value=f"s3://{bucket}/churn/raw")
    skip_check = ParameterBoolean(name="SkipDataQualityCheck", default_value=False)
    register_baseline = ParameterBoolean(name="RegisterNewDataQualityBaseline", default_value=False)

    processor = SKLearnProcessor(
        framework_version=VERSION, instance_type="ml.m5.large", instance_count=1, sagemaker_session=session, role=role
    )
    prepare = ProcessingStep(
        name="PrepareChurn",
        step_args=processor.run(
            code=os.path.join(CODE, "prepare.py"),
            inputs=[ProcessingInput(source=raw_data, destination="/opt/ml/processing/raw")],
            outputs=[
                ProcessingOutput(
                    output_name="train",
                    source="/opt/ml/processing/train",
                    destination=f"s3://{bucket}/churn/prepared/train",
                )
            ],
        ),
    )
    train_uri = prepare.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri

    check = QualityCheckStep(
        name="CheckChurnDataQuality",
        quality_check_config=DataQualityCheckConfig(
            baseline_dataset=train_uri,
            dataset_format=DatasetFormat.csv(header=False, output_columns_position="START"),
            output_s3_uri=f"s3://{bucket}/churn/monitoring/data-quality",
        ),
        check_job_config=CheckJobConfig(
            role=role, instance_count=1, instance_type="ml.c5.xlarge", volume_size_in_gb=60, sagemaker_session=session
        ),
        skip_check=skip_check,
        register_new_baseline=register_baseline,
        model_package_group_name="churn-models",
    )

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
        name="TrainChurn",
        step_args=estimator.fit({"train": TrainingInput(s3_data=train_uri, content_type="text/csv")}),
        depends_on=[check],
    )

    model = SKLearnModel(
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        entry_point="inference.py",
        source_dir=CODE,
        framework_version=VERSION,
        sagemaker_session=session,
        role=role,
    )
    register = ModelStep(
        name="RegisterChurn",
        step_args=model.register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=["ml.m5.large"],
            transform_instances=["ml.m5.large"],
            model_package_group_name="churn-models",
            approval_status="PendingManualApproval",
            drift_check_baselines=None,
        ),
    )
    return Pipeline(
        name="ChurnMonitoring",
        parameters=[raw_data, skip_check, register_baseline],
        steps=[prepare, check, train, register],
        sagemaker_session=session,
    )
