"""Every check step kind and config kind, and their properties in ModelMetrics and DriftCheckBaselines
(built with the SDK by tests/load/test_source_check_steps.py)."""

from __future__ import annotations

import os
from typing import Any

from sagemaker.clarify import BiasConfig, DataConfig, ModelConfig, ModelPredictedLabelConfig, SHAPConfig
from sagemaker.drift_check_baselines import DriftCheckBaselines
from sagemaker.model import Model
from sagemaker.model_metrics import FileSource, MetricsSource, ModelMetrics
from sagemaker.model_monitor import DatasetFormat
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.clarify_check_step import (
    ClarifyCheckStep,
    DataBiasCheckConfig,
    ModelBiasCheckConfig,
    ModelExplainabilityCheckConfig,
)
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, ModelQualityCheckConfig, QualityCheckStep

HERE = os.path.dirname(os.path.abspath(__file__))


def build(session: Any, role: str, bucket: str) -> Pipeline:
    problem = ParameterString(name="Problem", default_value="BinaryClassification")
    data = ParameterString(name="Data", default_value=f"s3://{bucket}/d")
    truth = ParameterString(name="Truth", default_value="label")
    job = CheckJobConfig(
        role=role,
        instance_type="ml.m5.large",
        max_runtime_in_seconds=600,
        base_job_name="chk",
        env={"A": "1"},
        tags={"team": "x"},
        sagemaker_session=session,
    )
    job2 = CheckJobConfig(role=role, sagemaker_session=session)
    dq = QualityCheckStep(
        name="DQ",
        quality_check_config=DataQualityCheckConfig(
            baseline_dataset=os.path.join(HERE, "code", "post.py"),
            dataset_format=DatasetFormat.json(lines=False),
            record_preprocessor_script=os.path.join(HERE, "code", "pre.py"),
            post_analytics_processor_script=f"s3://{bucket}/scripts/post.py",
        ),
        check_job_config=job2,
    )
    mq = QualityCheckStep(
        name="MQ",
        quality_check_config=ModelQualityCheckConfig(
            baseline_dataset=data,
            dataset_format=DatasetFormat.csv(),
            problem_type=problem,
            inference_attribute="prediction",
            probability_attribute=0,
            ground_truth_attribute=truth,
            probability_threshold_attribute=0.5,
            output_s3_uri=f"s3://{bucket}/mq",
        ),
        check_job_config=job,
        fail_on_violation=False,
        supplied_baseline_statistics=f"s3://{bucket}/stats.json",
        cache_config=None,
    )
    data_config = DataConfig(
        s3_data_input_path=data,
        s3_output_path=f"s3://{bucket}/bias/",
        label="y",
        headers=["y", "a", "b"],
        dataset_type="text/csv",
    )
    bias = BiasConfig(label_values_or_threshold=[1], facet_name="a", facet_values_or_threshold=[0])
    model_config = ModelConfig(
        model_name="my-model",
        instance_count=1,
        instance_type="ml.m5.large",
        accept_type="text/csv",
        content_type="text/csv",
    )
    db = ClarifyCheckStep(
        name="DB",
        clarify_check_config=DataBiasCheckConfig(data_config=data_config, data_bias_config=bias, methods=["CI"]),
        check_job_config=job2,
        model_package_group_name="g",
    )
    mb = ClarifyCheckStep(
        name="MB",
        clarify_check_config=ModelBiasCheckConfig(
            data_config=DataConfig(
                s3_data_input_path=f"s3://{bucket}/in",
                s3_output_path=f"s3://{bucket}/mb",
                s3_analysis_config_output_path=f"s3://{bucket}/cfg",
                label="y",
                dataset_type="application/jsonlines",
            ),
            data_bias_config=bias,
            model_config=model_config,
            model_predicted_label_config=ModelPredictedLabelConfig(probability_threshold=0.4),
        ),
        check_job_config=job,
        skip_check=True,
    )
    ex = ClarifyCheckStep(
        name="EX",
        clarify_check_config=ModelExplainabilityCheckConfig(
            data_config=DataConfig(
                s3_data_input_path=f"s3://{bucket}/in",
                s3_output_path=f"s3://{bucket}/ex",
                label="y",
                headers=["y", "a"],
            ),
            model_config=model_config,
            explainability_config=SHAPConfig(baseline=[[1]], num_samples=10, agg_method="mean_abs"),
        ),
        check_job_config=job2,
    )
    metrics = ModelMetrics(
        model_data_statistics=MetricsSource(
            s3_uri=dq.properties.CalculatedBaselineStatistics, content_type="application/json"
        ),
        model_statistics=MetricsSource(
            s3_uri=mq.properties.CalculatedBaselineStatistics, content_type="application/json"
        ),
    )
    drift = DriftCheckBaselines(
        model_data_constraints=MetricsSource(
            s3_uri=dq.properties.BaselineUsedForDriftCheckConstraints, content_type="application/json"
        ),
        bias_config_file=FileSource(s3_uri=f"s3://{bucket}/cfg/analysis_config.json", content_type="application/json"),
        bias_post_training_constraints=MetricsSource(
            s3_uri=mb.properties.BaselineUsedForDriftCheckConstraints, content_type="application/json"
        ),
        explainability_constraints=MetricsSource(
            s3_uri=ex.properties.CalculatedBaselineConstraints, content_type="application/json"
        ),
    )
    model = Model(
        image_uri="1.dkr.ecr.us-east-1.amazonaws.com/m:1",
        model_data=f"s3://{bucket}/m.tar.gz",
        role=role,
        sagemaker_session=session,
    )
    reg = ModelStep(
        name="Reg",
        step_args=model.register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=["ml.m5.large"],
            transform_instances=["ml.m5.large"],
            model_package_group_name="g",
            model_metrics=metrics,
            drift_check_baselines=drift,
        ),
    )
    return Pipeline(
        name="Checks", parameters=[problem, data, truth], steps=[dq, mq, db, mb, ex, reg], sagemaker_session=session
    )
