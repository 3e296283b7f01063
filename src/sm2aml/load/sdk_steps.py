"""The Arguments of each step type (and the keys some types add beside them), computed when the
pipeline is compiled: job steps run their recorded `run()`/`fit()`/`transform()` call now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sm2aml.load.values import Obj, Unknown, describe, not_modelled

if TYPE_CHECKING:
    from sm2aml.load.sdk_compile import StepContext

CALLERS = {
    "ProcessingStep": "process",
    "TrainingStep": "train",
    "TransformStep": "transform",
    "TuningStep": "create_tuning_job",
}


def step_arguments(ctx: StepContext, step: Obj) -> tuple[Any, dict[str, Any]]:
    """(Arguments, other top-level keys) of a step's definition entry."""
    kind = step.kind
    if kind in CALLERS:
        return _job(ctx, step), {}
    if kind == "FailStep":
        message = step.get("error_message")
        return {"ErrorMessage": message if message is not None else ""}, {}
    if kind == "_RegisterModelStep":
        request = dict(step.get("request") or {})
        for key in ("CertifyForMarketplace", "Description", "ModelPackageName"):
            request.pop(key, None)
        return request, {}
    if kind == "CreateModelStep":
        return _create_model(ctx, step), {}
    if kind in ("LambdaStep", "CallbackStep"):
        return _lambda_or_callback(step)
    if kind == "EMRStep":
        return _emr(step), {}
    if kind == "_FunctionStep":
        from sm2aml.load.sdk_function import arguments

        return arguments(ctx, step), {}
    if kind == "NotebookJobStep":
        from sm2aml.load.sdk_notebook_job import arguments as notebook_arguments

        return notebook_arguments(ctx, step), {}
    if kind == "QualityCheckStep":
        from sm2aml.load.sdk_check import quality_check

        return quality_check(ctx, step)
    if kind == "ClarifyCheckStep":
        from sm2aml.load.sdk_check import clarify_check

        return clarify_check(ctx, step)
    return not_modelled(kind, step.where), {}


def _job(ctx: StepContext, step: Obj) -> Any:
    kind = step.kind
    args = step.get("step_args")
    if args is not None:
        if isinstance(args, Unknown):
            return args
        if not isinstance(args, Obj) or args.kind != "StepArgs" or args.get("caller") != CALLERS[kind]:
            return Unknown(
                f"the step_args of {kind} are {describe(args)}, not from the matching run()/fit()", step.where
            )
        target, kwargs = args.get("target"), dict(args.get("kwargs"))
    else:
        target, kwargs = _legacy(step)
        ctx.legacy = True
        if isinstance(target, Unknown):
            return target
    if not isinstance(target, Obj):
        return Unknown(f"the {kind} job is {describe(target)}", step.where)
    if kind == "ProcessingStep":
        from sm2aml.load.sdk_processing import process_request

        ctx.session = ctx.model.session_of(target)
        return process_request(ctx, target, kwargs)
    if kind == "TrainingStep":
        from sm2aml.load.sdk_training import train_request

        return train_request(ctx, target, kwargs.get("inputs"))
    if kind == "TransformStep":
        from sm2aml.load.sdk_model import transform_request

        return transform_request(ctx, target, kwargs)
    from sm2aml.load.sdk_tuning import tuning_request

    return tuning_request(ctx, target, kwargs)


def _legacy(step: Obj) -> tuple[Any, dict[str, Any]]:
    """The pre-step_args form: ProcessingStep(processor=..., inputs=..., code=...) and friends."""
    kind = step.kind
    if kind == "ProcessingStep":
        kwargs = {
            "inputs": step.get("inputs"),
            "outputs": step.get("outputs"),
            "arguments": step.get("job_arguments"),
            "code": step.get("code"),
        }
        return step.get("processor"), kwargs
    if kind == "TrainingStep":
        return step.get("estimator"), {"inputs": step.get("inputs")}
    if kind == "TuningStep":
        return step.get("tuner"), {"inputs": step.get("inputs")}
    inputs = step.get("inputs")
    if not isinstance(inputs, Obj) or inputs.kind != "TransformInput":
        return Unknown(f"TransformStep inputs are {describe(inputs)}", step.where), {}
    return step.get("transformer"), dict(inputs.attrs)


def _create_model(ctx: StepContext, step: Obj) -> Any:
    request = step.get("request")
    if request is None:
        from sm2aml.load.sdk_model import legacy_create

        request = legacy_create(ctx, step)
    if isinstance(request, Unknown):
        return request
    request = dict(request)
    request.pop("ModelName", None)
    return request


def _lambda_or_callback(step: Obj) -> tuple[Any, dict[str, Any]]:
    inputs = step.get("inputs")
    outputs = step.get("outputs") or []
    params = [
        {"OutputName": o.get("output_name"), "OutputType": o.get("output_type")}
        if isinstance(o, Obj)
        else Unknown(f"an output is {describe(o)}", step.where)
        for o in outputs
    ]
    extra: dict[str, Any] = {}
    if step.kind == "LambdaStep":
        function = step.get("lambda_func")
        arn = function.get("function_arn") if isinstance(function, Obj) else None
        if arn is None:
            arn = Unknown("the Lambda function is created or updated in AWS to learn its ARN", step.where)
        extra["FunctionArn"] = arn
    else:
        extra["SqsQueueUrl"] = step.get("sqs_queue_url")
    extra["OutputParameters"] = params
    return (inputs if inputs is not None else {}), extra


def _emr(step: Obj) -> Any:
    config = step.get("step_config")
    if not isinstance(config, Obj) or config.kind != "EMRStepConfig":
        return Unknown(f"the EMR step_config is {describe(config)}", step.where)
    jar: dict[str, Any] = {"Jar": config.get("jar")}
    for key, field in (("args", "Args"), ("main_class", "MainClass"), ("properties", "Properties")):
        if config.get(key) is not None:
            jar[field] = config.get(key)
    out: dict[str, Any] = {"StepConfig": {"HadoopJarStep": jar}}
    if step.get("cluster_id") is not None:
        out["ClusterId"] = step.get("cluster_id")
        if step.get("execution_role_arn") is not None:
            out["ExecutionRoleArn"] = step.get("execution_role_arn")
    elif step.get("cluster_config") is not None:
        out["ClusterConfig"] = step.get("cluster_config")
    return out
