"""Train, evaluate, create a model, register it with metrics and batch-score with the created model."""

from __future__ import annotations

import os
from typing import Any

from sagemaker.inputs import TrainingInput
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.model import SKLearnModel
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.transformer import Transformer
from sagemaker.workflow.functions import Join
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep, TransformStep

CODE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "code")
VERSION = "1.2-1"


def build(session: Any, role: str, bucket: str) -> Pipeline:
    train_data = ParameterString(name="TrainData", default_value=f"s3://{bucket}/housing/train")
    test_data = ParameterString(name="TestData", default_value=f"s3://{bucket}/housing/test")
    batch_data = ParameterString(name="BatchData", default_value=f"s3://{bucket}/housing/batch")
    approval = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")

    estimator = SKLearn(
        entry_point="train.py",
        source_dir=CODE,
        framework_version=VERSION,
        instance_type="ml.m5.large",
        instance_count=1,
        hyperparameters={"fit-intercept": "true"},
        sagemaker_session=session,
        role=role,
    )
    train = TrainingStep(
        name="TrainHousing",
        step_args=estimator.fit({"train": TrainingInput(s3_data=train_data, content_type="text/csv")}),
    )

    processor = SKLearnProcessor(
        framework_version=VERSION, instance_type="ml.m5.large", instance_count=1, sagemaker_session=session, role=role
    )
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluate = ProcessingStep(
        name="EvaluateHousing",
        step_args=processor.run(
            code=os.path.join(CODE, "evaluate.py"),
            inputs=[
                ProcessingInput(
                    source=train.properties.ModelArtifacts.S3ModelArtifacts, destination="/opt/ml/processing/model"
                ),
                ProcessingInput(source=test_data, destination="/opt/ml/processing/test"),
            ],
            outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        ),
        property_files=[report],
    )

    model = SKLearnModel(
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        entry_point="inference.py",
        source_dir=CODE,
        framework_version=VERSION,
        sagemaker_session=session,
        role=role,
    )
    create = ModelStep(name="HousingModel", step_args=model.create(instance_type="ml.m5.large"))

    metrics = ModelMetrics(
        model_statistics=MetricsSource(
            s3_uri=Join(
                on="/",
                values=[
                    evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri,
                    "evaluation.json",
                ],
            ),
            content_type="application/json",
        )
    )
    register = ModelStep(
        name="RegisterHousing",
        step_args=model.register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=["ml.m5.large", "ml.m5.xlarge"],
            transform_instances=["ml.m5.large"],
            model_package_group_name="housing-models",
            approval_status=approval,
            model_metrics=metrics,
            description="Linear model of house prices",
            customer_metadata_properties={"team": "pricing"},
        ),
    )

    transformer = Transformer(
        model_name=create.properties.ModelName,
        instance_type="ml.m5.large",
        instance_count=1,
        accept="text/csv",
        assemble_with="Line",
        strategy="MultiRecord",
        max_payload=6,
        output_path=f"s3://{bucket}/housing/scores",
        sagemaker_session=session,
    )
    transform = TransformStep(
        name="ScoreHousing",
        step_args=transformer.transform(
            data=batch_data, content_type="text/csv", split_type="Line", input_filter="$[1:]", join_source="None"
        ),
    )
    return Pipeline(
        name="HousingModelLifecycle",
        parameters=[train_data, test_data, batch_data, approval],
        steps=[train, evaluate, create, register, transform],
        sagemaker_session=session,
    )
