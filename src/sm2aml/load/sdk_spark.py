"""PySparkProcessor / SparkJarProcessor: the smspark-submit command, the staged dependencies
(py-files, jars, files) and configuration, as `run(...)` adds them to the processing job."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_names
from sm2aml.load.sdk_functions import image
from sm2aml.load.values import Obj, Unknown, describe, is_pipeline_variable

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model
    from sm2aml.load.sdk_compile import StepContext

BASE = "/opt/ml/processing/input/"
CHANNELS = (("submit_py_files", "py-files"), ("submit_jars", "jars"), ("submit_files", "files"))
EVENT_LOGS = "/opt/ml/processing/spark-events/"


def init_spark(model: Model, obj: Obj, session: Obj) -> None:
    if obj.get("image_uri") is None:
        py, container = obj.get("py_version"), obj.get("container_version")
        if (py is None) != (container is None):
            obj.attrs["image_uri"] = Unknown("set both or neither of py_version and container_version", obj.where)
        else:
            obj.attrs["image_uri"] = image(
                model,
                "spark",
                model.region(session, obj.where),
                obj.where,
                version=obj.get("framework_version"),
                instance_type=obj.get("instance_type"),
                py_version=py,
                container_version=f"v{container}" if container else None,
            )
    obj.attrs["env"] = obj.get("env") or {}
    obj.attrs["command"] = ["smspark-submit"]


def spark_run(ctx: StepContext, processor: Obj, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The run() arguments after _extend_processing_args: code is submit_app, inputs and command extended."""
    kwargs = dict(kwargs)
    command: list[Any] = ["smspark-submit"]
    if processor.kind == "SparkJarProcessor":
        if not kwargs.get("submit_class"):
            return kwargs, Unknown("SparkJarProcessor.run needs submit_class", ctx.where)
        command += ["--class", kwargs["submit_class"]]
    inputs = kwargs.get("inputs")
    if isinstance(inputs, Unknown):
        return kwargs, inputs
    extended = list(inputs or [])
    for key, channel in CHANNELS:
        deps = kwargs.get(key)
        if not deps:
            continue
        if not isinstance(deps, list | tuple):
            extended.append(Unknown(f"{key} is {describe(deps)}", ctx.where))
            continue
        staged, option = _stage(ctx, processor, list(deps), channel)
        if staged is not None:
            extended.append(staged)
        if option:
            command += [f"--{channel}", option]
    outputs = kwargs.get("outputs")
    logs = kwargs.get("spark_event_logs_s3_uri")
    if logs and not isinstance(outputs, Unknown):
        command += ["--local-spark-event-logs-dir", EVENT_LOGS]
        output = Obj(
            "ProcessingOutput",
            {
                "source": EVENT_LOGS,
                "destination": logs,
                "output_name": None,
                "s3_upload_mode": "Continuous",
                "app_managed": False,
                "feature_store_output": None,
            },
            ctx.where,
        )
        kwargs["outputs"] = [*(outputs or []), output]
    configuration = kwargs.get("configuration")
    if configuration:
        extended.append(_configuration(ctx, processor, configuration))
    processor.attrs["command"] = command
    kwargs["code"] = kwargs.get("submit_app")
    return kwargs, extended or None


def _stage(ctx: StepContext, processor: Obj, deps: list[Any], channel: str) -> tuple[Obj | None, Any]:
    """_stage_submit_deps: S3 dependencies are passed on, local ones uploaded as one input channel."""
    remote, local, problem = _split_dependencies(ctx, deps, channel)
    if problem is not None:
        return None, problem
    channel_input: Obj | None = None
    if local:
        location = processor.get("dependency_location")
        if isinstance(location, str):
            prefix = location.rstrip("/")
        else:
            prefix = sdk_names.s3_path_join("s3://", ctx.model.bucket(ctx.session, ctx.where))
        if ctx.code_hash:
            uri = f"{prefix}/{ctx.pipeline_name}/code/{ctx.code_hash}/{channel}"
        else:
            from sm2aml.load.sdk_processing import job_name

            uri = f"{prefix}/{job_name(processor)}/input/{channel}"
        for path in local:
            ctx.local_code[f"{uri}/{os.path.basename(os.path.normpath(path))}"] = path
        channel_input = _input(channel, uri, f"{BASE}{channel}", ctx.where)
        remote.append(f"{BASE}{channel}")
    if any(is_pipeline_variable(v) for v in remote):
        values = tuple(ctx.model.expr(v, ctx.where) for v in remote)
        unknown = next((v for v in values if isinstance(v, Unknown)), None)
        return channel_input, unknown or ir.Join(on=",", values=values)
    return channel_input, ",".join(str(v) for v in remote)


def _split_dependencies(ctx: StepContext, deps: list[Any], channel: str) -> tuple[list[Any], list[str], Any]:
    """(S3 or pipeline-variable dependencies, local paths, a problem)."""
    remote: list[Any] = []
    local: list[str] = []
    for dep in deps:
        if is_pipeline_variable(dep) or (isinstance(dep, str) and dep.startswith(("s3://", "s3a://"))):
            remote.append(dep)
        elif isinstance(dep, str) and sdk_names.is_local(dep):
            path = Path(ctx.model.it.local_path(sdk_names.local_file(dep)))
            if not path.exists():
                return (
                    remote,
                    local,
                    Unknown(f"the {channel} dependency {dep} does not exist (the SDK fails here)", ctx.where),
                )
            local.append(str(path))
        else:
            return remote, local, Unknown(f"a {channel} dependency is {describe(dep)}", ctx.where)
    return remote, local, None


def _configuration(ctx: StepContext, processor: Obj, configuration: Any) -> Any:
    """_stage_configuration: configuration.json under the step's input prefix, keyed by its hash."""
    if not _plain(configuration):
        return Unknown(f"the Spark configuration is {describe(configuration)}", ctx.where)
    location = processor.get("configuration_location")
    prefix = (
        location.rstrip("/")
        if isinstance(location, str)
        else sdk_names.s3_path_join("s3://", ctx.model.bucket(ctx.session, ctx.where))
    )
    digest = sdk_names.hash_object(str(configuration))
    if ctx.legacy:
        from sm2aml.load.sdk_processing import job_name

        uri = f"{prefix}/{job_name(processor)}/input/conf/configuration.json"
    else:
        uri = f"{prefix}/{ctx.pipeline_name}/{ctx.step_name}/input/conf/{digest}/configuration.json"
    json.dumps(configuration)  # the SDK serialises it; a value JSON cannot hold fails there too
    return _input("conf", uri, f"{BASE}conf", ctx.where)


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def _input(name: str, source: str, destination: str, where: str) -> Obj:
    return Obj(
        "ProcessingInput",
        {
            "source": source,
            "destination": destination,
            "input_name": name,
            "s3_data_type": "S3Prefix",
            "s3_input_mode": "File",
            "s3_data_distribution_type": "FullyReplicated",
            "s3_compression_type": "None",
            "s3_input": None,
            "dataset_definition": None,
            "app_managed": False,
        },
        where,
    )
