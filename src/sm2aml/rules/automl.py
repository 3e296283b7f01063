"""AutoMLStep (CreateAutoMLJob) → an Azure ML AutoML node (classification or regression on MLTable data)."""

from __future__ import annotations

import math
from typing import Any

from sm2aml import aml, ir
from sm2aml.diagnostics import Severity
from sm2aml.rules import aws_only, expressions, identity, nodes, storage
from sm2aml.rules.context import Context

COVERAGE = {"AutoML": ("AutoML node (classification or regression, MLTable training data)", "approximate")}
TASKS = {
    "BinaryClassification": "classification",
    "MulticlassClassification": "classification",
    "Regression": "regression",
}
# SageMaker objective → (Azure ML primary metric, exact?) per task.
METRICS: dict[str, dict[str, tuple[str, bool]]] = {
    "classification": {
        "Accuracy": ("accuracy", True),
        "AUC": ("auc_weighted", True),
        "BalancedAccuracy": ("norm_macro_recall", False),
        "Recall": ("norm_macro_recall", False),
        "RecallMacro": ("norm_macro_recall", False),
        "Precision": ("precision_score_weighted", False),
        "PrecisionMacro": ("precision_score_weighted", False),
        "F1": ("average_precision_score_weighted", False),
        "F1macro": ("average_precision_score_weighted", False),
        "LogLoss": ("auc_weighted", False),
    },
    "regression": {
        "R2": ("r2_score", True),
        "MSE": ("normalized_root_mean_squared_error", False),
        "RMSE": ("normalized_root_mean_squared_error", False),
        "MAE": ("normalized_mean_absolute_error", False),
    },
}
DEFAULT_METRIC = {"classification": "auc_weighted", "regression": "normalized_root_mean_squared_error"}
BEST_MODEL = "best_model"


def convert(step: ir.Step, ctx: Context) -> None:
    args = step.arguments
    kind = aws_only.KINDS["AutoML"]
    task, how = _task(args)
    channels = ir.get(args, "InputDataConfig")
    training = (
        next((c for c in channels if ir.get(c, "ChannelType") in (None, "training")), None)
        if isinstance(channels, list)
        else None
    )
    target = ir.get(training, "TargetAttributeName")
    uri = ir.get(training, "DataSource", "S3DataSource", "S3Uri")
    if task is None or not isinstance(target, str) or uri is None:
        why = "its problem type, target attribute or training data is not in the definition"
        aws_only.placeholder(
            ctx,
            step,
            kind,
            details=[("problem type", ir.get(args, "ProblemType"))],
            inputs={},
            why=why,
            severity=Severity.ERROR,
        )
        return
    draft = nodes.start(ctx, step)
    draft.kind, draft.component_kind = "automl", ""
    at = ctx.where(step, "Arguments")
    data = _training_data(ctx, uri, f"{at}/InputDataConfig/0/DataSource/S3DataSource/S3Uri")
    metric = _metric(ctx, task, ir.get(args, "AutoMLJobObjective", "MetricName"), f"{at}/AutoMLJobObjective")
    settings: dict[str, Any] = {
        "task": task,
        "training_data": data,
        "target_column_name": target,
        "primary_metric": metric,
    }
    limits = _limits(ir.get(args, "AutoMLJobConfig", "CompletionCriteria"))
    if limits:
        settings["limits"] = limits
    mode = ir.get(args, "AutoMLJobConfig", "Mode")
    if mode in ("ENSEMBLING", "HYPERPARAMETER_TUNING"):
        ensembles = mode == "ENSEMBLING"
        settings["training"] = {"enable_stack_ensemble": ensembles, "enable_vote_ensemble": ensembles}
    if isinstance(validation := ir.get(args, "AutoMLJobConfig", "DataSplitConfig", "ValidationFraction"), float):
        settings["validation_data_size"] = validation
    draft.outputs[BEST_MODEL] = aml.Port(type="mlflow_model", description="The best model AutoML found")
    settings["outputs"] = {BEST_MODEL: {"type": "mlflow_model"}}
    if identity.identity(ctx, ir.get(args, "RoleArn"), f"{at}/RoleArn"):
        settings["identity"] = {"type": "managed"}
    draft.node_settings = settings
    for i in range(3):  # the containers of the best candidate's inference pipeline
        path = ("BestCandidate", "InferenceContainers", i, "ModelDataUrl")
        ctx.step_outputs[(step.name, path)] = aml.NodeOutput(node=draft.name, output=BEST_MODEL)
    nodes.step_settings(ctx, draft, None, at)
    if draft.after:
        ctx.diags.add(
            "SM2AML261",
            f"an AutoML node takes no extra inputs, so it cannot wait for {', '.join(draft.after)} (DependsOn)",
            where=ctx.where(step, "DependsOn"),
        )
        draft.after.clear()
    ctx.diags.add(
        kind.code,
        f"AutoML step {step.name!r} becomes AutoML node {draft.name!r}: task {task} ({how}), target "
        f"{target!r}, primary metric {metric}; its training data must be an MLTable (a folder with an MLTable "
        "file describing the CSV files) and the best model is the node's best_model output",
        where=step.where,
    )
    ctx.outcome(step, "AutoML node", "approximate", draft.name)


def _task(args: ir.Value) -> tuple[str | None, str]:
    problem = ir.get(args, "ProblemType")
    if isinstance(problem, str):
        return TASKS.get(problem), f"from ProblemType {problem}"
    objective = ir.get(args, "AutoMLJobObjective", "MetricName")
    if isinstance(objective, str):
        task = "regression" if objective in METRICS["regression"] else "classification"
        return task, f"SageMaker inferred the problem type; {task} follows from objective {objective}"
    return None, ""


def _metric(ctx: Context, task: str, objective: ir.Value, where: str) -> str:
    found = METRICS[task].get(objective) if isinstance(objective, str) else None
    if found is None:
        metric = DEFAULT_METRIC[task]
        ctx.diags.add("SM2AML261", f"objective {objective!r} has no {task} counterpart; using {metric}", where=where)
        return metric
    metric, exact = found
    if not exact:
        ctx.diags.add("SM2AML261", f"objective {objective} has no exact equal; using {metric}", where=where)
    return metric


def _limits(criteria: ir.Value) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, name, scale in (
        ("MaxCandidates", "max_trials", 0),
        ("MaxAutoMLJobRuntimeInSeconds", "timeout_minutes", 60),
        ("MaxRuntimePerTrainingJobInSeconds", "trial_timeout_minutes", 60),
    ):
        value = ir.get(criteria, key)
        if isinstance(value, int) and not isinstance(value, bool):
            out[name] = math.ceil(value / scale) if scale else value
    return out


def _training_data(ctx: Context, uri: ir.Value, where: str) -> Any:
    """The MLTable training input: a data location, or a binding to a pipeline input or an upstream output."""
    if isinstance(uri, str) and storage.split_s3(uri):
        path = storage.datastore_uri(ctx, uri, where) or uri
        folder = path if path.endswith("/") or "." not in path.rsplit("/", 1)[-1] else path.rsplit("/", 1)[0] + "/"
        ctx.diags.add(
            "SM2AML261",
            f"training data {uri} becomes MLTable {folder}; write an MLTable file there that reads the CSV "
            "file(s) (paths + read_delimited)",
            where=where,
        )
        return {"type": "mltable", "path": folder}
    binding: aml.Binding
    if isinstance(uri, ir.ParamRef):
        binding = expressions.parameter_input(ctx, uri.name, as_data="mltable")
    else:
        binding = expressions.data_binding(ctx, uri, where)
    ctx.diags.add(
        "SM2AML261",
        f"training data {expressions.describe(uri)} is bound as an MLTable; it must be a folder with an MLTable file",
        where=where,
    )
    match binding:
        case aml.ParentInput() | aml.NodeOutput():
            return binding.ref()
        case aml.DataPath(path=path):
            return {"type": "mltable", "path": path}
        case _:
            return binding.value
