"""`@step` functions (sagemaker.workflow.function_step) and NotebookJobStep, as the SDK 2.x defines them.

The SDK pickles a @step function when the pipeline is defined, but the pickle never reaches the definition:
what does is plain settings, the same way `_JobSettings`, `_Job.compile` and the steps compiler derive them
from the decorator's arguments, the call graph (a DelayedReturn passed to another @step is a data edge) and
the pipeline's name and session. So a @step is modelled like any other step:

- `@step(...)` binds its settings into a FunctionStepDecorator; decorating a function gives a StepFunction;
- calling a StepFunction makes a `_FunctionStep` and returns a DelayedReturn (indexable: `ret[0]["k"]`),
  which stands in the definition for `JsonGet(<S3OutputPath>/results.json, "Result[0]['k']")`;
- when the pipeline is compiled, `arguments` gives the training job request of `_Job.compile`.

Two values the SDK takes from the machine that defines the pipeline cannot be known from the source; they
are replaced by documented stand-ins, not reported (like the fixed time stamps of sdk_names.TIMESTAMP):
- `--client_python_version`: CLIENT_PYTHON_VERSION, the Python of the SDK's default base image (3.10);
- `--client_sagemaker_pysdk_version`: CLIENT_SDK_VERSION, the lowest SDK version the SDK itself adds to a
  job's requirements ("sagemaker>=2.256.0,<3.0.0").
A @step without display_name= is shown as `<module>.<function>`: the module is the file's name, as when the
pipeline file is imported (run as a script, the SDK would write `__main__`).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_names
from sm2aml.load.sdk_processing import expand_role, format_tags
from sm2aml.load.values import PIPELINE_VARIABLE_KINDS, Args, Function, Obj, Prop, Ref, ToString, Unknown, describe

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model
    from sm2aml.load.sdk_compile import StepContext

CLIENT_PYTHON_VERSION = "3.10"
CLIENT_SDK_VERSION = "2.256.0"
SETTINGS: dict[str, Any] = {
    "name": None, "display_name": None, "description": None, "retry_policies": None, "dependencies": None,
    "pre_execution_commands": None, "pre_execution_script": None, "environment_variables": None, "image_uri": None,
    "instance_count": 1, "instance_type": None, "job_conda_env": None, "job_name_prefix": None,
    "keep_alive_period_in_seconds": 0, "max_retry_attempts": 1, "max_runtime_in_seconds": 86400, "role": None,
    "security_group_ids": None, "subnets": None, "tags": None, "volume_kms_key": None, "volume_size": 30,
    "encrypt_inter_container_traffic": None, "spark_config": None, "use_spot_instances": False,
    "max_wait_time_in_seconds": None,
}  # fmt: skip
VALUE_KINDS = frozenset({"FunctionStepDecorator", "StepFunction", "DelayedReturn"})
BOOTSTRAP = "sagemaker_remote_function_bootstrap"
DEPENDENCIES = "pre_exec_script_and_dependencies"
ENTRYPOINT = ["/bin/bash", f"/opt/ml/input/data/{BOOTSTRAP}/job_driver.sh"]
RESULTS = ("OutputDataConfig", "S3OutputPath")
# Property members whose items the SDK indexes by key (Outputs['train']); other names are attributes.
_MAPS = frozenset({"Outputs", "Environment", "HyperParameters", "OutputParameters", "Tags"})
_EXECUTION_ID = ir.ExecVar(name="PipelineExecutionId")


# --- the decorator, the decorated function, the call ----------------------------------------------------


def decorator(model: Model, args: Args, where: str) -> Any:
    """`step(...)`: the settings, or the decorated function when one is passed (`step(fn)`)."""
    unknown = sorted(set(args.keywords) - set(SETTINGS))
    problem = None
    if unknown:
        problem = Unknown(f"step() got an unexpected keyword argument {unknown[0]!r}", where)
    elif args.keywords.get("dependencies") == "auto_capture":
        problem = Unknown("@step(dependencies='auto_capture'): the SDK refuses it for pipeline steps", where)
    made = Obj("FunctionStepDecorator", {**SETTINGS, **args.keywords, "_problem": problem}, where)
    if not args.positional:
        return made
    if len(args.positional) == 1:
        return decorate(model, made, args.positional[0], where)
    return Unknown(f"step() takes at most 1 positional argument, got {len(args.positional)}", where)


def decorate(model: Model, deco: Any, fn: Any, where: str) -> Any:
    """`@step` or `@step(...)` over a function of the source."""
    if isinstance(deco, Ref):
        deco = Obj("FunctionStepDecorator", dict(SETTINGS), where)
    if isinstance(deco.get("_problem"), Unknown):
        return deco.get("_problem")
    if isinstance(fn, Unknown):
        return fn
    if not isinstance(fn, Function):
        return Unknown(f"@step decorates {describe(fn)}, not a function of the source", where)
    return Obj("StepFunction", {"function": fn, "settings": deco.attrs, "settings_where": deco.where or where}, where)


def call(model: Model, obj: Obj, args: Args, where: str) -> Any:
    """Calling a decorator (decorates) or a @step function (a _FunctionStep and its DelayedReturn)."""
    if obj.kind == "FunctionStepDecorator":
        if len(args.positional) != 1 or args.keywords:
            return Unknown("a step decorator is applied to one function", where)
        return decorate(model, obj, args.positional[0], where)
    if obj.kind != "StepFunction":
        return Unknown(f"{describe(obj)} cannot be called", where)
    fn, settings = obj.get("function"), {k: v for k, v in obj.get("settings").items() if k in SETTINGS}
    assert isinstance(fn, Function)
    problem = _check_call(model, fn, args)
    if problem:
        return Unknown(f"the call of @step function {fn.name} does not fit its parameters: {problem}", where)
    for value in [*args.positional, *args.keywords.values()]:
        if isinstance(value, ir.Join | ir.JsonGet | ToString):
            return Unknown(f"a {type(value).__name__} is passed to @step function {fn.name}; the SDK refuses it", where)
    upstream: list[Obj] = []
    for value in [*args.positional, *args.keywords.values()]:
        if _is_delayed(value) and value.get("step") not in upstream:
            upstream.append(value.get("step"))
    name = settings["name"]
    if not name:
        reason = f"@step function {fn.name} has no name=: the SDK names its step with a random UUID"
        name = Unknown(reason, obj.where)
    module = fn.closure.module().vars if fn.closure is not None else {}
    display = settings["display_name"] or f"{module.get('__name__', '__main__')}.{fn.name}"
    description = settings["description"] or _docstring(fn.node) or module.get("__file__", "")
    step = Obj(
        "_FunctionStep",
        {
            "name": name,
            "display_name": display,
            "description": description,
            "retry_policies": list(settings["retry_policies"] or []),
            "depends_on": upstream,
            "function": fn,
            "args": args,
            "settings": settings,
            "settings_where": obj.get("settings_where"),
        },
        where,
    )
    from sm2aml.load.sdk_objects import construct

    construct(model, step)
    return Obj("DelayedReturn", {"step": step, "path": (), "sequence": _returns_sequence(fn.node)}, where)


def _check_call(model: Model, fn: Function, args: Args) -> str:
    from sm2aml.load.statements import Scope

    return model.it._bind_parameters(fn, args, Scope(None, fn.name))


def _docstring(node: Any) -> str | None:
    getter = getattr(node, "get_docstring", None)
    return getter(clean=False) if getter is not None else None


def _returns_sequence(node: Any) -> bool:
    """A return annotation of tuple or list (the SDK then allows only integer indexes)."""
    import libcst as cst

    returns = getattr(node, "returns", None)
    annotation = returns.annotation if returns is not None else None
    if isinstance(annotation, cst.Subscript):
        annotation = annotation.value
    name = annotation.attr.value if isinstance(annotation, cst.Attribute) else getattr(annotation, "value", None)
    return name in ("tuple", "list", "Tuple", "List")


def _is_delayed(value: Any) -> bool:
    return isinstance(value, Obj) and value.kind == "DelayedReturn"


def method(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    """`delayed[key]`: a DelayedReturn for the member; nothing else is callable on these values."""
    if obj.kind == "DelayedReturn" and name == "__getitem__" and len(args.positional) == 1:
        key = args.positional[0]
        if isinstance(key, Unknown):
            return key
        if obj.get("sequence") and (not isinstance(key, int) or isinstance(key, bool)):
            return Unknown(f"a DelayedReturn of a tuple or list is indexed with {key!r}; the SDK wants an int", where)
        if not isinstance(key, str | int) or isinstance(key, bool):
            return Unknown(f"a DelayedReturn is indexed with {describe(key)}", where)
        return Obj("DelayedReturn", {**obj.attrs, "path": (*obj.get("path"), key), "sequence": False}, where)
    return Unknown(f"{obj.kind}.{name}() is not part of the SDK's @step interface", where)


def attribute(model: Model, obj: Obj, name: str, where: str) -> Any:
    return Unknown(f"{obj.kind}.{name}: the SDK's @step values have no such attribute", where)


def step_of(value: Any) -> Any:
    """The step a DelayedReturn comes from (the SDK's get_step); other values unchanged."""
    return value.get("step") if _is_delayed(value) else value


def json_get(value: Obj, where: str) -> Any:
    """A DelayedReturn in the definition: JsonGet of the step's results.json at `Result[...]`."""
    name = value.get("step").get("name")
    if not isinstance(name, str):
        return name if isinstance(name, Unknown) else Unknown("the @step's name is not known", where)
    path = "Result" + "".join(f"[{k}]" if isinstance(k, int) else f"['{k}']" for k in value.get("path"))
    uri = ir.Join(on="/", values=(ir.StepProp(step=name, path=RESULTS), "results.json"))
    return ir.JsonGet(source=uri, path=path)


# --- compiling: the training job request of _Job.compile ----------------------------------------------


def arguments(ctx: StepContext, step: Obj) -> Any:
    """The Arguments of a @step function's Training step."""
    model, settings = ctx.model, step.get("settings")
    where = step.get("settings_where") or step.where  # the settings' problems are the decorator's
    session = ctx.session
    if settings["spark_config"] is not None:
        return Unknown("@step(spark_config=...) is not modelled by the source front end", where, "SM2AML124")
    if settings["pre_execution_commands"] is not None and settings["pre_execution_script"] is not None:
        return Unknown("@step: only one of pre_execution_commands and pre_execution_script may be given", where)
    if not settings["instance_type"]:
        return Unknown("@step needs instance_type= (the SDK raises without it)", where)
    image = settings["image_uri"]
    if not image:
        image = Unknown("@step without image_uri= runs the image of the interpreter defining the pipeline", where)
    region = model.region(session, where)
    base = sdk_names.s3_path_join(s3_root(model, session, where), ctx.pipeline_name)
    dependencies = _dependencies(ctx, settings["dependencies"], where)
    script = settings["pre_execution_script"]
    staged = sdk_names.s3_path_join(base, ctx.step_name, sdk_names.TIMESTAMP, DEPENDENCIES)
    for local in (dependencies, script):
        if isinstance(local, str):
            ctx.local_code[f"{staged}/{os.path.basename(local)}"] = model.it.local_path(local)
    container = _container_arguments(ctx, step, base, region, dependencies)
    stopping: dict[str, Any] = {"MaxRuntimeInSeconds": settings["max_runtime_in_seconds"]}
    if settings["max_wait_time_in_seconds"] is not None:
        stopping["MaxWaitTimeInSeconds"] = settings["max_wait_time_in_seconds"]
    request: dict[str, Any] = {
        "RoleArn": role_arn(settings["role"], where),
        "StoppingCondition": stopping,
        "RetryStrategy": {"MaximumRetryAttempts": settings["max_retry_attempts"]},
    }
    if settings["tags"]:
        request["Tags"] = format_tags(settings["tags"])
    request["InputDataConfig"] = [
        _channel(BOOTSTRAP, sdk_names.s3_path_join(base, BOOTSTRAP)),
        _channel(DEPENDENCIES, staged),
    ]
    results = ir.Join(on="/", values=(base, _EXECUTION_ID, ctx.step_name, "results"))
    request["OutputDataConfig"] = {"S3OutputPath": results}
    request["AlgorithmSpecification"] = {
        "TrainingImage": image,
        "TrainingInputMode": "File",
        "ContainerEntrypoint": list(ENTRYPOINT),
        "ContainerArguments": container,
    }
    request["ResourceConfig"] = _resources(settings)
    request["EnableNetworkIsolation"] = False
    encrypt = settings["encrypt_inter_container_traffic"]
    request["EnableInterContainerTrafficEncryption"] = False if encrypt is None else encrypt
    if settings["subnets"] is not None and settings["security_group_ids"] is not None:
        request["VpcConfig"] = {"Subnets": settings["subnets"], "SecurityGroupIds": settings["security_group_ids"]}
    request["EnableManagedSpotTraining"] = settings["use_spot_instances"]
    request["Environment"] = {**dict(settings["environment_variables"] or {}), "AWS_DEFAULT_REGION": region}
    return request


def _container_arguments(ctx: StepContext, step: Obj, base: str, region: str, dependencies: Any) -> list[Any]:
    """ContainerArguments of _Job.compile under a step compilation context (the JSON flag comes later)."""
    settings, where = step.get("settings"), step.get("settings_where") or step.where
    dependency_settings = (
        dependencies
        if isinstance(dependencies, Unknown)
        else json.dumps({"dependency_file": os.path.basename(dependencies)})
    )
    out: list[Any] = ["--s3_base_uri", base, "--region", region, "--client_python_version", CLIENT_PYTHON_VERSION]
    out += ["--client_sagemaker_pysdk_version", CLIENT_SDK_VERSION, "--dependency_settings", dependency_settings]
    if settings["job_conda_env"]:
        out += ["--job_conda_env", settings["job_conda_env"]]
    out += ["--pipeline_step_name", ctx.step_name, "--pipeline_execution_id", _EXECUTION_ID]
    out += ["--func_step_s3_dir", sdk_names.TIMESTAMP, "--property_references"]
    out += ["Execution.PipelineExecutionId", _EXECUTION_ID]
    args: Args = step.get("args")
    for value in [*args.positional, *args.keywords.values()]:
        out += _reference(ctx.model, value, where)
    return out


def _resources(settings: dict[str, Any]) -> dict[str, Any]:
    out = {
        "VolumeSizeInGB": settings["volume_size"],
        "InstanceCount": settings["instance_count"],
        "InstanceType": settings["instance_type"],
    }
    if settings["volume_kms_key"] is not None:
        out["VolumeKmsKeyId"] = settings["volume_kms_key"]
    if settings["keep_alive_period_in_seconds"] is not None:
        out["KeepAlivePeriodInSeconds"] = settings["keep_alive_period_in_seconds"]
    return out


def _is_variable(value: Any) -> bool:
    return isinstance(value, Obj) and value.kind in PIPELINE_VARIABLE_KINDS


def s3_root(model: Model, session: Obj | None, where: str) -> str:
    """The default s3_root_uri of remote functions and notebook jobs: the bucket and its prefix."""
    prefix = session.get("default_bucket_prefix") if session is not None else None
    return sdk_names.s3_path_join("s3://", model.bucket(session, where), prefix if isinstance(prefix, str) else None)


def role_arn(role: Any, where: str) -> Any:
    if role is None:
        return Unknown("the execution role is looked up in AWS when the pipeline is defined (pass role=)", where)
    return expand_role(role, where)


def _channel(name: str, uri: str) -> dict[str, Any]:
    return {"ChannelName": name, "DataSource": {"S3DataSource": {"S3Uri": uri, "S3DataType": "S3Prefix"}}}


def _dependencies(ctx: StepContext, value: Any, where: str) -> Any:
    """RuntimeEnvironmentManager.snapshot + _ensure_sagemaker_dependency: the file the job installs from."""
    if value is None:
        return Unknown("@step without dependencies=: the SDK writes a requirements file with a random name", where)
    if not isinstance(value, str):
        return value if isinstance(value, Unknown) else Unknown(f"@step dependencies= is {describe(value)}", where)
    if not value.endswith((".txt", ".yml", ".yaml")):
        return Unknown(f"@step dependencies={value!r}: the SDK takes a .txt, .yml or .yaml file", where)
    if not os.path.isfile(ctx.model.it.local_path(value)):
        return Unknown(f"@step dependencies={value!r}: the file does not exist (the SDK raises)", where)
    return value


def _reference(model: Model, value: Any, where: str) -> list[Any]:
    """The --property_references pair of a pipeline variable argument (plain values are only pickled)."""
    if isinstance(value, Unknown):
        return [Unknown(f"an argument of the @step call is not known statically: {value.reason}", value.where)]
    if _is_delayed(value):
        name = value.get("step").get("name")
        if not isinstance(name, str):
            return [name if isinstance(name, Unknown) else Unknown("the upstream @step has no known name", where)]
        value = Prop(name, RESULTS)
    if isinstance(value, Prop):
        return [f"Steps.{value.step}{_dotted(value.path)}", ir.Join(on="", values=(model.expr(value, where),))]
    if isinstance(value, ir.ExecVar):
        return [f"Execution.{value.name}", value]
    if _is_variable(value):
        ref = model.expr(value, where)
        if not isinstance(ref, ir.ParamRef):
            return [ref]
        shown = ref if value.kind == "ParameterString" else ir.Join(on="", values=(ref,))
        return [f"Parameters.{ref.name}", shown]
    return []


def _dotted(path: tuple[ir.PathPart, ...]) -> str:
    """A property path as the SDK's Properties write it (Outputs['train'], [0], .Member)."""
    out, previous = "", None
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif previous in _MAPS or not part.isidentifier():
            out += f"['{part}']"
        else:
            out += f".{part}"
        previous = part
    return out
