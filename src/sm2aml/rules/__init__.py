"""The mapping rules: one function per SageMaker step type, registered in RULES."""

from __future__ import annotations

from collections.abc import Callable

from sm2aml import aml, ir
from sm2aml.config import Options
from sm2aml.diagnostics import Diagnostics
from sm2aml.load.graph import upstream
from sm2aml.rules import nodes, processing, training, unsupported
from sm2aml.rules.context import Context

Rule = Callable[[ir.Step, Context], None]

# SageMaker step Type -> rule. Also the source of the coverage matrix (`sm2aml rules`).
RULES: dict[str, Rule] = {
    "Processing": processing.convert,
    "Training": training.convert,
    "Condition": unsupported.condition,
    "Tuning": unsupported.convert,
    "Transform": unsupported.convert,
    "Model": unsupported.convert,
    "RegisterModel": unsupported.convert,
    "Fail": unsupported.convert,
    "Lambda": unsupported.convert,
    "Callback": unsupported.convert,
    "EMR": unsupported.convert,
    "EMRServerless": unsupported.convert,
    "QualityCheck": unsupported.convert,
    "ClarifyCheck": unsupported.convert,
    "AutoML": unsupported.convert,
}


def coverage() -> list[tuple[str, str, str]]:
    """(step type, Azure ML construct, status) for every registered step type."""
    rows = []
    for step_type, rule in RULES.items():
        if rule is unsupported.convert:
            rows.append((step_type, unsupported.GUIDANCE[step_type], "manual (reported)"))
        elif rule is unsupported.condition:
            rows.append((step_type, "control flow", "manual (reported)"))
        else:
            rows.append((step_type, "command component + node", "converted"))
    return rows


def convert(pipeline: ir.Pipeline, options: Options | None = None) -> tuple[aml.Project, Diagnostics]:
    """Map a loaded pipeline onto an Azure ML project; every finding is in the returned Diagnostics."""
    diags = Diagnostics(list(pipeline.diagnostics))
    ctx = Context(pipeline=pipeline, options=options or Options(), diags=diags)
    for step in _ordered(pipeline):
        RULES.get(step.type, unsupported.convert)(step, ctx)
    node_list, components = nodes.freeze(ctx)
    if not node_list:
        diags.add("SM2AML507", f"none of the {len(ctx.outcomes)} steps became an Azure ML node", where="/Steps")
    job = aml.PipelineJob(
        name=aml.snake(pipeline.name),
        display_name=pipeline.name,
        description=f"Converted from SageMaker pipeline {pipeline.name}",
        experiment_name=_experiment(ctx),
        inputs=dict(ctx.pipeline_inputs),
        nodes=tuple(node_list),
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
        data_copies=tuple(sorted(ctx.data_copies.values(), key=lambda c: c.source)),
        code_sources=tuple(ctx.code_sources),
        outcomes=tuple(ctx.outcomes),
        diagnostics=tuple(diags),
    )
    return project, diags


def _ordered(pipeline: ir.Pipeline) -> list[ir.Step]:
    """Top-level steps in dependency order, ties kept in definition order (branches go with conditions)."""
    deps = upstream(pipeline)
    top = {s.name: s for s in pipeline.steps}
    nested_owner: dict[str, str] = {}
    for step in pipeline.steps:
        stack = list(step.if_steps + step.else_steps)
        while stack:
            inner = stack.pop()
            nested_owner[inner.name] = step.name
            stack.extend(inner.if_steps + inner.else_steps)
    done: set[str] = set()
    order: list[ir.Step] = []
    while len(order) < len(top):
        for name, step in top.items():
            if name in done:
                continue
            needs = {nested_owner.get(d, d) for d in deps[name]} - {name}
            if needs <= done:
                done.add(name)
                order.append(step)
                break
        else:  # a cycle the loader did not see; keep definition order for the rest
            order += [s for n, s in top.items() if n not in done]
            break
    return order


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
