"""The mapping rules: one function per SageMaker step type, registered in RULES."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable

from sm2aml import aml, ir
from sm2aml.config import Options
from sm2aml.data import table as table_data
from sm2aml.diagnostics import Diagnostics
from sm2aml.load.graph import upstream
from sm2aml.rules import (
    compute,
    condition,
    inventory,
    nodes,
    processing,
    repack,
    training,
    triggers,
    unsupported,
)
from sm2aml.rules.context import Context

Rule = Callable[[ir.Step, Context], None]


def _later(module: str, name: str) -> Rule:
    """A rule whose module is imported on first use: most pipelines never need it, and start-up counts."""

    def rule(step: ir.Step, ctx: Context) -> None:
        getattr(importlib.import_module(f"sm2aml.rules.{module}"), name)(step, ctx)

    rule.__module__ = f"sm2aml.rules.{module}"
    rule.__qualname__ = rule.__name__ = name
    return rule


# SageMaker step Type -> rule. Also the source of the coverage matrix (`sm2aml rules`).
RULES: dict[str, Rule] = {
    "Processing": processing.convert,
    "Training": training.convert,
    "Condition": condition.convert,
    "Tuning": _later("tuning", "convert"),
    "Transform": _later("transform", "convert"),
    "Model": _later("model", "create"),
    "RegisterModel": _later("model", "register"),
    "Fail": condition.fail,
    "Lambda": _later("aws_only", "convert"),
    "Callback": _later("aws_only", "convert"),
    "EMR": _later("emr", "convert"),
    "EMRServerless": _later("emr", "serverless"),
    "QualityCheck": _later("aws_only", "convert"),
    "ClarifyCheck": _later("aws_only", "convert"),
    "AutoML": _later("automl", "convert"),
    "EndpointConfig": _later("aws_only", "convert"),
    "Endpoint": _later("aws_only", "convert"),
    "InferenceComponent": _later("aws_only", "convert"),
    "Lineage": _later("aws_only", "convert"),
    "Job": _later("aws_only", "convert"),
    "Cleanup": _later("aws_only", "convert"),
    "ForEach": _later("aws_only", "convert"),
    "BedrockModelImport": _later("aws_only", "convert"),
    "BedrockCustomModel": _later("aws_only", "convert"),
    "BedrockCustomModelDeployment": _later("aws_only", "convert"),
    "BedrockProvisionedModelThroughput": _later("aws_only", "convert"),
}


def coverage() -> list[tuple[str, str, str, str]]:
    """(kind, SageMaker construct, Azure ML construct, status) for every registered step type and notable field.

    A rule module may declare COVERAGE {label: (construct, status)} for its step types and their variants
    ("Training (@step function)"); otherwise its docstring's first line says what the step becomes.
    """
    rows = []
    for step_type, rule in RULES.items():
        module = importlib.import_module(rule.__module__)
        table: dict[str, tuple[str, str]] = getattr(module, "COVERAGE", {})
        construct, status = table.get(step_type) or ((module.__doc__ or "").strip().splitlines()[0], "converted")
        rows.append(("step", step_type, construct, status))
        rows += [("step", label, *table[label]) for label in table if label.startswith(f"{step_type} (")]
    rows += [("field", f["field"], f["construct"], f["status"]) for f in table_data("fields")]
    return rows


def convert(pipeline: ir.Pipeline, options: Options | None = None) -> tuple[aml.Project, Diagnostics]:
    """Map a loaded pipeline onto an Azure ML project; every finding is in the returned Diagnostics."""
    diags = Diagnostics(list(pipeline.diagnostics))
    ctx = Context(pipeline=pipeline, options=options or Options(), diags=diags)
    deps = upstream(pipeline)
    for step in _ordered(pipeline, deps):
        rule = repack.convert if repack.is_repack(step) else RULES.get(step.type, unsupported.convert)
        rule(step, ctx)
    monitors = _monitors(ctx)
    watched = _watched(ctx)
    node_list, components = nodes.freeze(ctx)
    schedules = triggers.convert(ctx) if pipeline.schedules else ()
    if not node_list:
        diags.add("SM2AML507", f"none of the {len(ctx.outcomes)} steps became an Azure ML node", where="/Steps")
    job = aml.PipelineJob(
        name=aml.snake(pipeline.name),
        display_name=pipeline.name,
        description=f"Converted from SageMaker pipeline {pipeline.name}",
        experiment_name=_experiment(ctx),
        inputs=dict(ctx.pipeline_inputs),
        nodes=tuple(node_list),
        default_compute=compute.default_compute(ctx.options),
        tags={"converted_from": "sagemaker", "source": pipeline.source.rsplit("/", 1)[-1] or pipeline.name},
    )
    project = aml.Project(
        name=pipeline.name,
        source=pipeline.source,
        pipeline=job,
        components=tuple(components),
        environments=tuple(sorted(ctx.environments.values(), key=lambda e: e.name)),
        datastores=tuple(sorted(ctx.datastores.values(), key=lambda d: d.name)),
        identities=tuple(sorted(ctx.identities.values(), key=lambda i: i.name)),
        computes=tuple(sorted(ctx.computes.values(), key=lambda c: c.name)),
        models=tuple(sorted(ctx.models.values(), key=lambda m: m.name)),
        online_endpoints=tuple(sorted(ctx.online_endpoints.values(), key=lambda e: e.name)),
        data_copies=tuple(sorted(ctx.data_copies.values(), key=lambda c: c.source)),
        code_sources=tuple(ctx.code_sources),
        outcomes=_placed(ctx, deps),
        diagnostics=tuple(diags),
        resources=inventory.collect(ctx) + triggers.resources(schedules, pipeline) + watched,
        schedules=schedules,
        register_components=ctx.options.register_components,
        monitors=monitors,
    )
    return project, diags


def _watched(ctx: Context) -> tuple[aml.SourceResource, ...]:
    """Findings and inventory rows for the CloudWatch alarms and dashboards given with --alarms."""
    if not ctx.options.alarms:
        return ()
    from sm2aml.rules import cloudwatch

    return cloudwatch.convert(ctx)


def _monitors(ctx: Context) -> tuple[aml.Monitor, ...]:
    """Model monitors for the quality checks (imported only when the pipeline has one)."""
    if not any(s.type == "QualityCheck" for s in ctx.pipeline.all_steps()):
        return ()
    from sm2aml.rules import monitoring

    return monitoring.collect(ctx)


def _ordered(pipeline: ir.Pipeline, deps: dict[str, list[str]]) -> list[ir.Step]:
    """Every step, branch steps included, in dependency order; ties keep definition order."""
    steps = list(pipeline.all_steps())
    done: set[str] = set()
    order: list[ir.Step] = []
    while len(order) < len(steps):
        ready = next((s for s in steps if s.name not in done and set(deps[s.name]) <= done), None)
        if ready is None:  # a cycle the loader did not see; keep definition order for the rest
            order += [s for s in steps if s.name not in done]
            break
        done.add(ready.name)
        order.append(ready)
    return order


def _placed(ctx: Context, deps: dict[str, list[str]]) -> tuple[aml.Outcome, ...]:
    """The outcomes with each step's upstream steps and location, for the report's graph."""
    where = {s.name: s.where for s in ctx.pipeline.all_steps()}
    return tuple(
        dataclasses.replace(o, upstream=tuple(deps.get(o.step, ())), where=where.get(o.step, "")) for o in ctx.outcomes
    )


def _experiment(ctx: Context) -> str | None:
    exp = ctx.pipeline.experiment
    if not exp:
        return aml.snake(ctx.pipeline.name)
    value = exp.get("ExperimentName")
    if isinstance(value, str):
        name = value
    else:
        name = ctx.pipeline.name
    ctx.diags.add(
        "SM2AML407",
        f"PipelineExperimentConfig.ExperimentName → experiment_name {name!r}",
        where="/PipelineExperimentConfig/ExperimentName",
    )
    return name
