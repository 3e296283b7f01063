"""HyperparameterTuner and its parameter ranges: `tuner.fit(...)` → CreateHyperParameterTuningJob arguments."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sm2aml.load.sdk_processing import expand_role, format_tags
from sm2aml.load.sdk_training import input_channels, is_framework, prepare_for_training, to_string, training_input
from sm2aml.load.values import Obj, Unknown, describe, not_modelled, present

if TYPE_CHECKING:
    from sm2aml.load.sdk_compile import StepContext

RANGE_KINDS = {
    "ContinuousParameter": "Continuous",
    "CategoricalParameter": "Categorical",
    "IntegerParameter": "Integer",
}
ESTIMATOR_MODULES = {
    "SKLearn": "sagemaker.sklearn.estimator",
    "XGBoost": "sagemaker.xgboost.estimator",
    "PyTorch": "sagemaker.pytorch.estimator",
    "TensorFlow": "sagemaker.tensorflow.estimator",
    "HuggingFace": "sagemaker.huggingface.estimator",
    "Estimator": "sagemaker.estimator",
}


def tuning_request(ctx: StepContext, tuner: Obj, kwargs: dict[str, Any]) -> Any:
    """TuningStep.arguments: the tuning job configuration and the training job definition."""
    estimator = tuner.get("estimator")
    if not isinstance(estimator, Obj):
        if isinstance(estimator, Unknown):
            return estimator
        return not_modelled(f"a tuner whose estimator is {describe(estimator)} (estimator_dict)", tuner.where)
    ranges = tuner.get("hyperparameter_ranges")
    if not isinstance(ranges, dict):
        return ranges if isinstance(ranges, Unknown) else Unknown("hyperparameter_ranges is not a dict", tuner.where)
    ctx.code_hash = None  # get_code_hash does not look into tuning steps
    output_path, static = prepare_for_training(ctx, estimator)
    if isinstance(static, dict):
        static = {k: v for k, v in static.items() if k not in ranges}
        if kwargs.get("include_cls_metadata") or is_framework(estimator):
            module = ESTIMATOR_MODULES.get(estimator.kind, "sagemaker.estimator")
            static["sagemaker_estimator_class_name"] = json.dumps(estimator.kind)
            static["sagemaker_estimator_module"] = json.dumps(module)
    request: dict[str, Any] = {
        "HyperParameterTuningJobConfig": _tuning_config(tuner, ranges, is_framework(estimator)),
        "TrainingJobDefinition": _definition(
            ctx, tuner, estimator, static, output_path=output_path, inputs=kwargs.get("inputs")
        ),
    }
    if tuner.get("autotune"):
        request["Autotune"] = {"Mode": "Enabled"}
    tags = tuner.get("tags") or estimator.get("tags")
    if tags:
        request["Tags"] = format_tags(tags)
    return request


def _tuning_config(tuner: Obj, ranges: dict[Any, Any], framework: bool) -> dict[str, Any]:
    limits: dict[str, Any] = {
        "MaxNumberOfTrainingJobs": tuner.get("max_jobs"),
        "MaxParallelTrainingJobs": tuner.get("max_parallel_jobs"),
        **present(tuner, (("max_runtime_in_seconds", "MaxRuntimeInSeconds"),)),
    }
    config: dict[str, Any] = {
        "Strategy": tuner.get("strategy"),
        "ResourceLimits": limits,
        "TrainingJobEarlyStoppingType": tuner.get("early_stopping_type"),
        **present(tuner, (("random_seed", "RandomSeed"),)),
    }
    if tuner.get("objective_metric_name") is not None:
        config["HyperParameterTuningJobObjective"] = {
            "Type": tuner.get("objective_type"),
            "MetricName": tuner.get("objective_metric_name"),
        }
    config["ParameterRanges"] = _ranges(ranges, framework, tuner.where)
    for key in ("strategy_config", "completion_criteria_config", "warm_start_config"):
        if tuner.get(key) is not None:
            config[key] = not_modelled(key, tuner.where)
    return config


def _definition(
    ctx: StepContext, tuner: Obj, estimator: Obj, static: Any, *, output_path: Any, inputs: Any
) -> dict[str, Any]:
    """Session._map_training_config for the tuner's estimator."""
    definition: dict[str, Any] = {
        "StaticHyperParameters": static,
        "RoleArn": expand_role(estimator.get("role"), estimator.where),
        "OutputDataConfig": _output_config(estimator, output_path),
        "StoppingCondition": _stop(estimator),
        "HyperParameterTuningResourceConfig": _hpo_resources(estimator),
    }
    algorithm: dict[str, Any] = {"TrainingInputMode": estimator.get("input_mode")}
    if isinstance(inputs, Obj) and inputs.kind == "TrainingInput" and "InputMode" in training_input(inputs):
        algorithm["TrainingInputMode"] = training_input(inputs)["InputMode"]
    algorithm.update(present(tuner, (("metric_definitions", "MetricDefinitions"),)))
    algorithm["TrainingImage"] = estimator.get("image_uri")
    definition["AlgorithmSpecification"] = algorithm
    channels = input_channels(inputs, ctx.where)
    if channels is not None:
        definition["InputDataConfig"] = channels
    subnets, groups = estimator.get("subnets"), estimator.get("security_group_ids")
    if subnets is not None and groups is not None:
        definition["VpcConfig"] = {"Subnets": subnets, "SecurityGroupIds": groups}
    definition.update(present(estimator, _FLAGS, truthy=True))
    if estimator.get("checkpoint_s3_uri"):
        checkpoint = {"S3Uri": estimator.get("checkpoint_s3_uri")}
        local = present(estimator, (("checkpoint_local_path", "LocalPath"),), truthy=True)
        definition["CheckpointConfig"] = checkpoint | local
    if estimator.get("max_retry_attempts") is not None:
        definition["RetryStrategy"] = {"MaximumRetryAttempts": estimator.get("max_retry_attempts")}
    definition.update(present(estimator, (("environment", "Environment"),)))
    return definition


_FLAGS = (
    ("enable_network_isolation", "EnableNetworkIsolation"),
    ("encrypt_inter_container_traffic", "EnableInterContainerTrafficEncryption"),
    ("use_spot_instances", "EnableManagedSpotTraining"),
)


def _ranges(ranges: dict[Any, Any], framework: bool, where: str) -> dict[str, Any]:
    out: dict[str, list[Any]] = {f"{kind}ParameterRanges": [] for kind in ("Continuous", "Categorical", "Integer")}
    for name, item in ranges.items():
        if not isinstance(item, Obj) or item.kind not in RANGE_KINDS:
            why = item if isinstance(item, Unknown) else Unknown(f"the range of {name} is {describe(item)}", where)
            out["ContinuousParameterRanges"].append(why)  # left out and reported when the definition is written
    for kind in ("Continuous", "Categorical", "Integer"):
        for name, item in ranges.items():
            if not isinstance(item, Obj) or RANGE_KINDS.get(item.kind) != kind:
                continue
            if kind == "Categorical":
                values = item.get("values")
                values = values if isinstance(values, list) else [values]
                texts = [to_string(v) for v in values]
                if framework:
                    texts = [json.dumps(t) if isinstance(t, str) else t for t in texts]
                out[f"{kind}ParameterRanges"].append({"Name": name, "Values": texts})
            else:
                out[f"{kind}ParameterRanges"].append(
                    {
                        "Name": name,
                        "MinValue": to_string(item.get("min_value")),
                        "MaxValue": to_string(item.get("max_value")),
                        "ScalingType": item.get("scaling_type"),
                    }
                )
    return out


def _output_config(estimator: Obj, output_path: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"S3OutputPath": output_path}
    if estimator.get("output_kms_key") is not None:
        config["KmsKeyId"] = estimator.get("output_kms_key")
    if estimator.get("disable_output_compression"):
        config["CompressionType"] = "NONE"
    return config


def _stop(estimator: Obj) -> dict[str, Any]:
    stop: dict[str, Any] = {"MaxRuntimeInSeconds": estimator.get("max_run")}
    if estimator.get("max_wait"):
        stop["MaxWaitTimeInSeconds"] = estimator.get("max_wait")
    return stop


def _hpo_resources(estimator: Obj) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    if estimator.get("volume_kms_key") is not None:
        resources["VolumeKmsKeyId"] = estimator.get("volume_kms_key")
    resources["InstanceCount"] = estimator.get("instance_count")
    resources["InstanceType"] = estimator.get("instance_type")
    resources["VolumeSizeInGB"] = estimator.get("volume_size")
    return resources
