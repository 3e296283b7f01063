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
            code, why = "SM2AML404", f"{describe(value)} comes from a step that was not converted"
            for (step, prefix), (reason_code, reason) in ctx.unavailable.items():
                if step == value.step and value.path[: len(prefix)] == prefix:
                    code, why = reason_code, f"{describe(value)}: {reason}"
            return placeholder_input(ctx, f"{value.step}_{last}", kind, code=code, why=why, where=where)
        case ir.Join() if (archive := _job_archive(value)) is not None:
            return data_binding(ctx, archive, where, kind)
        case _:
            why = f"data location {describe(value)} cannot be bound in Azure ML"
            return placeholder_input(ctx, "data", kind, code="SM2AML402", why=why, where=where)


ARCHIVES = {
    "output/model.tar.gz": ("ModelArtifacts", "S3ModelArtifacts"),
    "output/output.tar.gz": ("OutputDataConfig", "output.tar.gz"),
}


def _job_archive(join: ir.Join) -> ir.StepProp | None:
    """Join('/', [location…, S.<job>.TrainingJobName, 'output', 'model.tar.gz']) → S.<job>.ModelArtifacts….

    <job> is empty for a training step, BestTrainingJob or TrainingJobSummaries[k] for a tuning step; the
    location before the job name (a bucket and prefix, or S.OutputDataConfig.S3OutputPath) is where SageMaker
    wrote the job's output, which Azure ML manages itself.
    """
    props = [i for i, v in enumerate(join.values) if isinstance(v, ir.StepProp)]
    if join.on != "/" or not props:
        return None
    job = join.values[props[-1]]
    tail = join.values[props[-1] + 1 :]
    if not (isinstance(job, ir.StepProp) and job.path[-1:] == ("TrainingJobName",)):
        return None
    if not all(isinstance(t, str) for t in tail) or (key := ARCHIVES.get("/".join(map(str, tail)))) is None:
        return None
    for i in props[:-1]:
        prop = join.values[i]
        if not (isinstance(prop, ir.StepProp) and prop.step == job.step and prop.path[-1:] == ("S3OutputPath",)):
            return None
    return ir.StepProp(step=job.step, path=job.path[:-1] + key)


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
        case ir.StepProp(path=("OutputParameters", str() as name)) if (value.step, value.path) in ctx.step_outputs:
            return _output_parameter_text(ctx, draft, value, name, where)
        case ir.StepProp() | ir.PropertyFileRef() | ir.JsonGet() | ir.Compare() | ir.In() | ir.Not() | ir.Or():
            ctx.diags.add("SM2AML402", f"{describe(value)} cannot be passed on an Azure ML command line", where=where)
            return "''"
        case _:
            ir.assert_never(value)


def _output_parameter_text(ctx: Context, draft: NodeDraft, prop: ir.StepProp, name: str, where: str) -> str:
    """An output parameter of a placeholder step arrives as a folder; the command reads the value from its file."""
    found = ctx.step_outputs[(prop.step, prop.path)]
    if not re.fullmatch(r"[\w.-]+", name):
        ctx.diags.add("SM2AML270", f"{describe(prop)} cannot be read on an Azure ML command line", where=where)
        return "''"
    key = next((k for k, b in draft.bindings.items() if b == found), None)
    if key is None:
        port = aml.Port(type="uri_folder", description=f"Holds output parameter {name} of {prop.step}")
        key = draft.add_input(f"{prop.step}_{name}", port, found)
    ctx.diags.add(
        "SM2AML270",
        f"{describe(prop)} is a folder in Azure ML; the command reads the value from its file {name} at run time",
        where=where,
    )
    return f'"$(cat ${{{{inputs.{key}}}}}/{name})"'


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
