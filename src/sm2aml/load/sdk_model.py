"""Models: `model.register(...)` and `model.create(...)` under a PipelineSession (evaluated when called,
as the SDK does), the ModelStep that wraps them, and Transformer/TransformStep arguments."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_names
from sm2aml.load.values import Obj, Unknown, describe, is_pipeline_variable, not_modelled, present

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model
    from sm2aml.load.sdk_compile import StepContext

FRAMEWORK_MODELS = {"SKLearnModel": "sklearn", "XGBoostModel": "xgboost", "PyTorchModel": "pytorch"}


def init_model(model: Model, obj: Obj) -> Any:
    if obj.get("env") is None:
        obj.attrs["env"] = {}
    if obj.get("dependencies") is None:
        obj.attrs["dependencies"] = []
    code_location = obj.get("code_location")
    obj.attrs["_bucket"], obj.attrs["_key_prefix"] = None, None
    if isinstance(code_location, str) and sdk_names.is_s3(code_location):
        obj.attrs["_bucket"], obj.attrs["_key_prefix"] = sdk_names.parse_s3_url(code_location)
    if obj.get("enable_network_isolation") is None:
        obj.attrs["enable_network_isolation"] = False
    return obj


def run_model(model: Model, obj: Obj, name: str, kwargs: dict[str, Any], where: str) -> Any:
    """model.register(...) / model.create(...): the request the PipelineSession records."""
    state: dict[str, Any] = {"need_runtime_repack": False, "repack_output_prefix": None}
    if name == "register":
        request = _register(model, obj, kwargs, state, where)
        arguments: dict[str, Any] = {"create_model_package_request": request, "create_model_request": None}
    else:
        request = _create(model, obj, kwargs, state, where)
        arguments = {"create_model_package_request": None, "create_model_request": request}
    return Obj("ModelStepArgs", {"model": obj, **arguments, **state}, where)


def _framework_image(model: Model, obj: Obj, instance_type: Any, where: str) -> Any:
    from sm2aml.load.sdk_functions import image

    framework = FRAMEWORK_MODELS.get(obj.kind)
    if framework is None:
        return obj.get("image_uri")
    session = model.session_of(obj)
    return image(
        model,
        framework,
        model.region(session, where),
        where,
        version=obj.get("framework_version"),
        py_version=obj.get("py_version"),
        instance_type=instance_type,
    )


_PACKAGE_FIELDS = (
    ("model_package_name", "ModelPackageName"),
    ("model_package_group_name", "ModelPackageGroupName"),
    ("description", "ModelPackageDescription"),
)
_PACKAGE_EXTRAS = (
    ("customer_metadata_properties", "CustomerMetadataProperties"),
    ("validation_specification", "ValidationSpecification"),
    ("domain", "Domain"),
    ("sample_payload_url", "SamplePayloadUrl"),
    ("task", "Task"),
    ("source_uri", "SourceUri"),
)
_UNMODELLED = (
    ("metadata_properties", "MetadataProperties"),
    ("model_card", "ModelCard"),
    ("model_life_cycle", "ModelLifeCycle"),
)


def _register(model: Model, obj: Obj, kwargs: dict[str, Any], state: dict[str, Any], where: str) -> dict[str, Any]:
    """Model.register (and the framework models' override) → CreateModelPackage request."""
    for key in ("content_types", "response_types"):
        if kwargs.get(key) is not None:
            obj.attrs[f"_{key}"] = kwargs[key]
    if kwargs.get("image_uri") is not None:
        obj.attrs["image_uri"] = kwargs["image_uri"]
    framework = kwargs.get("framework")
    if obj.kind in FRAMEWORK_MODELS:
        instances = kwargs.get("inference_instances")
        instance_type = instances[0] if isinstance(instances, list) and instances else None
        if not obj.get("image_uri"):
            obj.attrs["image_uri"] = _framework_image(model, obj, instance_type, where)
        if not is_pipeline_variable(framework):
            framework = str(framework or FRAMEWORK_MODELS[obj.kind]).upper()
    kwargs = dict(kwargs)
    if kwargs.get("model_package_group_name") is None and kwargs.get("model_package_name") is None:
        image_uri = obj.get("image_uri")
        kwargs["model_package_group_name"] = (
            sdk_names.base_name_from_image(image_uri) if isinstance(image_uri, str) else "ModelPackage"
        )
    grouped = kwargs.get("model_package_group_name") is not None
    container = _package_container(model, obj, {**kwargs, "framework": framework}, state, where, grouped=grouped)
    request: dict[str, Any] = present(kwargs, _PACKAGE_FIELDS)
    if kwargs.get("model_metrics") is not None:
        request["ModelMetrics"] = _metrics(kwargs["model_metrics"])
    if kwargs.get("drift_check_baselines") is not None:
        baselines = _drift_check_baselines(kwargs["drift_check_baselines"], where)
        if baselines != {}:
            request["DriftCheckBaselines"] = baselines
    request.update({field: not_modelled(field, where) for key, field in _UNMODELLED if kwargs.get(key) is not None})
    request.update(present(kwargs, _PACKAGE_EXTRAS))
    request["InferenceSpecification"] = _inference_specification(obj, kwargs, container, grouped=grouped)
    approval, skip = kwargs.get("approval_status"), kwargs.get("skip_model_validation")
    request["ModelApprovalStatus"] = approval if approval is not None else "PendingManualApproval"
    request["SkipModelValidation"] = skip if skip is not None else "None"
    request.update(present(kwargs, (("model_package_registration_type", "ModelPackageRegistrationType"),)))
    return request


def _package_container(
    model: Model, obj: Obj, kwargs: dict[str, Any], state: dict[str, Any], where: str, *, grouped: bool
) -> dict[str, Any]:
    if not grouped:  # an unversioned package: the image and the model data only
        return {"Image": obj.get("image_uri"), **present(obj, (("model_data", "ModelDataUrl"),))}
    container = _container_def(model, obj, None, state, where)
    container.update(
        present(kwargs, (("framework", "Framework"), ("framework_version", "FrameworkVersion")))
        | present(kwargs, (("nearest_model_name", "NearestModelName"),))
    )
    if kwargs.get("data_input_configuration") is not None:
        container["ModelInput"] = {"DataInputConfig": kwargs["data_input_configuration"]}
    return container


def _inference_specification(
    obj: Obj, kwargs: dict[str, Any], container: dict[str, Any], *, grouped: bool
) -> dict[str, Any]:
    spec: dict[str, Any] = {"Containers": [container]}
    spec.update(
        present(obj, (("_content_types", "SupportedContentTypes"), ("_response_types", "SupportedResponseMIMETypes")))
    )
    instances = (
        ("inference_instances", "SupportedRealtimeInferenceInstanceTypes"),
        ("transform_instances", "SupportedTransformInstanceTypes"),
    )
    spec.update(present(kwargs, instances) if grouped else {field: kwargs.get(key) for key, field in instances})
    return spec


def _create(model: Model, obj: Obj, kwargs: dict[str, Any], state: dict[str, Any], where: str) -> dict[str, Any]:
    container = _container_def(model, obj, kwargs.get("instance_type"), state, where)
    request: dict[str, Any] = {"ModelName": obj.get("name"), "ExecutionRoleArn": obj.get("role")}
    request["PrimaryContainer"] = container
    tags = kwargs.get("tags")
    if tags:
        request["Tags"] = tags
    if obj.get("vpc_config"):
        request["VpcConfig"] = obj.get("vpc_config")
    if obj.get("enable_network_isolation"):
        request["EnableNetworkIsolation"] = obj.get("enable_network_isolation")
    return request


def _container_def(model: Model, obj: Obj, instance_type: Any, state: dict[str, Any], where: str) -> dict[str, Any]:
    """prepare_container_def: upload the serving code, set the SAGEMAKER_* environment, name the image."""
    image_uri = obj.get("image_uri")
    if obj.kind in FRAMEWORK_MODELS and not image_uri:
        image_uri = _framework_image(model, obj, instance_type, where)
    env = dict(obj.get("env") or {})
    model_data = obj.get("model_data")
    if obj.get("source_dir") or obj.get("dependencies") or obj.get("entry_point") or obj.get("git_config"):
        session = model.session_of(obj)
        name = obj.get("name")
        if not isinstance(name, str):
            name = (
                sdk_names.name_from_base(sdk_names.base_name_from_image(image_uri))
                if isinstance(image_uri, str)
                else None
            )
        key_prefix = sdk_names.s3_path_join(obj.get("_key_prefix"), name) if name else None
        bucket = obj.get("_bucket") or model.bucket(session, where)
        repack = _is_repack(obj)
        uploaded: tuple[Any, Any] | None = None
        entry_point, source_dir = obj.get("entry_point"), obj.get("source_dir")
        if entry_point is not None and not repack:
            uploaded = _upload(model, bucket, key_prefix, entry_point, source_dir)
        if repack and model_data is not None and entry_point is not None:
            if is_pipeline_variable(model_data):
                state["need_runtime_repack"] = True
                state["repack_output_prefix"] = sdk_names.s3_path_join("s3://", bucket, key_prefix)
                uploaded = (model_data, Path(str(entry_point)).name)
                obj.attrs["_repacked_model_data"] = model_data
            else:
                return {"Image": image_uri, "Environment": not_modelled("repacking a model already in S3", where)}
        env.update(_script_env(model, obj, uploaded, where))
        if obj.get("model_server_workers"):
            env["SAGEMAKER_MODEL_SERVER_WORKERS"] = str(obj.get("model_server_workers"))
    data = obj.get("_repacked_model_data") or model_data
    container: dict[str, Any] = {"Image": image_uri, "Environment": env}
    if data is not None:
        container["ModelDataUrl"] = data
    if obj.get("image_config"):
        container["ImageConfig"] = obj.get("image_config")
    return container


def _is_repack(obj: Obj) -> bool:
    if obj.kind in FRAMEWORK_MODELS:
        return bool(obj.get("enable_network_isolation"))
    return bool(obj.get("source_dir") and obj.get("entry_point") and not obj.get("git_config"))


def _upload(model: Model, bucket: str, key_prefix: str | None, entry_point: Any, source_dir: Any) -> tuple[Any, Any]:
    """fw_utils.tar_and_upload_dir: sourcedir.tar.gz under the model's code prefix."""
    if isinstance(source_dir, str) and (source_dir.lower().startswith("s3://") or is_pipeline_variable(source_dir)):
        return source_dir, entry_point
    if not isinstance(entry_point, str):
        return Unknown(f"entry_point is {describe(entry_point)}", ""), entry_point
    uri = f"s3://{bucket}/{key_prefix}/sourcedir.tar.gz"
    local = source_dir if isinstance(source_dir, str) else entry_point
    model.local_code[uri] = model.it.local_path(sdk_names.local_file(local))
    return uri, entry_point if source_dir else Path(entry_point).name


def _script_env(model: Model, obj: Obj, uploaded: tuple[Any, Any] | None, where: str) -> dict[str, Any]:
    env = obj.get("env") or {}
    script, directory = env.get("SAGEMAKER_PROGRAM", ""), env.get("SAGEMAKER_SUBMIT_DIRECTORY", "")
    if uploaded is not None:
        directory, script = uploaded
        if obj.get("_repacked_model_data") or obj.get("enable_network_isolation"):
            directory = "/opt/ml/model/code"
    elif obj.get("entry_point") is not None:
        script = obj.get("entry_point")
        source_dir = obj.get("source_dir")
        if isinstance(source_dir, str):
            directory = source_dir if source_dir.startswith("s3://") else "file://" + source_dir
    level = obj.get("container_log_level")
    return {
        "SAGEMAKER_PROGRAM": script,
        "SAGEMAKER_SUBMIT_DIRECTORY": directory,
        "SAGEMAKER_CONTAINER_LOG_LEVEL": level if isinstance(level, str) else str(level),
        "SAGEMAKER_REGION": model.region(model.session_of(obj), where),
    }


def _metrics(metrics: Any) -> Any:
    if not isinstance(metrics, Obj) or metrics.kind != "ModelMetrics":
        return Unknown(f"model_metrics is {describe(metrics)}", "")
    out: dict[str, Any] = {}
    groups = (
        ("ModelQuality", (("model_statistics", "Statistics"), ("model_constraints", "Constraints"))),
        ("ModelDataQuality", (("model_data_statistics", "Statistics"), ("model_data_constraints", "Constraints"))),
        (
            "Bias",
            (
                ("bias", "Report"),
                ("bias_pre_training", "PreTrainingReport"),
                ("bias_post_training", "PostTrainingReport"),
            ),
        ),
        ("Explainability", (("explainability", "Report"),)),
    )
    for group, fields in groups:
        found = {key: _source(metrics.get(attr)) for attr, key in fields if metrics.get(attr) is not None}
        if found or group in ("Bias", "Explainability"):
            out[group] = found
    return out


DRIFT_CHECK_BASELINES = (
    ("ModelQuality", (("model_statistics", "Statistics"), ("model_constraints", "Constraints"))),
    ("ModelDataQuality", (("model_data_statistics", "Statistics"), ("model_data_constraints", "Constraints"))),
    (
        "Bias",
        (
            ("bias_config_file", "ConfigFile"),
            ("bias_pre_training_constraints", "PreTrainingConstraints"),
            ("bias_post_training_constraints", "PostTrainingConstraints"),
        ),
    ),
    ("Explainability", (("explainability_constraints", "Constraints"), ("explainability_config_file", "ConfigFile"))),
)


def _drift_check_baselines(baselines: Any, where: str) -> Any:
    """DriftCheckBaselines._to_request_dict: the groups that have a source."""
    if not isinstance(baselines, Obj) or baselines.kind != "DriftCheckBaselines":
        why = baselines if isinstance(baselines, Unknown) else None
        return why or Unknown(f"drift_check_baselines is {describe(baselines)}, not a DriftCheckBaselines", where)
    out: dict[str, Any] = {}
    for group, fields in DRIFT_CHECK_BASELINES:
        found = {key: _source(baselines.get(attr)) for attr, key in fields if baselines.get(attr) is not None}
        if found:
            out[group] = found
    return out


def _source(source: Any) -> Any:
    if not isinstance(source, Obj) or source.kind not in ("MetricsSource", "FileSource"):
        return Unknown(f"a metrics source is {describe(source)}", "")
    out: dict[str, Any] = {}
    if source.kind == "MetricsSource":
        out["ContentType"] = source.get("content_type")
    out["S3Uri"] = source.get("s3_uri")
    if source.get("content_digest") is not None:
        out["ContentDigest"] = source.get("content_digest")
    if source.kind == "FileSource" and source.get("content_type") is not None:
        out["ContentType"] = source.get("content_type")
    return out


# --- Transformer ----------------------------------------------------------------------------------------


def transform_request(ctx: StepContext, transformer: Obj, kwargs: dict[str, Any]) -> dict[str, Any]:
    """TransformStep.arguments for `transformer.transform(...)`."""
    data_source = {"S3DataSource": {"S3DataType": kwargs.get("data_type"), "S3Uri": kwargs.get("data")}}
    input_config: dict[str, Any] = {"DataSource": data_source}
    input_config.update(
        present(
            kwargs,
            (("content_type", "ContentType"), ("compression_type", "CompressionType"), ("split_type", "SplitType")),
        )
    )
    output_path = transformer.get("output_path")
    if (output_path is None and not ctx.legacy) or transformer.get("_reset_output_path"):  # run by transform()
        bucket = ctx.model.bucket(ctx.model.session_of(transformer), ctx.where)
        execution = ir.ExecVar(name="PipelineExecutionId")
        output_path = ir.Join(on="/", values=("s3:/", bucket, ctx.pipeline_name, execution, ctx.step_name))
        transformer.attrs["output_path"] = output_path
        transformer.attrs["_reset_output_path"] = True
    output_config: dict[str, Any] = {"S3OutputPath": output_path}
    output_config.update(
        present(transformer, (("output_kms_key", "KmsKeyId"), ("assemble_with", "AssembleWith"), ("accept", "Accept")))
    )
    resources: dict[str, Any] = {
        "InstanceCount": transformer.get("instance_count"),
        "InstanceType": transformer.get("instance_type"),
        **present(transformer, (("volume_kms_key", "VolumeKmsKeyId"),)),
    }
    request: dict[str, Any] = {
        "ModelName": transformer.get("model_name"),
        "TransformInput": input_config,
        "TransformOutput": output_config,
        "TransformResources": resources,
    }
    request.update(present(transformer, _TRANSFORM_FIELDS))
    processing = present(
        kwargs, (("input_filter", "InputFilter"), ("output_filter", "OutputFilter"), ("join_source", "JoinSource"))
    )
    if processing:
        request["DataProcessing"] = processing
    request.update(present(kwargs, (("model_client_config", "ModelClientConfig"),), truthy=True))
    if kwargs.get("batch_data_capture_config") is not None:
        request["DataCaptureConfig"] = not_modelled("batch data capture", ctx.where)
    return request


_TRANSFORM_FIELDS = (
    ("strategy", "BatchStrategy"),
    ("max_concurrent_transforms", "MaxConcurrentTransforms"),
    ("max_payload", "MaxPayloadInMB"),
    ("env", "Environment"),
    ("tags", "Tags"),
)


def legacy_create(ctx: StepContext, step: Obj) -> Any:
    """CreateModelStep(model=..., inputs=CreateModelInput(...)): the model's CreateModel request."""
    model, inputs = step.get("model"), step.get("inputs")
    if not isinstance(model, Obj) or model.kind not in (*FRAMEWORK_MODELS, "Model"):
        return model if isinstance(model, Unknown) else Unknown(f"the model is {describe(model)}", step.where)
    instance_type = inputs.get("instance_type") if isinstance(inputs, Obj) else None
    state: dict[str, Any] = {"need_runtime_repack": False, "repack_output_prefix": None}
    return _create(ctx.model, model, {"instance_type": instance_type}, state, step.where)
