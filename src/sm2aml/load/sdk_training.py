"""Estimators (Estimator and the SKLearn, XGBoost, PyTorch, TensorFlow, HuggingFace frameworks), their
hyperparameters, training inputs and `fit(...)`: the CreateTrainingJob arguments in the definition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_names
from sm2aml.load.sdk_functions import image
from sm2aml.load.sdk_processing import expand_role, format_tags
from sm2aml.load.values import Obj, ToString, Unknown, describe, is_pipeline_variable, not_modelled, present

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model
    from sm2aml.load.sdk_compile import StepContext

FRAMEWORKS = {"SKLearn": "sklearn", "XGBoost": "xgboost", "PyTorch": "pytorch", "TensorFlow": "tensorflow"}
FRAMEWORKS["HuggingFace"] = "huggingface"
UNSUPPORTED_DEBUG_REGIONS = frozenset(
    {
        "us-iso-east-1", "us-isob-east-1", "ap-southeast-3", "ap-southeast-4", "eu-south-2", "me-central-1",
        "ap-south-2", "eu-central-2", "us-gov-east-1",
    }
)  # fmt: skip


def is_framework(obj: Obj) -> bool:
    return obj.kind in FRAMEWORKS


def init_estimator(model: Model, obj: Obj) -> Any:
    """EstimatorBase/Framework __init__: hyperparameters kept as given, the framework image chosen."""
    hyper = obj.get("hyperparameters")
    obj.attrs["_hyperparameters"] = dict(hyper) if isinstance(hyper, dict) else {}
    if isinstance(hyper, Unknown):
        obj.attrs["_hyperparameters"] = hyper
    if obj.get("dependencies") is None:
        obj.attrs["dependencies"] = []
    session = model.session_of(obj)
    region = model.region(session, obj.where)
    if obj.get("debugger_hook_config") is True:
        obj.attrs["debugger_hook_config"] = {}
    if obj.get("disable_profiler") is None:
        obj.attrs["disable_profiler"] = False
    instance_type = obj.get("instance_type")
    if region in UNSUPPORTED_DEBUG_REGIONS or (isinstance(instance_type, str) and ".trn" in instance_type):
        obj.attrs["disable_profiler"] = True
    obj.attrs["_no_debugger"] = region in UNSUPPORTED_DEBUG_REGIONS
    if obj.kind == "SKLearn":
        obj.attrs["instance_count"] = 1
    threshold = METRICS_FROM.get(obj.kind)
    version = obj.get("framework_version")
    if threshold is not None and obj.get("enable_sagemaker_metrics") is None:
        if obj.kind == "HuggingFace" or (isinstance(version, str) and _version(version) >= threshold):
            obj.attrs["enable_sagemaker_metrics"] = True
    if is_framework(obj) and obj.get("image_uri") is None:
        obj.attrs["image_uri"] = framework_image(model, obj.kind, obj, session, scope="training")
    if obj.kind == "Estimator":
        set_hyperparameters(obj, obj.attrs.pop("_hyperparameters") if isinstance(hyper, dict) else {})
        if isinstance(hyper, Unknown):
            obj.attrs["_hyperparameters"] = hyper
    return obj


METRICS_FROM = {"PyTorch": (1, 3), "TensorFlow": (1, 15), "HuggingFace": (0,)}  # SageMaker metrics on by default


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def framework_image(model: Model, kind: str, obj: Obj, session: Obj, *, scope: str) -> Any:
    """Framework.training_image_uri (image_uris.get_training_image_uri) for an estimator's arguments."""
    framework = FRAMEWORKS.get(kind)
    if framework is None:
        return not_modelled(f"the {kind} image", obj.where)
    region = obj.get("image_uri_region") or model.region(session, obj.where)
    options: dict[str, Any] = {
        "version": obj.get("framework_version"),
        "py_version": obj.get("py_version"),
        "instance_type": obj.get("instance_type"),
        "image_scope": scope,
    }
    if kind == "HuggingFace":
        options["version"] = obj.get("transformers_version")
        base = obj.get("pytorch_version") or obj.get("tensorflow_version")
        prefix = "pytorch" if obj.get("pytorch_version") else "tensorflow"
        options["base_framework_version"] = f"{prefix}{base}" if isinstance(base, str) else base
        instance = obj.get("instance_type")
        if isinstance(instance, Obj):
            instance = instance.get("default_value")
        if isinstance(instance, str) and instance.split(".")[1][:1] in ("g", "p"):
            options["container_version"] = "cu110-ubuntu18.04"
    return image(model, framework, region, obj.where, **options)


def set_hyperparameters(obj: Obj, values: dict[str, Any]) -> None:
    """Estimator.set_hyperparameters / Framework.set_hyperparameters (JSON-encoded when code is staged)."""
    current = obj.attrs.setdefault("_hyperparameters", {})
    if not isinstance(current, dict):
        return
    if is_framework(obj) or obj.get("source_dir"):
        current.update(json_encode(values))
    else:
        current.update(values)


def json_encode(values: dict[str, Any]) -> dict[str, Any]:
    """EstimatorBase._json_encode_hyperparameters: JSON text, pipeline variables as .to_string()."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Unknown) or is_pipeline_variable(value):
            out[str(key)] = to_string(value)
        else:
            try:
                out[str(key)] = json.dumps(value)
            except TypeError:
                out[str(key)] = Unknown(f"the hyperparameter {key} is {describe(value)}, not JSON", "")
    return out


def to_string(value: Any) -> Any:
    """sagemaker.utils.to_string: str() of a value, .to_string() of a pipeline variable."""
    if isinstance(value, Unknown):
        return value
    if not is_pipeline_variable(value):
        return value if isinstance(value, str) else str(value)
    if (isinstance(value, Obj) and value.kind == "ParameterString") or isinstance(
        value, ToString | ir.Join | ir.ExecVar
    ):
        return value
    return ToString(value)


def prepare_for_training(ctx: StepContext, estimator: Obj) -> tuple[Any, Any]:
    """EstimatorBase._prepare_for_training then hyperparameters(): the output path and the
    hyperparameters as the request carries them (code staged, script-mode keys added, as text)."""
    model = ctx.model
    session = model.session_of(estimator)
    ctx.session = session
    output_path = estimator.get("output_path")
    from_default = False
    if output_path is None:
        output_path = sdk_names.s3_path_join("s3://", model.bucket(session, ctx.where), with_end_slash=True)
        from_default = True
    hyper = estimator.get("_hyperparameters")
    hyperparameters: Any = dict(hyper) if isinstance(hyper, dict) else hyper
    if estimator.get("source_dir") or estimator.get("entry_point") or estimator.get("dependencies"):
        code_dir, script = _stage_code(ctx, estimator, output_path, from_default)
        extra = {
            "sagemaker_submit_directory": code_dir,
            "sagemaker_program": script,
            "sagemaker_container_log_level": estimator.get("container_log_level"),
            "sagemaker_job_name": sdk_names.name_from_base(_base_job_name(estimator)),
            "sagemaker_region": model.region(session, ctx.where),
        }
        if isinstance(hyperparameters, dict):
            hyperparameters.update(extra if is_framework(estimator) else json_encode(extra))
    if isinstance(hyperparameters, dict) and is_framework(estimator):
        hyperparameters = json_encode(hyperparameters)
        if estimator.kind == "TensorFlow" and estimator.get("model_dir") is not False:
            hyperparameters.update(json_encode({"model_dir": _model_dir(ctx, estimator, output_path)}))
    if isinstance(hyperparameters, dict):
        hyperparameters = {str(k): to_string(v) for k, v in hyperparameters.items()}
    return output_path, hyperparameters


def train_request(ctx: StepContext, estimator: Obj, inputs: Any) -> dict[str, Any]:
    """TrainingStep.arguments for `estimator.fit(inputs)` (or the legacy estimator=/inputs=)."""
    output_path, hyperparameters = prepare_for_training(ctx, estimator)
    if isinstance(hyperparameters, dict):
        hyperparameters.pop("sagemaker_job_name", None)
    algorithm: dict[str, Any] = {"TrainingInputMode": estimator.get("input_mode")}
    if isinstance(inputs, Obj) and inputs.kind == "TrainingInput" and "InputMode" in training_input(inputs):
        algorithm["TrainingInputMode"] = training_input(inputs)["InputMode"]
    algorithm["TrainingImage"] = estimator.get("image_uri")
    if estimator.get("container_entry_point") is not None:
        algorithm["ContainerEntrypoint"] = estimator.get("container_entry_point")
    if estimator.get("container_arguments") is not None:
        algorithm["ContainerArguments"] = estimator.get("container_arguments")
    if estimator.get("metric_definitions") is not None:
        algorithm["MetricDefinitions"] = estimator.get("metric_definitions")
    if estimator.get("enable_sagemaker_metrics") is not None:
        algorithm["EnableSageMakerMetricsTimeSeries"] = estimator.get("enable_sagemaker_metrics")
    output_config: dict[str, Any] = {"S3OutputPath": output_path}
    if estimator.get("output_kms_key") is not None:
        output_config["KmsKeyId"] = estimator.get("output_kms_key")
    if estimator.get("disable_output_compression"):
        output_config["CompressionType"] = "NONE"
    stop: dict[str, Any] = {"MaxRuntimeInSeconds": estimator.get("max_run")}
    if estimator.get("max_wait"):
        stop["MaxWaitTimeInSeconds"] = estimator.get("max_wait")
    request: dict[str, Any] = {
        "AlgorithmSpecification": algorithm,
        "OutputDataConfig": output_config,
        "StoppingCondition": stop,
        "ResourceConfig": _resources(estimator),
        "RoleArn": expand_role(estimator.get("role"), estimator.where),
    }
    channels = input_channels(inputs, ctx.where)
    if channels is not None:
        request["InputDataConfig"] = channels
    if isinstance(hyperparameters, Unknown) or hyperparameters:
        request["HyperParameters"] = hyperparameters
    _optional(request, estimator, output_path)
    return request


def _resources(estimator: Obj) -> dict[str, Any]:
    resources: dict[str, Any] = {"VolumeSizeInGB": estimator.get("volume_size")}
    resources.update(
        present(
            estimator,
            (("volume_kms_key", "VolumeKmsKeyId"), ("keep_alive_period_in_seconds", "KeepAlivePeriodInSeconds")),
        )
    )
    if estimator.get("instance_groups") is not None:
        resources["InstanceGroups"] = not_modelled("instance_groups", estimator.where)
    else:
        resources["InstanceCount"] = estimator.get("instance_count")
        resources["InstanceType"] = estimator.get("instance_type")
    if estimator.get("training_plan") is not None:
        resources["TrainingPlanArn"] = estimator.get("training_plan")
    return resources


_FLAGS = (
    ("enable_network_isolation", "EnableNetworkIsolation"),
    ("encrypt_inter_container_traffic", "EnableInterContainerTrafficEncryption"),
    ("use_spot_instances", "EnableManagedSpotTraining"),
)


def _optional(request: dict[str, Any], estimator: Obj, output_path: Any) -> None:
    """The fields _get_train_request adds only when set."""
    request.update(present(estimator, (("environment", "Environment"),)))
    if estimator.get("tags") is not None:
        request["Tags"] = format_tags(estimator.get("tags"))
    subnets, groups = estimator.get("subnets"), estimator.get("security_group_ids")
    if subnets is not None and groups is not None:
        request["VpcConfig"] = {"Subnets": subnets, "SecurityGroupIds": groups}
    request.update(present(estimator, _FLAGS, truthy=True))
    if estimator.get("checkpoint_s3_uri"):
        checkpoint: dict[str, Any] = {"S3Uri": estimator.get("checkpoint_s3_uri")}
        request["CheckpointConfig"] = checkpoint | present(
            estimator, (("checkpoint_local_path", "LocalPath"),), truthy=True
        )
    _debugging(request, estimator, output_path)
    if estimator.get("max_retry_attempts") is not None:
        request["RetryStrategy"] = {"MaximumRetryAttempts": estimator.get("max_retry_attempts")}


def _debugging(request: dict[str, Any], estimator: Obj, output_path: Any) -> None:
    """Debugger hook and profiler: on by default, writing next to the model (where the region has them)."""
    hook = estimator.get("debugger_hook_config")
    if hook in (None, {}) and not estimator.get("_no_debugger"):
        request["DebugHookConfig"] = {"S3OutputPath": output_path, "CollectionConfigurations": []}
    elif isinstance(hook, Obj):
        request["DebugHookConfig"] = not_modelled("a DebuggerHookConfig", hook.where)
    if estimator.get("tensorboard_output_config") is not None:
        request["TensorBoardOutputConfig"] = not_modelled("TensorBoardOutputConfig", estimator.where)
    if estimator.get("disable_profiler"):
        request["ProfilerConfig"] = {"DisableProfiler": True}
    elif estimator.get("profiler_config") is not None:
        request["ProfilerConfig"] = not_modelled("a ProfilerConfig", estimator.where)
    else:
        request["ProfilerConfig"] = {"S3OutputPath": output_path, "DisableProfiler": False}
    if estimator.get("rules") is not None:
        request["DebugRuleConfigurations"] = not_modelled("debugger rules", estimator.where)


def _stage_code(ctx: StepContext, estimator: Obj, output_path: Any, from_default: bool) -> tuple[Any, Any]:
    """EstimatorBase._stage_user_code_in_s3 + tar_and_upload_dir: where sourcedir.tar.gz lands."""
    entry_point, source_dir = estimator.get("entry_point"), estimator.get("source_dir")
    for value in (entry_point, source_dir):
        if isinstance(value, Unknown):
            return value, value
    if is_pipeline_variable(source_dir) or (isinstance(source_dir, str) and source_dir.lower().startswith("s3://")):
        return source_dir, entry_point  # already in S3: used as it is
    place = _code_bucket(ctx, estimator, output_path, from_default)
    if isinstance(place, Unknown):
        return place, place
    bucket, key_prefix = place
    prefix = sdk_names.s3_path_join(key_prefix, ctx.pipeline_name, "code", ctx.code_hash)
    if ctx.code_hash is None:
        prefix = sdk_names.s3_path_join(key_prefix, sdk_names.name_from_base(_base_job_name(estimator)), "source")
    uri = f"s3://{bucket}/{prefix}/sourcedir.tar.gz"
    if not isinstance(entry_point, str):
        return uri, Unknown(f"entry_point is {describe(entry_point)}", ctx.where)
    script = entry_point if source_dir else Path(entry_point).name
    local = estimator.get("_local_code") or (source_dir if isinstance(source_dir, str) else entry_point)
    if isinstance(local, str):
        ctx.local_code[uri] = ctx.model.it.local_path(sdk_names.local_file(local))
    return uri, script


def _code_bucket(ctx: StepContext, estimator: Obj, output_path: Any, from_default: bool) -> Any:
    """The bucket and key prefix the code goes to: code_location, else the output path's bucket."""
    code_location = estimator.get("code_location")
    if is_pipeline_variable(output_path) or code_location is not None:
        if code_location is None:
            return ctx.model.bucket(ctx.session, ctx.where), None
        if isinstance(code_location, str) and sdk_names.is_s3(code_location):
            return sdk_names.parse_s3_url(code_location)
        return Unknown(f"code_location is {describe(code_location)}", ctx.where)
    if isinstance(output_path, str) and sdk_names.is_s3(output_path):
        bucket, possible = sdk_names.parse_s3_url(output_path)
        return bucket, possible if from_default else None
    return Unknown(f"output_path is {describe(output_path)}", ctx.where)


def _model_dir(ctx: StepContext, estimator: Obj, output_path: Any) -> Any:
    """TensorFlow's model_dir hyperparameter: given, else <output path>/<job name>/model."""
    if estimator.get("model_dir"):
        return estimator.get("model_dir")
    job = sdk_names.name_from_base(_base_job_name(estimator))
    if is_pipeline_variable(output_path):
        return sdk_names.s3_path_join("s3://", ctx.model.bucket(ctx.session, ctx.where), job, "model")
    if isinstance(output_path, str):
        return sdk_names.s3_path_join(output_path, job, "model")
    return Unknown(f"output_path is {describe(output_path)}", ctx.where)


def _base_job_name(estimator: Obj) -> str:
    base = estimator.get("base_job_name")
    if isinstance(base, str):
        return base
    image_uri = estimator.get("image_uri")
    return sdk_names.base_name_from_image(image_uri) if isinstance(image_uri, str) else "training-job"


def training_input(obj: Obj) -> dict[str, Any]:
    """TrainingInput.config."""
    source: dict[str, Any] = {"S3DataType": obj.get("s3_data_type"), "S3Uri": obj.get("s3_data")}
    config: dict[str, Any] = {"DataSource": {"S3DataSource": source}}
    distribution = obj.get("distribution")
    if not (obj.get("target_attribute_name") or distribution):
        distribution = "FullyReplicated"
    if distribution is not None:
        source["S3DataDistributionType"] = distribution
    fields = (
        ("compression", "CompressionType"),
        ("content_type", "ContentType"),
        ("record_wrapping", "RecordWrapperType"),
        ("input_mode", "InputMode"),
        ("target_attribute_name", "TargetAttributeName"),
    )
    for attr, key in fields:
        if obj.get(attr) is not None:
            config[key] = obj.get(attr)
    if obj.get("instance_groups") is not None:
        source["InstanceGroupNames"] = obj.get("instance_groups")
    if obj.get("attribute_names") is not None:
        source["AttributeNames"] = obj.get("attribute_names")
    return config


def input_channels(inputs: Any, where: str) -> Any:
    """_Job._format_inputs_to_input_config: a URI, a TrainingInput, or a dict of channels."""
    if inputs is None:
        return None
    if isinstance(inputs, Unknown):
        return inputs
    channels: dict[Any, Any] = {}
    if isinstance(inputs, str) or is_pipeline_variable(inputs) or _is_training_input(inputs):
        channels["training"] = inputs
    elif isinstance(inputs, dict):
        channels = inputs
    else:
        return Unknown(f"training inputs are {describe(inputs)}", where)
    out: list[Any] = []
    for name, value in channels.items():
        if isinstance(value, Unknown):
            out.append(value)
            continue
        config = training_input(value) if _is_training_input(value) else _uri_input(value, where)
        if isinstance(config, Unknown):
            out.append(config)
            continue
        out.append({**config, "ChannelName": name})
    return out


def _is_training_input(value: Any) -> bool:
    return isinstance(value, Obj) and value.kind == "TrainingInput"


def _uri_input(value: Any, where: str) -> Any:
    if isinstance(value, str) and value.startswith("file://"):
        return Unknown("file:// training inputs work in local mode only", where)
    if isinstance(value, str) and not value.startswith("s3://"):
        return Unknown(f"the training input {value!r} must be an s3:// or file:// URI (the SDK fails here)", where)
    if isinstance(value, str) or is_pipeline_variable(value):
        return training_input(Obj("TrainingInput", {"s3_data": value, "s3_data_type": "S3Prefix"}, where))
    return Unknown(f"a training channel is {describe(value)}", where)
