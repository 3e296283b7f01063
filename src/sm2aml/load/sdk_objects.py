"""What constructing, calling a method of, or reading an attribute of a modelled SDK object gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_model
from sm2aml.load.sdk_signatures import METHODS
from sm2aml.load.values import (
    PIPELINE_VARIABLE_KINDS,
    Args,
    BoundMethod,
    Obj,
    Prop,
    Unknown,
    describe,
    is_pipeline_variable,
    not_modelled,
)

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model

PROCESSORS = frozenset(
    {
        "Processor", "ScriptProcessor", "SKLearnProcessor", "FrameworkProcessor", "PyTorchProcessor",
        "XGBoostProcessor", "TensorFlowProcessor", "HuggingFaceProcessor", "PySparkProcessor", "SparkJarProcessor",
    }
)  # fmt: skip
ESTIMATORS = frozenset({"Estimator", "SKLearn", "XGBoost", "PyTorch", "TensorFlow", "HuggingFace"})
MODELS = frozenset({"Model", "SKLearnModel", "XGBoostModel", "PyTorchModel"})
STEP_TYPES = {
    "ProcessingStep": "Processing",
    "TrainingStep": "Training",
    "TransformStep": "Transform",
    "TuningStep": "Tuning",
    "CreateModelStep": "Model",
    "ConditionStep": "Condition",
    "FailStep": "Fail",
    "LambdaStep": "Lambda",
    "CallbackStep": "Callback",
    "EMRStep": "EMR",
    "_RegisterModelStep": "RegisterModel",
    "_FunctionStep": "Training",
    "NotebookJobStep": "Training",
    "QualityCheckStep": "QualityCheck",
    "ClarifyCheckStep": "ClarifyCheck",
}
COLLECTIONS = frozenset({"ModelStep"})
COMPARISONS = {
    "ConditionEquals": "Equals",
    "ConditionGreaterThan": "GreaterThan",
    "ConditionGreaterThanOrEqualTo": "GreaterThanOrEqualTo",
    "ConditionLessThan": "LessThan",
    "ConditionLessThanOrEqualTo": "LessThanOrEqualTo",
}


def is_step(value: Any) -> bool:
    return isinstance(value, Obj) and (value.kind in STEP_TYPES or value.kind in COLLECTIONS)


# --- construction ----------------------------------------------------------------------------------


def construct(model: Model, obj: Obj) -> Any:
    """Finish a freshly bound object the way the SDK's __init__ does."""
    kind = obj.kind
    if kind in PIPELINE_VARIABLE_KINDS:
        return obj
    handler = _CONSTRUCTORS.get(kind)
    if handler is not None:
        return handler(model, obj)
    if kind == "NotebookJobStep":
        from sm2aml.load.sdk_notebook_job import init_notebook

        init_notebook(model, obj)
    if kind in STEP_TYPES or kind in COLLECTIONS:
        return _step(model, obj)
    if kind in PROCESSORS:
        from sm2aml.load.sdk_processing import init_processor

        return init_processor(model, obj)
    if kind in ESTIMATORS:
        from sm2aml.load.sdk_training import init_estimator

        return init_estimator(model, obj)
    if kind in MODELS:
        return sdk_model.init_model(model, obj)
    if kind == "Pipeline":
        model.pipelines.append(obj)
    return obj


def _join(model: Model, obj: Obj) -> Any:
    on, values = obj.get("on"), obj.get("values")
    if not isinstance(on, str) or not isinstance(values, list | tuple):
        return Unknown("Join(on=..., values=[...]) needs a known separator and list", obj.where)
    converted = [model.expr(v, obj.where) for v in values]
    for value in converted:
        if isinstance(value, Unknown):
            return value
    return ir.Join(on=on, values=tuple(converted))


def _json_get(model: Model, obj: Obj) -> Any:
    path = obj.get("json_path")
    if not isinstance(path, str):
        return Unknown("JsonGet needs a known json_path", obj.where)
    step_name = obj.get("step_name")
    step = obj.get("step")
    if isinstance(step, Obj):
        step_name = step.get("name")
    property_file = obj.get("property_file")
    if property_file is not None:
        name = property_file.get("name") if isinstance(property_file, Obj) else property_file
        if not isinstance(step_name, str) or not isinstance(name, str):
            return Unknown("JsonGet needs the step name and property file name as known strings", obj.where)
        return ir.JsonGet(source=ir.PropertyFileRef(step=step_name, name=name), path=path)
    s3_uri = model.expr(obj.get("s3_uri"), obj.where)
    if isinstance(s3_uri, Unknown):
        return s3_uri
    return ir.JsonGet(source=s3_uri, path=path)


def _compare(model: Model, obj: Obj) -> Any:
    left, right = model.expr(obj.get("left"), obj.where), model.expr(obj.get("right"), obj.where)
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    return ir.Compare(op=COMPARISONS[obj.kind], left=left, right=right)


def _condition_in(model: Model, obj: Obj) -> Any:
    query = model.expr(obj.get("value"), obj.where)
    values = model.expr(obj.get("in_values"), obj.where)
    for side in (query, values):
        if isinstance(side, Unknown):
            return side
    return ir.In(query=query, values=tuple(values))


def _condition_not(model: Model, obj: Obj) -> Any:
    inner = obj.get("expression")
    if isinstance(inner, Unknown):
        return inner
    if not isinstance(inner, ir.Compare | ir.In | ir.Not | ir.Or):
        return Unknown(f"ConditionNot of {describe(inner)}", obj.where)
    return ir.Not(condition=inner)


def _condition_or(model: Model, obj: Obj) -> Any:
    conditions = obj.get("conditions") or []
    for condition in conditions:
        if isinstance(condition, Unknown):
            return condition
        if not isinstance(condition, ir.Compare | ir.In | ir.Not | ir.Or):
            return Unknown(f"ConditionOr of {describe(condition)}", obj.where)
    return ir.Or(conditions=tuple(conditions))


LIST_ATTRIBUTES = ("depends_on", "retry_policies", "property_files", "conditions", "if_steps", "else_steps", "outputs")


def _step(model: Model, obj: Obj) -> Any:
    """Step __init__: list arguments default to (and stay) lists the source can append to."""
    for key in LIST_ATTRIBUTES:
        if key in obj.attrs and not isinstance(obj.get(key), list | dict | Unknown):
            obj.attrs[key] = list(obj.get(key) or [])
    if obj.kind in ("LambdaStep", "CallbackStep"):
        for output in obj.get("outputs") or []:
            if isinstance(output, Obj):
                output.attrs["_step"] = obj.get("name")
    if obj.kind == "ModelStep":
        from sm2aml.load.sdk_model_step import model_step

        model_step(model, obj)
    for step in [obj, *(obj.get("steps") or [])]:
        if isinstance(step.get("name"), str):
            model.steps[step.get("name")] = step
    return obj


def _output(model: Model, obj: Obj) -> Any:
    return obj


_CONSTRUCTORS: dict[str, Callable[[Model, Obj], Any]] = {
    "Join": _join,
    "JsonGet": _json_get,
    **dict.fromkeys(COMPARISONS, _compare),
    "ConditionIn": _condition_in,
    "ConditionNot": _condition_not,
    "ConditionOr": _condition_or,
    "LambdaOutput": _output,
    "CallbackOutput": _output,
}


# --- methods -------------------------------------------------------------------------------------------


def family(obj: Obj) -> str:
    """The group of classes that share methods: processor, estimator, model, step, session, parameter."""
    groups = (
        (PROCESSORS, "processor"),
        (ESTIMATORS, "estimator"),
        (MODELS, "model"),
        (PIPELINE_VARIABLE_KINDS, "parameter"),
        (frozenset({"Session", "PipelineSession"}), "session"),
    )
    for kinds, name in groups:
        if obj.kind in kinds:
            return name
    return "step" if is_step(obj) else obj.kind


def _handler(obj: Obj, name: str) -> Callable[[Model, Obj, str, Args, str], Any] | None:
    return _METHODS.get((obj.kind, name)) or _METHODS.get((family(obj), name))


def method(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    handler = _handler(obj, name)
    if handler is not None:
        return handler(model, obj, name, args, where)
    if obj.kind == "Pipeline":
        return Unknown(f"Pipeline.{name}() talks to AWS", where)
    return not_modelled(f"{obj.kind}.{name}()", where)


def _run(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    """run()/fit()/transform() under a PipelineSession: the call is recorded and runs when the step compiles."""
    if obj.kind == "Transformer":
        return _step_args(obj, "Transformer.transform", args, "transform", where)
    if obj.kind == "HyperparameterTuner":
        return _step_args(obj, "HyperparameterTuner.fit", args, "create_tuning_job", where)
    if name == "fit":
        return _step_args(obj, "Estimator.fit", args, "train", where)
    return _step_args(obj, _run_signature(obj.kind), args, "process", where)


def _set_hyperparameters(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    from sm2aml.load.sdk_training import set_hyperparameters

    set_hyperparameters(obj, dict(args.keywords))
    return None


def _register_or_create(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    bound = _bind(f"Model.{name}", args, obj.kind, where)
    return bound if isinstance(bound, Unknown) else sdk_model.run_model(model, obj, name, bound, where)


def _transformer(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    return not_modelled("Estimator.transformer() (it needs the trained model's name; use Transformer(...))", where)


def _add_depends_on(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    items = args.positional[0] if args.positional else args.keywords.get("step_names")
    if isinstance(items, list | tuple):
        obj.attrs.setdefault("depends_on", []).extend(items)
    return None


def _add_retry_policy(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    policy = args.positional[0] if args.positional else args.keywords.get("retry_policy")
    obj.attrs.setdefault("retry_policies", []).append(policy)
    return None


def _top_model(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    """TuningStep.get_top_model_s3_uri: Join of the bucket, prefix and the k-th best training job's name."""
    bound = _bind("TuningStep.get_top_model_s3_uri", args, obj.kind, where)
    if isinstance(bound, Unknown):
        return bound
    values: list[Any] = ["s3:/", bound["s3_bucket"]]
    if bound["prefix"] not in ("", None):
        values.append(bound["prefix"])
    job = _properties(obj).child("TrainingJobSummaries").child(bound["top_k"]).child("TrainingJobName")
    return _join(model, Obj("Join", {"on": "/", "values": [*values, job, "output/model.tar.gz"]}, where))


def _default_bucket(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    return model.bucket(obj, where)


def _to_string(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    if obj.kind == "ParameterString":
        return obj
    return ir.Join(on="", values=(model.to_ir(obj, where),))


def _put_triggers(model: Model, obj: Obj, name: str, args: Args, where: str) -> Any:
    """Pipeline.put_triggers(triggers, role_arn): the schedules are kept for the pipeline (sdk_triggers.py)."""
    triggers = args.positional[0] if args.positional else args.keywords.get("triggers")
    model.triggers.append((obj, triggers, where))
    return Unknown("Pipeline.put_triggers() returns the ARNs AWS gives the schedules", where)


_METHODS: dict[tuple[str, str], Callable[[Model, Obj, str, Args, str], Any]] = {
    ("Pipeline", "put_triggers"): _put_triggers,
    ("processor", "run"): _run,
    ("estimator", "fit"): _run,
    ("Transformer", "transform"): _run,
    ("HyperparameterTuner", "fit"): _run,
    ("estimator", "set_hyperparameters"): _set_hyperparameters,
    ("model", "register"): _register_or_create,
    ("model", "create"): _register_or_create,
    ("estimator", "transformer"): _transformer,
    ("step", "add_depends_on"): _add_depends_on,
    ("step", "add_retry_policy"): _add_retry_policy,
    ("TuningStep", "get_top_model_s3_uri"): _top_model,
    ("session", "default_bucket"): _default_bucket,
    ("parameter", "to_string"): _to_string,
}


def _run_signature(kind: str) -> str:
    if kind in ("PySparkProcessor", "SparkJarProcessor"):
        return f"{kind}.run"
    if kind in ("FrameworkProcessor", "PyTorchProcessor", "XGBoostProcessor", "TensorFlowProcessor"):
        return "FrameworkProcessor.run"
    if kind == "HuggingFaceProcessor":
        return "FrameworkProcessor.run"
    return "Processor.run" if kind == "Processor" else "ScriptProcessor.run"


def _bind(key: str, args: Args, kind: str, where: str) -> dict[str, Any] | Unknown:
    names, defaults = METHODS[key]
    bound = args.bind(names, dict(defaults))
    if isinstance(bound, str):
        return Unknown(f"{kind}.{key.rsplit('.', maxsplit=1)[-1]}(...) {bound}", where)
    missing = [n for n in names if n not in bound]
    if missing:
        return Unknown(f"{kind}.{key.rsplit('.', maxsplit=1)[-1]}(...) misses the argument {missing[0]!r}", where)
    return bound


def _step_args(obj: Obj, key: str, args: Args, caller: str, where: str) -> Any:
    bound = _bind(key, args, obj.kind, where)
    if isinstance(bound, Unknown):
        return bound
    return Obj("StepArgs", {"caller": caller, "target": obj, "kwargs": bound}, where)


# --- attributes -----------------------------------------------------------------------------------------


def _properties(step: Obj) -> Prop:
    if step.kind == "ModelStep":
        subs = step.get("steps") or []
        return _properties(subs[-1]) if subs else Prop(str(step.get("name")), (), step)
    return Prop(str(step.get("name")), (), step)


def attribute(model: Model, obj: Obj, name: str, where: str) -> Any:
    kind = obj.kind
    if is_step(obj) and name == "properties":
        return Unknown("a FailStep has no properties", where) if kind == "FailStep" else _properties(obj)
    if kind in ("Session", "PipelineSession", "boto3.Session"):
        return _session_attribute(model, obj, name, where)
    if name in obj.attrs:
        return obj.attrs[name]
    if kind in PIPELINE_VARIABLE_KINDS and name == "expr":
        return model.to_ir(obj, where)
    if _handler(obj, name) is not None or (kind == "Pipeline" and name in PIPELINE_METHODS):
        return BoundMethod(obj, name)
    return not_modelled(f"{kind}.{name}", where)


PIPELINE_METHODS = frozenset({"upsert", "start", "create", "update", "describe", "delete", "definition"})


def _session_attribute(model: Model, obj: Obj, name: str, where: str) -> Any:
    if obj.kind == "boto3.Session":
        if name != "region_name":
            return BoundMethod(obj, name)
        region = obj.get("region_name")
        return region if isinstance(region, str) else model.region(None, where)  # from the AWS configuration
    if name == "boto_region_name":
        return model.region(obj, where)
    if name == "default_bucket":
        return BoundMethod(obj, name)
    if name in obj.attrs:
        return obj.attrs[name]
    return Unknown(f"session.{name} is not known statically", where)


__all__ = ["attribute", "construct", "is_pipeline_variable", "is_step", "method"]
