"""Processors (Processor, ScriptProcessor, SKLearnProcessor, FrameworkProcessor and its framework
subclasses) and their `run(...)`: the CreateProcessingJob arguments the SDK puts in the definition."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_names
from sm2aml.load.sdk_functions import image
from sm2aml.load.values import Obj, Unknown, describe, is_pipeline_variable, not_modelled, present

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model
    from sm2aml.load.sdk_compile import StepContext

CODE_BASE = "/opt/ml/processing/input/"
FRAMEWORK_ESTIMATORS = {
    "PyTorchProcessor": "PyTorch",
    "XGBoostProcessor": "XGBoost",
    "TensorFlowProcessor": "TensorFlow",
    "HuggingFaceProcessor": "HuggingFace",
}
RUNPROC = textwrap.dedent(
    """\
    #!/bin/bash

    cd /opt/ml/processing/input/code/
    tar -xzf sourcedir.tar.gz

    # Exit on any error. SageMaker uses error code to mark failed job.
    set -e

    if [[ -f 'requirements.txt' ]]; then
        # Optionally log into CodeArtifact
        if ! hash aws 2>/dev/null; then
            echo "AWS CLI is not installed. Skipping CodeArtifact login."
        else
            {codeartifact_login_command}
        fi

        # Some py3 containers has typing, which may breaks pip install
        pip uninstall --yes typing

        python -m pip install -r requirements.txt
    fi

    {entry_point_command} {entry_point} "$@"
    """
)


def init_processor(model: Model, obj: Obj) -> Any:
    """What the processor's __init__ fixes: the image, the command, the session."""
    kind = obj.kind
    session = model.session_of(obj)
    if kind == "SKLearnProcessor":
        obj.attrs["command"] = obj.get("command") or ["python3"]
        obj.attrs["image_uri"] = image(
            model,
            "sklearn",
            model.region(session, obj.where),
            obj.where,
            version=obj.get("framework_version"),
            instance_type=obj.get("instance_type"),
        )
    elif kind in ("FrameworkProcessor", *FRAMEWORK_ESTIMATORS):
        obj.attrs["command"] = obj.get("command") or ["python"]
        if kind in FRAMEWORK_ESTIMATORS:
            obj.attrs["estimator_cls"] = FRAMEWORK_ESTIMATORS[kind]
        if obj.get("image_uri") is None:
            obj.attrs["image_uri"] = _framework_image(model, obj, session)
    elif kind in ("PySparkProcessor", "SparkJarProcessor"):
        from sm2aml.load.sdk_spark import init_spark

        init_spark(model, obj, session)
    if kind == "ScriptProcessor" and obj.get("command") is None:
        obj.attrs["command"] = Unknown("ScriptProcessor needs a command", obj.where)
    return obj


def _framework_image(model: Model, obj: Obj, session: Obj) -> Any:
    from sm2aml.load.sdk_training import framework_image

    estimator = obj.get("estimator_cls")
    name = estimator.short if hasattr(estimator, "short") else estimator
    if not isinstance(name, str):
        return Unknown(f"the estimator class of the FrameworkProcessor is {describe(estimator)}", obj.where)
    return framework_image(model, name, obj, session, scope="training")


def process_request(ctx: StepContext, processor: Obj, kwargs: dict[str, Any]) -> dict[str, Any]:
    """ProcessingStep.arguments for `processor.run(**kwargs)` (or the legacy step fields in kwargs)."""
    if processor.kind in ("PySparkProcessor", "SparkJarProcessor"):
        from sm2aml.load.sdk_spark import spark_run

        kwargs, spark_inputs = spark_run(ctx, processor, kwargs)
        kwargs["inputs"] = spark_inputs
    inputs_list = _job_inputs(ctx, processor, kwargs)
    outputs = kwargs.get("outputs")
    outputs_list = outputs if isinstance(outputs, Unknown) else _normalize_outputs(ctx, list(outputs or []))
    app: dict[str, Any] = {"ImageUri": processor.get("image_uri")}
    app.update(present(kwargs, (("arguments", "ContainerArguments"),)))
    app.update(present(processor, (("entrypoint", "ContainerEntrypoint"),)))
    cluster: dict[str, Any] = {
        "InstanceType": processor.get("instance_type"),
        "InstanceCount": processor.get("instance_count"),
        "VolumeSizeInGB": processor.get("volume_size_in_gb"),
        **present(processor, (("volume_kms_key", "VolumeKmsKeyId"),)),
    }
    request: dict[str, Any] = {
        "ProcessingResources": {"ClusterConfig": cluster},
        "AppSpecification": app,
        "RoleArn": expand_role(processor.get("role"), processor.where),
    }
    if inputs_list:
        request["ProcessingInputs"] = _input_dicts(inputs_list)
    if isinstance(outputs_list, Unknown) or outputs_list:
        output_config: dict[str, Any] = {"Outputs": _output_dicts(outputs_list)}
        request["ProcessingOutputConfig"] = output_config | present(processor, (("output_kms_key", "KmsKeyId"),))
    request.update(present(processor, (("env", "Environment"),)))
    network = processor.get("network_config")
    if isinstance(network, Obj):
        request["NetworkConfig"] = network_config(network)
    if processor.get("max_runtime_in_seconds") is not None:
        request["StoppingCondition"] = {"MaxRuntimeInSeconds": processor.get("max_runtime_in_seconds")}
    if processor.get("tags") is not None:
        request["Tags"] = format_tags(processor.get("tags"))
    return request


def _job_inputs(ctx: StepContext, processor: Obj, kwargs: dict[str, Any]) -> Any:
    """The inputs with the code (and Spark's dependencies and configuration) added, names and URIs filled in."""
    kind = processor.kind
    inputs = kwargs.get("inputs")
    code = kwargs.get("code")
    if code is not None and kind in ("FrameworkProcessor", *FRAMEWORK_ESTIMATORS):
        code, inputs = _pack_framework_code(ctx, processor, kwargs)
    if isinstance(inputs, Unknown):
        return inputs
    inputs_list = list(inputs or [])
    if code is not None and kind != "Processor":
        inputs_list = _include_code(ctx, processor, code, inputs_list)
    return _normalize_inputs(ctx, inputs_list)


def expand_role(role: Any, where: str) -> Any:
    """Session.expand_role: an ARN stays, a bare role name would be looked up in IAM."""
    if role is None:
        return Unknown("no role is given (the SDK requires one)", where)
    if isinstance(role, str) and "/" not in role:
        return Unknown(f"the role name {role!r} is expanded to an ARN by asking IAM", where)
    return role


def format_tags(tags: Any) -> Any:
    if isinstance(tags, dict):
        return [{"Key": k, "Value": v} for k, v in tags.items()]
    return tags


def network_config(network: Obj) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if network.get("encrypt_inter_container_traffic") is not None:
        out["EnableInterContainerTrafficEncryption"] = network.get("encrypt_inter_container_traffic")
    if network.get("enable_network_isolation") is not None:
        out["EnableNetworkIsolation"] = network.get("enable_network_isolation")
    if network.get("security_group_ids") is not None or network.get("subnets") is not None:
        out["VpcConfig"] = {"SecurityGroupIds": network.get("security_group_ids"), "Subnets": network.get("subnets")}
    return out


def _include_code(ctx: StepContext, processor: Obj, code: Any, inputs: list[Any]) -> list[Any]:
    """ScriptProcessor._include_code_in_inputs: upload the script, add the code input, set the entrypoint."""
    input_name = "entrypoint" if processor.get("_code_input") == "entrypoint" else "code"
    if isinstance(code, Unknown) or is_pipeline_variable(code) or not isinstance(code, str):
        why = code if isinstance(code, Unknown) else Unknown(f"code is {describe(code)}", processor.where)
        processor.attrs["entrypoint"] = why
        return [*inputs, Obj("ProcessingInput", {"_unknown": why}, processor.where)]
    if sdk_names.is_s3(code):
        uri: Any = code
    elif sdk_names.is_local(code):
        uri = upload_code(ctx, processor, code)
    else:
        uri = Unknown(f"code {code!r} is neither a local file nor an s3:// URL", processor.where)
    script = PurePosixPath(sdk_names.local_file(code) if sdk_names.is_local(code) else code).name
    destination = str(PurePosixPath(CODE_BASE, input_name))
    command = processor.get("command")
    if processor.kind in ("FrameworkProcessor", *FRAMEWORK_ESTIMATORS):
        command = ["/bin/bash"]
    location = str(PurePosixPath(CODE_BASE, input_name, script))
    processor.attrs["entrypoint"] = [*command, location] if isinstance(command, list) else command
    code_input = Obj(
        "ProcessingInput",
        {**_input_defaults(), "source": uri, "destination": destination, "input_name": input_name},
        processor.where,
    )
    return [*inputs, code_input]


def upload_code(ctx: StepContext, processor: Obj, code: str) -> Any:
    """ScriptProcessor._upload_code: s3://bucket/<pipeline>/code/<hash>/<file> (legacy steps, which have
    no code hash: s3://bucket/<job name>/input/code/<file>)."""
    local = Path(ctx.model.it.local_path(sdk_names.local_file(code)))
    if not local.exists():
        ctx.model.it.report("SM2AML127", f"the code file {code} does not exist next to the pipeline", processor.where)
        return Unknown(f"the code {code} does not exist (the SDK fails here)", ctx.where)
    if not local.is_file():
        return Unknown(f"the code {code} is a folder, not a file (the SDK fails here)", ctx.where)
    bucket = ctx.model.bucket(ctx.session, ctx.where)
    if ctx.code_hash:
        desired = sdk_names.s3_path_join("s3://", bucket, ctx.pipeline_name, "code", ctx.code_hash)
    else:
        desired = sdk_names.s3_path_join("s3://", bucket, job_name(processor), "input", "code")
    uri = sdk_names.upload_uri(str(local), desired, is_dir=False)
    ctx.local_code[uri] = str(local)
    return uri


def job_name(processor: Obj) -> str:
    """Processor._generate_current_job_name (with the fixed time stamp)."""
    base = processor.get("base_job_name")
    if not isinstance(base, str):
        image_uri = processor.get("image_uri")
        base = sdk_names.base_name_from_image(image_uri) if isinstance(image_uri, str) else "processing-job"
    return sdk_names.name_from_base(base)


def _input_defaults() -> dict[str, Any]:
    return {
        "s3_data_type": "S3Prefix",
        "s3_input_mode": "File",
        "s3_data_distribution_type": "FullyReplicated",
        "s3_compression_type": "None",
        "s3_input": None,
        "dataset_definition": None,
        "app_managed": False,
    }


def _normalize_inputs(ctx: StepContext, inputs: list[Any]) -> list[Any]:
    out: list[Any] = []
    for count, item in enumerate(inputs, 1):
        if not isinstance(item, Obj) or item.kind != "ProcessingInput":
            why = item if isinstance(item, Unknown) else Unknown(f"an input is {describe(item)}", ctx.where)
            out.append(Obj("ProcessingInput", {"_unknown": why}, ctx.where))
            continue
        if "_unknown" in item.attrs:
            out.append(item)
            continue
        if item.get("input_name") is None:
            item.attrs["input_name"] = f"input-{count}"
        source = item.get("source")
        s3_input = item.get("s3_input")
        if isinstance(s3_input, Obj):
            source = s3_input.get("s3_uri")
        if item.get("dataset_definition") is not None or is_pipeline_variable(source) or not isinstance(source, str):
            out.append(item)
            continue
        if not sdk_names.is_s3(source):
            local = Path(ctx.model.it.local_path(sdk_names.local_file(source)))
            bucket = ctx.model.bucket(ctx.session, ctx.where)
            name = item.get("input_name")
            desired = sdk_names.s3_path_join("s3://", bucket, ctx.pipeline_name, ctx.step_name, "input", name)
            item.attrs["source"] = sdk_names.upload_uri(str(local), desired, is_dir=local.is_dir())
        out.append(item)
    return out


def _normalize_outputs(ctx: StepContext, outputs: list[Any]) -> list[Any]:
    out: list[Any] = []
    for count, item in enumerate(outputs, 1):
        if not isinstance(item, Obj) or item.kind != "ProcessingOutput":
            why = item if isinstance(item, Unknown) else Unknown(f"an output is {describe(item)}", ctx.where)
            out.append(why)
            continue
        if item.get("output_name") is None:
            item.attrs["output_name"] = f"output-{count}"
        destination = item.get("destination")
        if not is_pipeline_variable(destination) and not sdk_names.is_s3(destination):
            bucket = ctx.model.bucket(ctx.session, ctx.where)
            values: list[Any] = ["s3:/", bucket, ctx.pipeline_name, ir.ExecVar(name="PipelineExecutionId")]
            values += [ctx.step_name, "output", ctx.model.expr(item.get("output_name"), item.where)]
            unknown = next((v for v in values if isinstance(v, Unknown)), None)
            item.attrs["destination"] = unknown or ir.Join(on="/", values=tuple(values))
        out.append(item)
    return out


def _input_dicts(inputs: Any) -> Any:
    if isinstance(inputs, Unknown):
        return inputs
    out: list[Any] = []
    for item in inputs:
        if "_unknown" in item.attrs:
            out.append(item.get("_unknown"))
            continue
        entry: dict[str, Any] = {"InputName": item.get("input_name"), "AppManaged": item.get("app_managed")}
        s3_input = item.get("s3_input")
        if isinstance(s3_input, Obj):
            entry["S3Input"] = {k: v for k, v in s3_input.attrs.items() if v is not None}
        elif item.get("source") is not None and item.get("destination") is not None:
            entry["S3Input"] = {
                "S3Uri": item.get("source"),
                "LocalPath": item.get("destination"),
                "S3DataType": item.get("s3_data_type"),
                "S3InputMode": item.get("s3_input_mode"),
                "S3DataDistributionType": item.get("s3_data_distribution_type"),
                "S3CompressionType": item.get("s3_compression_type"),
            }
        if item.get("dataset_definition") is not None:
            entry["DatasetDefinition"] = not_modelled("a DatasetDefinition input", item.where)
        out.append(entry)
    return out


def _output_dicts(outputs: Any) -> Any:
    if isinstance(outputs, Unknown):
        return outputs
    out: list[Any] = []
    for item in outputs:
        if isinstance(item, Unknown):
            out.append(item)
            continue
        entry: dict[str, Any] = {"OutputName": item.get("output_name"), "AppManaged": item.get("app_managed")}
        if item.get("source") is not None:
            entry["S3Output"] = {
                "S3Uri": item.get("destination"),
                "LocalPath": item.get("source"),
                "S3UploadMode": item.get("s3_upload_mode"),
            }
        if item.get("feature_store_output") is not None:
            entry["FeatureStoreOutput"] = not_modelled("a feature store output", item.where)
        out.append(entry)
    return out


def _pack_framework_code(ctx: StepContext, processor: Obj, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """FrameworkProcessor.run: pack source_dir into sourcedir.tar.gz, add it as the `code` input and
    run a generated runproc.sh (uploaded next to it) that unpacks it and starts the script."""
    code, source_dir = kwargs.get("code"), kwargs.get("source_dir")
    inputs = kwargs.get("inputs")
    if not isinstance(code, str) or isinstance(source_dir, Unknown):
        return code if isinstance(code, Unknown) else Unknown("FrameworkProcessor code is not known", ctx.where), inputs
    if code.startswith("s3://"):
        return code, inputs
    bucket = ctx.model.bucket(ctx.session, ctx.where)
    code_bucket, key_prefix = bucket, None
    location = processor.get("code_location")
    if isinstance(location, str) and sdk_names.is_s3(location):
        code_bucket, key_prefix = sdk_names.parse_s3_url(location.rstrip("/"))
    prefix = sdk_names.s3_path_join(key_prefix, ctx.pipeline_name, "code", ctx.code_hash)
    payload = f"s3://{code_bucket}/{prefix}/sourcedir.tar.gz"
    if isinstance(source_dir, str) and source_dir.startswith("s3://"):
        payload = source_dir
    local = ctx.model.it.local_path(source_dir if isinstance(source_dir, str) else sdk_names.local_file(code))
    if payload.startswith(f"s3://{code_bucket}/"):
        ctx.local_code[payload] = local
    script = code if source_dir else os.path.basename(code)
    code_input = Obj(
        "ProcessingInput",
        {**_input_defaults(), "input_name": "code", "source": payload, "destination": "/opt/ml/processing/input/code/"},
        ctx.where,
    )
    patched = inputs if isinstance(inputs, Unknown) else [*(inputs or []), code_input]
    command = processor.get("command")
    if not isinstance(command, list) or not all(isinstance(c, str) for c in command):
        return Unknown("the FrameworkProcessor command is not known", ctx.where), patched
    text = RUNPROC.format(
        codeartifact_login_command="echo 'CodeArtifact repository not specified. Skipping login.'",
        entry_point_command=" ".join(command),
        entry_point=script,
    )
    runproc = sdk_names.s3_path_join("s3://", bucket, ctx.pipeline_name, "code", sdk_names.hash_object(text))
    processor.attrs["_code_input"] = "entrypoint"
    return f"{runproc}/runproc.sh", patched
