"""A PySparkProcessor step (py-files, an S3 jar, a Spark configuration) feeding a scikit-learn step."""

from __future__ import annotations

import os

from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.spark.processing import PySparkProcessor
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep

BASE = os.path.dirname(os.path.abspath(__file__))


def build(session, role, bucket):
    raw = ParameterString(name="RawData", default_value=f"s3://{bucket}/raw/abalone.csv")
    spark = PySparkProcessor(
        base_job_name="spark-prep",
        framework_version="3.3",
        role=role,
        instance_count=2,
        instance_type="ml.m5.xlarge",
        max_runtime_in_seconds=1200,
        sagemaker_session=session,
    )
    spark_args = spark.run(
        submit_app=os.path.join(BASE, "code", "preprocess.py"),
        submit_py_files=[os.path.join(BASE, "code", "features.py")],
        submit_jars=[f"s3://{bucket}/jars/spark-csv-helpers.jar"],
        arguments=[
            "--raw",
            "/opt/ml/processing/input/raw",
            "--train",
            "/opt/ml/processing/output/train",
            "--validation",
            "/opt/ml/processing/output/validation",
            "--lookup",
            f"s3://{bucket}/reference/sex_codes.csv",
        ],
        inputs=[ProcessingInput(source=raw, destination="/opt/ml/processing/input/raw")],
        outputs=[
            ProcessingOutput(output_name="train", source="/opt/ml/processing/output/train"),
            ProcessingOutput(output_name="validation", source="/opt/ml/processing/output/validation"),
        ],
        configuration=[
            {
                "Classification": "spark-defaults",
                "Properties": {"spark.sql.shuffle.partitions": "16", "spark.executor.memory": "8g"},
            }
        ],
    )
    prep = ProcessingStep(name="SparkPreprocess", step_args=spark_args)
    sklearn = SKLearnProcessor(
        framework_version="1.2-1",
        role=role,
        instance_type="ml.m5.large",
        instance_count=1,
        sagemaker_session=session,
    )
    summary_args = sklearn.run(
        code=os.path.join(BASE, "code", "summarize.py"),
        inputs=[
            ProcessingInput(
                source=prep.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
                destination="/opt/ml/processing/train",
            )
        ],
        outputs=[ProcessingOutput(output_name="summary", source="/opt/ml/processing/summary")],
    )
    summary = ProcessingStep(name="Summarize", step_args=summary_args)
    return Pipeline(name="spark-preprocess", parameters=[raw], steps=[prep, summary], sagemaker_session=session)
