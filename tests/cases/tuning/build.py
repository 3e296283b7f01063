"""Prepare data, tune a scikit-learn script over four ranges, and read the best model downstream."""

from __future__ import annotations

import os
from typing import Any

from sagemaker.inputs import TrainingInput
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.tuner import CategoricalParameter, ContinuousParameter, HyperparameterTuner, IntegerParameter
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep, TuningStep

CODE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "code")
VERSION = "1.2-1"


def build(session: Any, role: str, bucket: str) -> Pipeline:
    raw_data = ParameterString(name="RawData", default_value=f"s3://{bucket}/churn/raw")
    max_jobs = ParameterInteger(name="MaxTuningJobs", default_value=12)

    processor = SKLearnProcessor(
        framework_version=VERSION, instance_type="ml.m5.large", instance_count=1, sagemaker_session=session, role=role
    )
    prepare = ProcessingStep(
        name="PrepareChurn",
        step_args=processor.run(
            code=os.path.join(CODE, "prepare.py"),
            inputs=[ProcessingInput(source=raw_data, destination="/opt/ml/processing/input/raw")],
            outputs=[
                ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
                ProcessingOutput(output_name="validation", source="/opt/ml/processing/validation"),
            ],
        ),
    )

    estimator = SKLearn(
        entry_point="train.py",
        source_dir=CODE,
        framework_version=VERSION,
        instance_type="ml.m5.xlarge",
        instance_count=1,
        hyperparameters={"n-estimators": 200},
        output_path=f"s3://{bucket}/churn/tuning",
        max_run=1800,
        sagemaker_session=session,
        role=role,
    )
    tuner = HyperparameterTuner(
        estimator=estimator,
        objective_metric_name="validation-auc",
        objective_type="Maximize",
        metric_definitions=[{"Name": "validation-auc", "Regex": r"validation-auc: ([0-9.]+)"}],
        hyperparameter_ranges={
            "learning-rate": ContinuousParameter(0.001, 0.3, scaling_type="Logarithmic"),
            "subsample": ContinuousParameter(0.5, 1.0),
            "max-depth": IntegerParameter(2, 8),
            "loss": CategoricalParameter(["log_loss", "exponential"]),
        },
        strategy="Random",
        max_jobs=max_jobs,
        max_parallel_jobs=3,
        early_stopping_type="Auto",
    )
    tune = TuningStep(
        name="TuneChurnModel",
        step_args=tuner.fit(
            inputs={
                "train": TrainingInput(
                    s3_data=prepare.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
                    content_type="text/csv",
                ),
                "validation": TrainingInput(
                    s3_data=prepare.properties.ProcessingOutputConfig.Outputs["validation"].S3Output.S3Uri,
                    content_type="text/csv",
                ),
            }
        ),
    )

    evaluate = ProcessingStep(
        name="InspectBestModel",
        step_args=processor.run(
            code=os.path.join(CODE, "evaluate.py"),
            inputs=[
                ProcessingInput(
                    source=tune.get_top_model_s3_uri(top_k=0, s3_bucket=bucket, prefix="churn/tuning"),
                    destination="/opt/ml/processing/model",
                )
            ],
            outputs=[ProcessingOutput(output_name="report", source="/opt/ml/processing/report")],
        ),
    )
    return Pipeline(
        name="ChurnTuning",
        parameters=[raw_data, max_jobs],
        steps=[prepare, tune, evaluate],
        sagemaker_session=session,
    )
