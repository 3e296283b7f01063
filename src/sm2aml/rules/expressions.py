"""SageMaker expressions → Azure ML bindings: data inputs, command-line text, node settings."""

from __future__ import annotations

import json
import re
import shlex

from sm2aml import aml, ir
from sm2aml.rules import storage
from sm2aml.rules.context import Context, NodeDraft

PARAM_TYPES = {"String": "string", "Integer": "integer", "Float": "number", "Boolean": "boolean"}
# Closest run-time value of SageMaker execution variables inside an Azure ML command job.
EXEC_SHELL = {
    "PipelineExecutionId": "${AZUREML_ROOT_RUN_ID:-local}",
    "PipelineExecutionArn": "${AZUREML_ROOT_RUN_ID:-local}",
    "ProcessingJobName": "${AZUREML_RUN_ID:-local}",
    "TrainingJobName": "${AZUREML_RUN_ID:-local}",
    "StartDateTime": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
    "CurrentDateTime": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
}
_FILE_LIKE = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def shell_literal(text: str) -> str:
    """Shell-quote a literal so the shell passes it on unchanged and Azure ML sees no `${{` in it."""
    quoted = shlex.quote(text)
    return quoted.replace("${{", "$''{{") if quoted.startswith("'") else quoted


def parameter_input(ctx: Context, name: str, as_data: str | None = None) -> aml.ParentInput:
    """The pipeline input standing for a SageMaker parameter (declared on first use)."""
    param = ctx.pipeline.parameter(name)
    if name not in ctx.param_inputs:
        ctx.param_inputs[name] = ctx.input_names.take(name)
    key = ctx.param_inputs[name]
    current = ctx.pipeline_inputs.get(key)
    if current is not None and (current.type in aml.DATA_TYPES) != bool(as_data):
        ctx.diags.add(
            "SM2AML406",
            f"parameter {name!r} is used both as a data location and as a value; "
            f"pipeline input {key!r} keeps type {current.type}",
            where=param.where,
        )
        return aml.ParentInput(name=key)
    if as_data and isinstance(param.default, str):
        path = storage.datastore_uri(ctx, param.default, param.where) or param.default
        ctx.pipeline_inputs[key] = aml.Port(type=as_data, path=path, description=f"SageMaker parameter {name}")
    elif key not in ctx.pipeline_inputs:
        ctx.pipeline_inputs[key] = aml.Port(
            type=PARAM_TYPES[param.type],
            default=param.default,
            enum=param.enum_values,
            description=f"SageMaker parameter {name}",
        )
    return aml.ParentInput(name=key)


def data_binding(ctx: Context, value: ir.Value, where: str, kind: str = "uri_folder") -> aml.Binding:
    """Bind a data location (S3 URI, parameter, step property) as a node input."""
    match value:
        case str() if uri := storage.datastore_uri(ctx, value, where):
            return aml.DataPath(type="uri_file" if _FILE_LIKE.search(uri) else kind, path=uri)
        case ir.ParamRef(name=name):
            default = ctx.pipeline.parameter(name).default
            shape = "uri_file" if isinstance(default, str) and _FILE_LIKE.search(default) else kind
            return parameter_input(ctx, name, as_data=shape)
        case ir.StepProp():
            found = ctx.step_outputs.get((value.step, value.path))
            if found is not None:
                return found
            last = value.path[-1] if value.path else "value"
            why = f"{describe(value)} comes from a step that was not converted"
            return placeholder_input(ctx, f"{value.step}_{last}", kind, code="SM2AML404", why=why, where=where)
        case ir.Join() if (found := _training_archive(ctx, value)) is not None:
            return found
        case _:
            why = f"data location {describe(value)} cannot be bound in Azure ML"
            return placeholder_input(ctx, "data", kind, code="SM2AML402", why=why, where=where)


def _training_archive(ctx: Context, join: ir.Join) -> aml.NodeOutput | None:
    """Join('/', [S.OutputDataConfig.S3OutputPath, S.TrainingJobName, 'output', 'x.tar.gz']) → S's archive."""
    if join.on != "/" or len(join.values) < 3:
        return None
    first, second, *rest = join.values
    if not (
        isinstance(first, ir.StepProp)
        and first.path == ("OutputDataConfig", "S3OutputPath")
        and isinstance(second, ir.StepProp)
        and second.path == ("TrainingJobName",)
        and first.step == second.step
        and all(isinstance(r, str) for r in rest)
    ):
        return None
    tail = "/".join(str(r) for r in rest)
    key = {
        "output/output.tar.gz": ("OutputDataConfig", "output.tar.gz"),
        "output/model.tar.gz": ("ModelArtifacts", "S3ModelArtifacts"),
    }.get(tail)
    return ctx.step_outputs.get((first.step, key)) if key else None


def data_kind(ctx: Context, binding: aml.Binding) -> str:
    """The data type a component input needs to accept this binding."""
    if isinstance(binding, aml.DataPath):
        return binding.type
    if isinstance(binding, aml.ParentInput):
        return ctx.pipeline_inputs[binding.name].type
    return "uri_folder"


def placeholder_input(ctx: Context, wanted: str, kind: str, *, code: str, why: str, where: str) -> aml.ParentInput:
    """A pipeline input without a value that stands in for something Azure ML cannot compute."""
    key = ctx.input_names.take(wanted)
    ctx.pipeline_inputs[key] = aml.Port(type=kind, description=why)
    ctx.diags.add(code, f"{why}; pipeline input {key!r} stands in for it (set it when submitting)", where=where)
    return aml.ParentInput(name=key)


def command_text(ctx: Context, draft: NodeDraft, value: ir.Value, where: str) -> str:
    """Shell text for one command-line argument; parameters become component inputs."""
    match value:
        case None | bool() | int() | float() | str() | list() | dict():
            return _literal_text(ctx, value, where)
        case ir.ParamRef(name=name):
            return _parameter_text(ctx, draft, name)
        case ir.ExecVar(name=name):
            ctx.diags.add("SM2AML401", f"execution variable {name} is approximated at run time", where=where)
            return f'"{EXEC_SHELL.get(name, name)}"'
        case ir.Join(on=on, values=values):
            pieces = [command_text(ctx, draft, v, where) for v in values]
            sep = shell_literal(on) if on else ""
            return sep.join(pieces) if pieces else "''"
        case ir.ExperimentRef(name=name):
            ctx.diags.add("SM2AML401", f"experiment {name} is approximated by the pipeline name", where=where)
            return shell_literal(ctx.pipeline.name)
        case ir.StepProp() | ir.PropertyFileRef() | ir.JsonGet() | ir.Compare() | ir.In() | ir.Not() | ir.Or():
            ctx.diags.add("SM2AML402", f"{describe(value)} cannot be passed on an Azure ML command line", where=where)
            return "''"
        case _:
            ir.assert_never(value)


def _literal_text(ctx: Context, value: ir.Value, where: str) -> str:
    if value is None:
        return "''"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if "${{" in text:
        ctx.diags.add(
            "SM2AML506",
            f"literal {text!r} contains '${{{{'; it is passed on quoted so Azure ML does not read it as a binding",
            where=where,
        )
    return shell_literal(text)


def _parameter_text(ctx: Context, draft: NodeDraft, name: str) -> str:
    binding = parameter_input(ctx, name)
    for existing, bound in draft.bindings.items():
        if bound == binding:
            return f"${{{{inputs.{existing}}}}}"
    port = ctx.pipeline_inputs[binding.name]
    key = draft.add_input(
        ctx.param_inputs[name], aml.Port(type=port.type, default=port.default, enum=port.enum), binding
    )
    return f"${{{{inputs.{key}}}}}"


def describe(value: ir.Value) -> str:
    """A short human text for an expression, used in messages."""
    match value:
        case ir.ParamRef(name=name):
            return f"parameter {name}"
        case ir.ExecVar(name=name):
            return f"Execution.{name}"
        case ir.ExperimentRef(name=name):
            return f"PipelineExperimentConfig.{name}"
        case ir.StepProp(step=step):
            return f"{step}.{value.dotted()}"
        case ir.PropertyFileRef(step=step, name=name):
            return f"property file {step}.{name}"
        case ir.Join(on=on, values=values):
            return f"Join({on!r}, " + ", ".join(describe(v) for v in values) + ")"
        case ir.JsonGet(source=source, path=path):
            return f"JsonGet({describe(source)}, {path!r})"
        case ir.Compare(op=op, left=left, right=right):
            return f"{describe(left)} {op} {describe(right)}"
        case ir.In(query=query, values=values):
            return f"{describe(query)} In [" + ", ".join(describe(v) for v in values) + "]"
        case ir.Not(condition=cond):
            return f"Not({describe(cond)})"
        case ir.Or(conditions=conds):
            return "Or(" + ", ".join(describe(c) for c in conds) + ")"
        case _:
            return repr(value)
