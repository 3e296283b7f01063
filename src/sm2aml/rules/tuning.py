"""TuningStep (HyperparameterTuner) → a sweep node whose trial is the training component."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from sm2aml import aml, ir
from sm2aml.rules import compute, expressions, training
from sm2aml.rules.context import Context, NodeDraft

SAMPLING = {"Bayesian": "bayesian", "Random": "random", "Grid": "grid", "Hyperband": "random"}
GOALS = {"Maximize": "maximize", "Minimize": "minimize"}
# Integer ranges up to this many values become a choice of every integer (exact, and accepted by every
# sampling algorithm); wider ones become quniform.
CHOICE_LIMIT = 100
GRID_LIMIT = 10_000  # a grid enumerates every integer of a range, up to this many
MEDIAN_STOPPING = {"type": "median_stopping", "evaluation_interval": 1, "delay_evaluation": 5}
DROPPED = {
    "WarmStartConfig": "warm start from earlier tuning jobs (the sweep starts afresh)",
    "Autotune": "SageMaker Autotune",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Dimension:
    """One tuned hyperparameter: its component input and its Azure ML distribution."""

    name: str
    port: aml.Port
    distribution: dict[str, Any]


def convert(step: ir.Step, ctx: Context) -> None:
    args, at = step.arguments, ctx.where(step, "Arguments")
    config, config_at = ir.get(args, "HyperParameterTuningJobConfig"), f"{at}/HyperParameterTuningJobConfig"
    found = _definition(ctx, step, at)
    if found is None:
        return _not_converted(ctx, step, "it has no TrainingJobDefinition", at)
    definition, def_at = found
    # A multi-algorithm job keeps its objective and ranges in each definition.
    objective, objective_at = (
        ir.get(config, "HyperParameterTuningJobObjective"),
        f"{config_at}/HyperParameterTuningJobObjective",
    )
    if objective is None:
        objective, objective_at = ir.get(definition, "TuningObjective"), f"{def_at}/TuningObjective"
    ranges, ranges_at = ir.get(config, "ParameterRanges"), f"{config_at}/ParameterRanges"
    if ranges is None:
        ranges, ranges_at = ir.get(definition, "HyperParameterRanges"), f"{def_at}/HyperParameterRanges"
    goal, metric = GOALS.get(str(ir.get(objective, "Type"))), ir.get(objective, "MetricName")
    if goal is None or not isinstance(metric, str) or not metric:
        return _not_converted(ctx, step, "its objective has no Type (Maximize|Minimize) or MetricName", objective_at)
    strategy = ir.get(config, "Strategy")
    strategy = strategy if isinstance(strategy, str) else "Bayesian"
    sampling = _sampling(ctx, strategy, ranges, f"{config_at}/Strategy")
    dims = _dimensions(ctx, ranges, sampling, ranges_at)
    if not dims:
        return _not_converted(ctx, step, "it has no parameter range that can be read", ranges_at)
    primary = training.metric_name(ctx, metric, f"{objective_at}/MetricName")
    hint = (
        f"The sweep optimises the MLflow metric {primary!r}, which the launcher logs from the script's output "
        "with its SageMaker metric definition; a script that logs it itself with mlflow.log_metric needs none."
    )
    tuned = {d.name: d.port for d in dims}
    trial = training.build(
        ctx, step, definition, def_at, hyperparameters="StaticHyperParameters", tuned=tuned, metric_hint=hint
    )
    draft = trial.draft
    draft.kind = "sweep"
    limits = _limits(ctx, config, definition, dims, sampling=sampling, config_at=config_at, def_at=def_at)
    draft.node_settings = {
        "sampling_algorithm": _seeded(ctx, sampling, ir.get(config, "RandomSeed"), f"{config_at}/RandomSeed"),
        "search_space": {trial.tuned[d.name]: d.distribution for d in dims},
        "objective": {"goal": goal, "primary_metric": primary},
        "limits": limits,
    }
    early = _early_termination(ctx, config, strategy, sampling, config_at)
    if early:
        draft.node_settings["early_termination"] = early
    _sweep_node(ctx, draft, limits.get("max_concurrent_trials"), f"{def_at}/RoleArn")
    _dropped(ctx, args, config, at, config_at)
    _register(ctx, step, trial)
    if trial.script:
        ctx.outcome(step, "sweep node", "approximate", draft.name)
    else:
        ctx.outcome(step, "sweep node (placeholder trial)", "manual", draft.name)


def _register(ctx: Context, step: ir.Step, trial: training.Trial) -> None:
    """The best trial's outputs stand for BestTrainingJob and TrainingJobSummaries[0]; other ranks are reported."""
    for job in (("BestTrainingJob",), ("TrainingJobSummaries", 0)):
        for path, output in (
            (("ModelArtifacts", "S3ModelArtifacts"), trial.artifacts),
            (("OutputDataConfig", "output.tar.gz"), trial.archive),
        ):
            ctx.step_outputs[(step.name, (*job, *path))] = aml.NodeOutput(node=trial.draft.name, output=output)
    ctx.unavailable[(step.name, ("TrainingJobSummaries",))] = (
        "SM2AML225",
        "an Azure ML sweep node hands on the outputs of its best trial only (index 0)",
    )


def _not_converted(ctx: Context, step: ir.Step, why: str, where: str) -> None:
    ctx.diags.add("SM2AML228", f"tuning step {step.name!r} is not converted: {why}", where=where)
    ctx.outcome(step, "sweep node", "manual")


def _definition(ctx: Context, step: ir.Step, at: str) -> tuple[dict[str, ir.Value], str] | None:
    single = ir.get(step.arguments, "TrainingJobDefinition")
    if isinstance(single, dict):
        return single, f"{at}/TrainingJobDefinition"
    many = ir.get(step.arguments, "TrainingJobDefinitions")
    if not isinstance(many, list) or not many or not isinstance(many[0], dict):
        return None
    if len(many) > 1:
        names = ", ".join(str(ir.get(d, "DefinitionName")) for d in many)
        ctx.diags.add(
            "SM2AML227",
            f"{step.name!r} tunes {len(many)} training definitions ({names}); only the first is converted",
            where=f"{at}/TrainingJobDefinitions",
        )
    return many[0], f"{at}/TrainingJobDefinitions/0"


def _sampling(ctx: Context, strategy: str, ranges: ir.Value, where: str) -> str:
    sampling = SAMPLING.get(strategy)
    if sampling is None:
        ctx.diags.add("SM2AML220", f"strategy {strategy!r} is unknown; the sweep samples at random", where=where)
        return "random"
    if sampling == "grid" and ir.get(ranges, "ContinuousParameterRanges"):
        ctx.diags.add(
            "SM2AML220",
            "Grid with continuous ranges: Azure ML grid sampling takes only choices; the sweep samples at random",
            where=where,
        )
        return "random"
    return sampling


def _dimensions(ctx: Context, ranges: ir.Value, sampling: str, at: str) -> list[Dimension]:
    dims: list[Dimension] = []
    for kind in ("ContinuousParameterRanges", "IntegerParameterRanges", "CategoricalParameterRanges"):
        items = ir.get(ranges, kind)
        for i, item in enumerate(items if isinstance(items, list) else []):
            where = f"{at}/{kind}/{i}"
            name = ir.get(item, "Name")
            if not isinstance(name, str) or not name:
                ctx.diags.add("SM2AML228", "a parameter range without a Name is skipped", where=where)
                continue
            dim = (
                _categorical(ctx, name, ir.get(item, "Values"), where)
                if kind == "CategoricalParameterRanges"
                else _numeric(ctx, name, item, integer=kind == "IntegerParameterRanges", sampling=sampling, where=where)
            )
            if dim is not None:
                dims.append(dim)
    return dims


def _numeric(ctx: Context, name: str, item: ir.Value, *, integer: bool, sampling: str, where: str) -> Dimension | None:
    low = _number(ctx, ir.get(item, "MinValue"), f"{where}/MinValue", f"MinValue of {name}")
    high = _number(ctx, ir.get(item, "MaxValue"), f"{where}/MaxValue", f"MaxValue of {name}")
    if low is None or high is None or low > high:
        ctx.diags.add(
            "SM2AML228",
            f"range {name!r} has no usable MinValue/MaxValue; it is not tuned (the script's default applies)",
            where=where,
        )
        return None
    scaling = str(ir.get(item, "ScalingType") or "Auto")
    if integer:
        return _integer(ctx, name, math.ceil(low), math.floor(high), scaling=scaling, sampling=sampling, where=where)
    port = aml.Port(type="number", description=f"Hyperparameter {name} (tuned)")
    if scaling == "Logarithmic" and sampling != "bayesian" and low > 0:
        return Dimension(
            name=name,
            port=port,
            distribution={"type": "loguniform", "min_value": math.log(low), "max_value": math.log(high)},
        )
    if scaling in ("Logarithmic", "ReverseLogarithmic"):
        why = {
            "ReverseLogarithmic": "Azure ML has no reverse-logarithmic distribution",
            "Logarithmic": "Azure ML Bayesian sampling takes only choice, uniform and quniform"
            if sampling == "bayesian"
            else "a logarithmic scale needs MinValue > 0",
        }[scaling]
        ctx.diags.add(
            "SM2AML221",
            f"{name}: {scaling} scaling becomes uniform over [{low}, {high}] ({why})",
            where=f"{where}/ScalingType",
        )
    return Dimension(name=name, port=port, distribution={"type": "uniform", "min_value": low, "max_value": high})


def _integer(ctx: Context, name: str, low: int, high: int, *, scaling: str, sampling: str, where: str) -> Dimension:
    port = aml.Port(type="integer", description=f"Hyperparameter {name} (tuned)")
    linear = scaling in ("Auto", "Linear")
    if sampling == "random" and low == 0 and linear:
        # randint(upper) draws from [0, upper): SageMaker's MaxValue is inclusive.
        return Dimension(name=name, port=port, distribution={"type": "randint", "upper": high + 1})
    count = high - low + 1
    if count <= (GRID_LIMIT if sampling == "grid" else CHOICE_LIMIT):
        notes = []
        if sampling == "bayesian":
            notes.append("Bayesian sampling takes no randint, so the integers are a choice it treats as unordered")
        if not linear:
            notes.append(f"{scaling} scaling is not kept: every integer is equally likely")
        if notes:
            ctx.diags.add(
                "SM2AML221", f"{name}: choice of the integers {low}..{high}; " + "; ".join(notes), where=where
            )
        return Dimension(name=name, port=port, distribution={"type": "choice", "values": list(range(low, high + 1))})
    ctx.diags.add(
        "SM2AML221",
        f"{name}: quniform over [{low}, {high}] with q=1: the two end values are half as likely as the others, "
        "and the value may reach the script as a float (e.g. 3.0); read it with int(float(value))"
        + ("" if linear else f"; {scaling} scaling is not kept"),
        where=where,
    )
    return Dimension(
        name=name, port=port, distribution={"type": "quniform", "min_value": low, "max_value": high, "q": 1}
    )


def _categorical(ctx: Context, name: str, values: ir.Value, where: str) -> Dimension | None:
    items = values if isinstance(values, list) else []
    raw = [_fixed(ctx, v, f"{where}/Values/{i}", f"a value of {name}") for i, v in enumerate(items)]
    raw = [v for v in raw if v is not None]
    if not raw:
        ctx.diags.add("SM2AML228", f"categorical range {name!r} has no usable Values; it is not tuned", where=where)
        return None
    decoded = [training.decoded(v) for v in raw]
    description = f"Hyperparameter {name} (tuned)"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in decoded):
        port, choices = aml.Port(type="integer", description=description), decoded
    elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in decoded):
        port, choices = aml.Port(type="number", description=description), decoded
    else:
        port = aml.Port(type="string", description=description)
        choices = [d if isinstance(d, str) else str(r) for d, r in zip(decoded, raw, strict=True)]
    return Dimension(name=name, port=port, distribution={"type": "choice", "values": choices})


def _fixed(ctx: Context, value: ir.Value, where: str, what: str) -> ir.Value:
    """A sweep's settings cannot be pipeline inputs: a parameter becomes its default."""
    return compute.fixed(ctx, value, where, what, code="SM2AML224", otherwise="it cannot be a sweep setting")


def _number(ctx: Context, value: ir.Value, where: str, what: str) -> float | None:
    value = _fixed(ctx, value, where, what)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _count(ctx: Context, value: ir.Value, where: str, what: str) -> int | None:
    number = _number(ctx, value, where, what)
    return int(number) if number is not None and number >= 0 else None


def _seeded(ctx: Context, sampling: str, seed: ir.Value, where: str) -> str | dict[str, Any]:
    if seed is None:
        return sampling
    if sampling == "random" and isinstance(seed, int) and not isinstance(seed, bool):
        return {"type": "random", "seed": seed}
    ctx.diags.add("SM2AML209", f"RandomSeed is dropped: Azure ML {sampling} sampling takes no seed", where=where)
    return sampling


def _limits(
    ctx: Context,
    config: ir.Value,
    definition: ir.Value,
    dims: list[Dimension],
    *,
    sampling: str,
    config_at: str,
    def_at: str,
) -> dict[str, int]:
    def count(parent: ir.Value, at: str, path: tuple[str, str], what: str) -> int | None:
        return _count(ctx, ir.get(parent, *path), "/".join((at, *path)), what)

    values = {
        "max_total_trials": count(config, config_at, ("ResourceLimits", "MaxNumberOfTrainingJobs"), "the trial count"),
        "max_concurrent_trials": count(
            config, config_at, ("ResourceLimits", "MaxParallelTrainingJobs"), "the concurrent trial count"
        ),
        "timeout": count(config, config_at, ("ResourceLimits", "MaxRuntimeInSeconds"), "the tuning time limit"),
        "trial_timeout": count(
            definition, def_at, ("StoppingCondition", "MaxRuntimeInSeconds"), "the trial time limit"
        ),
    }
    if values["max_total_trials"] is None:  # SageMaker computes a grid's size; its SDK's default is 1
        values["max_total_trials"] = (
            math.prod(len(d.distribution.get("values", [0])) for d in dims) if sampling == "grid" else 1
        )
    return {key: value for key, value in values.items() if value}


def _early_termination(
    ctx: Context, config: ir.Value, strategy: str, sampling: str, config_at: str
) -> dict[str, Any] | None:
    if strategy == "Hyperband":
        hyperband = ir.get(config, "StrategyConfig", "HyperbandStrategyConfig")
        low = _count(ctx, ir.get(hyperband, "MinResource"), f"{config_at}/StrategyConfig", "MinResource")
        policy = {"type": "bandit", "slack_factor": 0.1, "evaluation_interval": 1, "delay_evaluation": low or 0}
        ctx.diags.add(
            "SM2AML220",
            "Hyperband becomes random sampling with a bandit policy (slack_factor 0.1, checked at every metric "
            f"report after the first {low or 0}): Azure ML has no successive halving, and MaxResource stays "
            "the script's own limit (for example its epoch count)",
            where=f"{config_at}/Strategy",
        )
        return policy
    if ir.get(config, "TrainingJobEarlyStoppingType") != "Auto":
        return None
    where = f"{config_at}/TrainingJobEarlyStoppingType"
    if sampling == "bayesian":
        ctx.diags.add(
            "SM2AML222",
            "early stopping (Auto) is dropped: Azure ML Bayesian sampling takes no early termination policy",
            where=where,
        )
        return None
    ctx.diags.add(
        "SM2AML222",
        "early stopping Auto → median_stopping (evaluation_interval 1, delay_evaluation 5), the closest policy: "
        "both stop a trial whose objective is worse than the median of the other trials' running averages at "
        "the same point",
        where=where,
    )
    return dict(MEDIAN_STOPPING)


def _sweep_node(ctx: Context, draft: NodeDraft, concurrent: int | None, role_at: str) -> None:
    """What a sweep node cannot carry: identity and environment variables; clusters sized for the trials."""
    if draft.settings.pop("identity", None):
        ctx.diags.add(
            "SM2AML226",
            f"{draft.step.name!r}: azure-ai-ml does not send the identity of a pipeline's sweep node, so its trials "
            "run with the job's default identity",
            where=role_at,
        )
    if draft.environment_variables:
        prefix = " ".join(
            f"{key}={expressions.shell_literal(value)}" for key, value in sorted(draft.environment_variables.items())
        )
        draft.command = f"{prefix} {draft.command}"
        draft.environment_variables = {}
    cluster = draft.settings.get("compute")
    current = ctx.computes.get(cluster.removeprefix("azureml:")) if isinstance(cluster, str) else None
    if current is not None and concurrent:
        needed = concurrent * int(draft.settings.get("instance_count") or 1)
        if needed > current.max_instances:
            ctx.computes[current.name] = dataclasses.replace(current, max_instances=needed)


def _dropped(ctx: Context, args: ir.Value, config: ir.Value, at: str, config_at: str) -> None:
    for key, what in DROPPED.items():
        if ir.get(args, key) is not None:
            ctx.diags.add("SM2AML209", f"{what} is dropped", where=f"{at}/{key}")
    if ir.get(config, "TuningJobCompletionCriteria") is not None:
        ctx.diags.add(
            "SM2AML209",
            "TuningJobCompletionCriteria is dropped: the sweep runs until its limits",
            where=f"{config_at}/TuningJobCompletionCriteria",
        )
