"""AWS-only step types (Lambda, Callback, checks, endpoints, lineage, Bedrock, …) → a placeholder node and guidance."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sm2aml import aml, ir
from sm2aml.diagnostics import Severity
from sm2aml.load.definition import STEP_TYPES
from sm2aml.rules import expressions, images, nodes
from sm2aml.rules.context import Context, NodeDraft


@dataclass(frozen=True, slots=True)
class Kind:
    """How one AWS-only step type is reported: its code and its Azure counterpart."""

    code: str
    counterpart: str


KINDS: dict[str, Kind] = {
    "Lambda": Kind(
        "SM2AML255",
        "an Azure Function (HTTP trigger) or Logic App called from a command node, or the function code in a "
        "command component",
    ),
    "Callback": Kind(
        "SM2AML256",
        "a command node that sends the request through Azure Service Bus or Event Grid and waits for the reply",
    ),
    "EMR": Kind("SM2AML257", "an Azure ML serverless Spark node, or a Spark job on Azure Synapse or Databricks"),
    "EMRServerless": Kind("SM2AML258", "an Azure ML serverless Spark node (or an Azure Synapse Spark job)"),
    "QualityCheck": Kind("SM2AML259", "Azure ML model monitoring (a data-quality or model-performance signal)"),
    "ClarifyCheck": Kind("SM2AML260", "a Responsible AI dashboard (the Responsible AI insights components)"),
    "AutoML": Kind("SM2AML261", "an Azure ML AutoML job"),
    "EndpointConfig": Kind("SM2AML262", "an Azure ML online deployment (az ml online-deployment create)"),
    "Endpoint": Kind("SM2AML263", "an Azure ML online endpoint (az ml online-endpoint create)"),
    "InferenceComponent": Kind("SM2AML264", "a deployment of an Azure ML online endpoint"),
    "Lineage": Kind(
        "SM2AML265", "nothing, mostly: Azure ML records the lineage of jobs, data and models (tags or MLflow for more)"
    ),
    "Job": Kind("SM2AML266", "a command component in this pipeline"),
    "Cleanup": Kind("SM2AML267", "az ml CLI commands in a command node (serverless compute needs no cleanup)"),
    "ForEach": Kind("SM2AML268", "an Azure ML parallel node, or the parallel_for control-flow node (preview)"),
    "Bedrock": Kind("SM2AML269", "Azure AI Foundry (fine-tuning, import and deployment of foundation models)"),
}
# What each type becomes, for the coverage matrix (`sm2aml rules`).
COVERAGE = {
    step_type: (f"placeholder command node; counterpart: {KINDS[family].counterpart}", "manual")
    for step_type in sorted(STEP_TYPES)
    if (family := "Bedrock" if step_type.startswith("Bedrock") else step_type) in KINDS
    and family not in ("EMR", "EMRServerless", "AutoML")
}
# Properties of check steps that hold the files the check wrote; they bind to the placeholder's output.
CHECK_PROPERTIES = (
    "CalculatedBaselineConstraints",
    "CalculatedBaselineStatistics",
    "BaselineUsedForDriftCheckConstraints",
    "BaselineUsedForDriftCheckStatistics",
)


def kind(step_type: str) -> Kind | None:
    return KINDS.get(step_type) or (KINDS["Bedrock"] if step_type.startswith("Bedrock") else None)


def convert(step: ir.Step, ctx: Context) -> None:
    """Report the step with its code and counterpart and keep its place in the graph with a placeholder node."""
    found = kind(step.type)
    assert found is not None, step.type
    details: list[tuple[str, ir.Value]] = []
    inputs: dict[str, ir.Value] = {}
    if step.type in ("Lambda", "Callback"):
        target = "FunctionArn" if step.type == "Lambda" else "SqsQueueUrl"
        details.append(("function" if step.type == "Lambda" else "queue", step.extra.get(target)))
        inputs = dict(step.arguments)
    elif step.arguments:
        details.append(("request keys", ", ".join(sorted(step.arguments))))
    details += [(key, step.extra[key]) for key in ("CheckType", "ModelPackageGroupName") if key in step.extra]
    why = ""
    if step.type == "ClarifyCheck":
        from sm2aml.rules.monitoring import clarify_why

        why = clarify_why(step)
    placeholder(ctx, step, found, details=details, inputs=inputs, why=why)


def placeholder(
    ctx: Context,
    step: ir.Step,
    found: Kind,
    *,
    details: list[tuple[str, ir.Value]],
    inputs: dict[str, ir.Value],
    severity: Severity | None = None,
    why: str = "",
) -> NodeDraft:
    """A command node that fails with what must be built; it keeps the step's inputs, outputs and ordering.

    `details` are shown in the message (their values as the node sees them); `inputs` are the step's inputs.
    """
    draft = nodes.start(ctx, step)
    draft.environment = images.CURATED.format(name="sklearn-1.5")
    draft.code = None
    outputs = _outputs(ctx, draft)  # first: output folders keep the output parameters' names
    shown = [
        expressions.shell_literal(f"; {label}: ") + _input_text(ctx, draft, value, step.where, label)
        for label, value in details
    ]
    texts = [
        expressions.shell_literal(f" {name}=") + _input_text(ctx, draft, value, f"{step.where}/Arguments/{name}", name)
        for name, value in inputs.items()
    ]
    nodes.step_settings(ctx, draft, ir.get(step.arguments, "RoleArn"), ctx.where(step, "Arguments"))
    _wire(ctx, draft)
    head = f"sm2aml: {step.type} step {step.name} ran on AWS; replace this node with {found.counterpart}"
    words = [
        expressions.shell_literal(head),
        *shown,
        *([expressions.shell_literal("; inputs:"), *texts] if texts else []),
    ]
    draft.command = f"echo {''.join(words)} >&2 && exit 1"
    listed = "; ".join(
        [*(f"{label} {text(value)}" for label, value in details), *(["inputs " + ", ".join(inputs)] if inputs else [])]
    )
    ctx.diags.add(
        found.code,
        f"{step.type} step {step.name!r} becomes placeholder node {draft.name!r} that fails until it is replaced by "
        f"{found.counterpart}" + (f" ({listed})" if listed else "") + (f"; {why}" if why else ""),
        where=step.where,
        severity=severity,
    )
    if outputs:
        ctx.diags.add(
            found.code,
            f"{draft.name!r} has output folder(s) {', '.join(outputs)} for the step's results; the replacement "
            "writes each output parameter's value into a file of the same name in its folder",
            where=ctx.where(step, "OutputParameters"),
            severity=Severity.INFO,
        )
    ctx.unavailable[(step.name, ())] = (found.code, f"{step.type} step {step.name} is a placeholder node")
    ctx.outcome(step, "placeholder node", "manual", draft.name)
    return draft


def _outputs(ctx: Context, draft: NodeDraft) -> list[str]:
    """One folder per output parameter (and per check result); consumers bind to them."""
    step = draft.step
    names: list[str] = []
    params = step.extra.get("OutputParameters")
    for item in params if isinstance(params, list) else []:
        name = ir.get(item, "OutputName")
        if not isinstance(name, str):
            continue
        kind_of = ir.get(item, "OutputType")
        port = aml.Port(type="uri_folder", description=f"Output parameter {name} ({kind_of}) in file {name}")
        key = draft.add_output(name, port)
        ctx.step_outputs[(step.name, ("OutputParameters", name))] = aml.NodeOutput(node=draft.name, output=key)
        names.append(key)
    if step.type in ("QualityCheck", "ClarifyCheck"):
        key = draft.add_output("check_results", aml.Port(type="uri_folder", description="Statistics and constraints"))
        for prop in CHECK_PROPERTIES:
            ctx.step_outputs[(step.name, (prop,))] = aml.NodeOutput(node=draft.name, output=key)
        outs = ir.get(step.arguments, "ProcessingOutputConfig", "Outputs")
        for item in outs if isinstance(outs, list) else []:
            name = ir.get(item, "OutputName")
            if isinstance(name, str):
                path = ("ProcessingOutputConfig", "Outputs", name, "S3Output", "S3Uri")
                ctx.step_outputs[(step.name, path)] = aml.NodeOutput(node=draft.name, output=key)
        names.append(key)
    return names


def _input_text(ctx: Context, draft: NodeDraft, value: ir.Value, where: str, name: str) -> str:
    """Shell text showing one value at run time; outputs of converted steps are bound as inputs named `name`."""
    match value:
        case ir.StepProp() if (found := ctx.step_outputs.get((value.step, value.path))) is not None:
            return f"${{{{inputs.{_bind(draft, value, found, name)}}}}}"
        case ir.ParamRef() | ir.ExecVar() | ir.ExperimentRef():
            return expressions.command_text(ctx, draft, value, where)
        case ir.Join(on=on, values=values):
            pieces = [_input_text(ctx, draft, v, where, name) for v in values]
            return (expressions.shell_literal(on) if on else "").join(pieces) or "''"
        case str():
            return expressions.shell_literal(value)
        case None | bool() | int() | float() | list() | dict():
            return expressions.shell_literal(json.dumps(value, default=text))
        case _:
            return expressions.shell_literal(f"<{expressions.describe(value)}>")


def _bind(draft: NodeDraft, prop: ir.StepProp, found: aml.NodeOutput, name: str = "") -> str:
    for key, bound in draft.bindings.items():
        if bound == found:
            return key
    port = aml.Port(type="uri_folder", description=f"{prop.step}.{prop.dotted()}")
    return draft.add_input(name or f"{prop.step}_{prop.path[-1] if prop.path else 'value'}", port, found)


def _wire(ctx: Context, draft: NodeDraft) -> None:
    """Every step property the arguments use keeps its producer upstream: a data input or an ordering edge."""
    for expr in ir.walk(draft.step.arguments):
        if not isinstance(expr, ir.StepProp):
            continue
        found = ctx.step_outputs.get((expr.step, expr.path))
        if found is not None:
            _bind(draft, expr, found)
            continue
        upstream = ctx.step_nodes.get(expr.step)
        bound = {b.node for b in draft.bindings.values() if isinstance(b, aml.NodeOutput)}
        if upstream and upstream != draft.name and upstream not in draft.after and upstream not in bound:
            draft.after.append(upstream)


def text(value: object) -> str:
    """A value as text for messages."""
    if isinstance(value, str):
        return value
    if isinstance(value, ir.EXPR_TYPES):
        return expressions.describe(value)
    return json.dumps(value, default=str)
