"""ModelStep: CreateModel → the model definition its transforms serve; RegisterModel → an MLflow registration node."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sm2aml import aml, ir, runtime
from sm2aml.rules import endpoints, expressions, images, nodes, storage
from sm2aml.rules.context import Context, ModelSpec, NodeDraft

# MLflow with the azureml-mlflow plugin, in a stock curated environment: what the registration node needs.
REGISTRY_ENVIRONMENT = images.CURATED.format(name="sklearn-1.5")
APPROVAL_STAGE = {"Approved": "Production", "PendingManualApproval": "Development", "Rejected": "Archived"}
METRICS = {"ModelMetrics": "", "DriftCheckBaselines": "drift_"}
DROPPED = (
    "Domain",
    "Task",
    "SamplePayloadUrl",
    "ModelCard",
    "SourceUri",
    "MetadataProperties",
    "ValidationSpecification",
)
MODEL_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Serving:
    """What a SageMaker serving container's environment says about the inference code."""

    program: str | None  # SAGEMAKER_PROGRAM
    submit: str | None  # SAGEMAKER_SUBMIT_DIRECTORY: an S3 archive, or /opt/ml/model/code (code inside the model)
    variables: dict[str, str]  # the other literal variables


def create(step: ir.Step, ctx: Context) -> None:
    """Model: recorded for the transforms that name it; it needs no node of its own."""
    args = step.arguments
    container, at = container_of(ctx, step, args, step.where + "/Arguments")
    ctx.model_specs[step.name] = ModelSpec(
        step=step.name,
        image=ir.get(container, "Image"),
        model_data=ir.get(container, "ModelDataUrl"),
        environment=dict(env) if isinstance(env := ir.get(container, "Environment"), dict) else {},
        role=ir.get(args, "ExecutionRoleArn"),
        where=at,
    )
    transforms = []
    for other, where in _references(ctx, step.name):
        if other.type == "Transform" and where == f"{other.where}/Arguments/ModelName":
            transforms.append(other.name)
        else:
            ctx.diags.add(
                "SM2AML234",
                f"{other.type} step {other.name!r} uses Steps.{step.name}.ModelName; Azure ML has no model entity "
                "of that kind to name",
                where=where,
            )
    for key in ("VpcConfig", "EnableNetworkIsolation"):
        if ir.get(args, key) is not None:
            where = ctx.where(step, "Arguments", key)
            ctx.diags.add("SM2AML305", f"{key} of the model is set by the workspace network", where=where)
    if transforms:
        ctx.diags.add(
            "SM2AML232",
            f"model definition {step.name!r} ({expressions.describe(ir.get(container, 'Image'))}) is served by "
            f"{', '.join(transforms)}; it needs no node of its own",
            where=step.where,
        )
        ctx.outcome(step, f"model definition used by {', '.join(transforms)}", "approximate")
    else:
        ctx.diags.add(
            "SM2AML233",
            f"nothing in the pipeline serves model definition {step.name!r}; no node is emitted for it",
            where=step.where,
        )
        ctx.outcome(step, "model definition used by no converted step", "approximate")


def used_by(ctx: Context, model_step: str, node: str) -> None:
    """A transform node serves this model definition: its outcome names that node."""
    for i, outcome in enumerate(ctx.outcomes):
        if outcome.step == model_step and outcome.node is None:
            ctx.outcomes[i] = aml.Outcome(
                step=outcome.step,
                step_type=outcome.step_type,
                construct=outcome.construct,
                outcome=outcome.outcome,
                node=node,
            )


def register(step: ir.Step, ctx: Context) -> None:
    """RegisterModel: a command node that registers the model folder with MLflow, tagged as the package was."""
    args = step.arguments
    draft = nodes.start(ctx, step)
    draft.environment = REGISTRY_ENVIRONMENT
    inference = ir.get(args, "InferenceSpecification")
    container, at = container_of(ctx, step, inference, ctx.where(step, "Arguments", "InferenceSpecification"))
    name, name_text = _model_name(ctx, draft, step)
    data = ir.get(container, "ModelDataUrl")
    model = model_input(ctx, draft, data, f"{at}/ModelDataUrl", unpacked=True)
    serving = serving_of(ctx, ir.get(container, "Environment"), f"{at}/Environment")
    code_source(ctx, draft, serving, f"{at}/Environment/SAGEMAKER_SUBMIT_DIRECTORY")
    output = draft.add_output("registration", aml.Port(type="uri_folder", description="registration.json"))
    launcher = runtime.LAUNCHERS["register"]
    draft.src_files[launcher] = runtime.source("register")
    words = [f"python {launcher}", f"--name {name_text}", f"--model ${{{{inputs.{model}}}}}"]
    words += [f"--output ${{{{outputs.{output}}}}}"]
    if serving.program and serving.submit and serving.submit.startswith("s3://"):
        words.append(f"--program {expressions.shell_literal(serving.program)}")
    description = ir.get(args, "ModelPackageDescription")
    if description is not None:
        text = expressions.command_text(
            ctx, draft, description, ctx.where(step, "Arguments", "ModelPackageDescription")
        )
        words.append(f"--description {text}")
    tags = _tags(ctx, draft, step, container, serving)
    words += [f"--tag {expressions.shell_literal(k + '=')}{v}" for k, v in tags]
    words += _metrics(ctx, draft, step)
    for key in DROPPED:
        if ir.get(args, key) is not None:
            ctx.diags.add(
                "SM2AML209", f"{key} of the model package is dropped", where=ctx.where(step, "Arguments", key)
            )
    nodes.step_settings(ctx, draft, None, ctx.where(step, "Arguments"))
    draft.command = " ".join(words)
    ctx.unavailable[(step.name, ("ModelPackageArn",))] = (
        "SM2AML402",
        "Azure ML has no model package ARN; the registration node writes the model name and version "
        "to registration.json",
    )
    _model_yaml(ctx, step, name, data, ir.get(args, "ModelApprovalStatus"))
    types = ir.get(inference, "SupportedContentTypes")
    accepts = ir.get(inference, "SupportedResponseMIMETypes")
    content_type = types[0] if isinstance(types, list) and types and isinstance(types[0], str) else "text/csv"
    accept = accepts[0] if isinstance(accepts, list) and accepts and isinstance(accepts[0], str) else content_type
    if ir.get(inference, "SupportedRealtimeInferenceInstanceTypes"):
        endpoints.online(
            ctx,
            step,
            model_name=name,
            image=ir.get(container, "Image"),
            program=serving.program,
            content_type=content_type,
            accept=accept,
            variables=serving.variables,
        )
    ctx.outcome(step, "command node registering the model with MLflow", "approximate", draft.name)


# --- shared with the transform and endpoint rules ----------------------------------------------


def container_of(ctx: Context, step: ir.Step, spec: ir.Value, base: str) -> tuple[ir.Value, str]:
    """The serving container of a model definition or package (the first, when there are several)."""
    primary = ir.get(spec, "PrimaryContainer")
    if primary is not None:
        return primary, f"{base}/PrimaryContainer"
    containers = ir.get(spec, "Containers")
    if isinstance(containers, list) and containers:
        if len(containers) > 1:
            ctx.diags.add(
                "SM2AML244",
                f"{step.name!r} chains {len(containers)} containers (an inference pipeline); only the first is "
                "converted",
                where=f"{base}/Containers",
            )
        return containers[0], f"{base}/Containers/0"
    return {}, base


def serving_of(ctx: Context, env: ir.Value, where: str) -> Serving:
    """Split a serving container's environment into the inference code settings and plain variables."""
    values = env if isinstance(env, dict) else {}
    program, submit = values.get("SAGEMAKER_PROGRAM"), values.get("SAGEMAKER_SUBMIT_DIRECTORY")
    variables: dict[str, str] = {}
    dropped = []
    for key, value in sorted(values.items()):
        if key in ("SAGEMAKER_PROGRAM", "SAGEMAKER_SUBMIT_DIRECTORY"):
            continue
        if key.startswith("SAGEMAKER_") or isinstance(value, ir.EXPR_TYPES) or value is None:
            dropped.append(key)
        elif nodes.looks_secret(key, value):
            ctx.diags.add("SM2AML210", f"environment variable {key} looks like a credential", where=f"{where}/{key}")
        else:
            variables[key] = str(value)
    if dropped:
        ctx.diags.add(
            "SM2AML209",
            f"serving container settings {', '.join(dropped)} are dropped (the SageMaker container read them)",
            where=where,
        )
    return Serving(
        program=program if isinstance(program, str) else None,
        submit=submit if isinstance(submit, str) else None,
        variables=variables,
    )


def code_source(ctx: Context, draft: NodeDraft, serving: Serving, where: str) -> None:
    """Inference code SageMaker kept in an S3 archive goes into the component's src/ folder."""
    if serving.submit and serving.submit.startswith("s3://"):
        ctx.code_sources.append(aml.CodeSource(component=draft.component, uri=serving.submit, where=where))
        ctx.diags.add(
            "SM2AML203",
            f"inference code for {draft.step.name!r} is at {serving.submit}; extract it into "
            f"components/{draft.component}/src/ (see data_migration/fetch_code.sh)",
            where=where,
        )


def split_location(ctx: Context, value: ir.Value, where: str) -> tuple[ir.Value, str]:
    """Join('/', [<a step's output>, 'a', 'b.json']) → (<the output>, 'a/b.json'); so is a literal S3 URI below
    the literal S3Uri of a processing output (SageMaker wrote it there; Azure ML manages that location now)."""
    if isinstance(value, str):
        for step in ctx.pipeline.all_steps():
            outputs = ir.get(step.arguments, "ProcessingOutputConfig", "Outputs")
            for output in outputs if isinstance(outputs, list) else []:
                uri, name = ir.get(output, "S3Output", "S3Uri"), ir.get(output, "OutputName")
                if not (isinstance(uri, str) and isinstance(name, str) and uri.rstrip("/")):
                    continue
                if value.rstrip("/") == uri.rstrip("/") or value.startswith(uri.rstrip("/") + "/"):
                    prop = ir.StepProp(
                        step=step.name, path=("ProcessingOutputConfig", "Outputs", name, "S3Output", "S3Uri")
                    )
                    ctx.diags.add(
                        "SM2AML245",
                        f"{value} is where step {step.name!r} wrote its output {name!r}; it is read from that output",
                        where=where,
                    )
                    return prop, value[len(uri.rstrip("/")) :].strip("/")
    if (
        isinstance(value, ir.Join)
        and value.on == "/"
        and len(value.values) > 1
        and isinstance(value.values[0], ir.StepProp | ir.ParamRef)
        and all(isinstance(v, str) for v in value.values[1:])
    ):
        return value.values[0], "/".join(str(v).strip("/") for v in value.values[1:] if str(v).strip("/"))
    return value, ""


def model_input(
    ctx: Context, draft: NodeDraft, value: ir.Value, where: str, *, unpacked: bool, wanted: str = "model"
) -> str:
    """The model as a node input: model.tar.gz as SageMaker keeps it, or (unpacked) the producer's model folder."""
    binding = expressions.data_binding(ctx, value, where)
    if unpacked and isinstance(binding, aml.NodeOutput):
        producer = ctx.drafts.get(binding.node)
        if producer is not None and binding.output != "model" and "model" in producer.outputs:
            binding = aml.NodeOutput(node=binding.node, output="model")
    what = "the model folder" if unpacked else "the model (model.tar.gz)"
    port = aml.Port(type=expressions.data_kind(ctx, binding), description=f"{what}, {expressions.describe(value)}")
    return draft.add_input(wanted, port, binding)


def model_name(text: str) -> str:
    """A legal Azure ML model name (letters, digits, '-', '_', '.'; starting with a letter or digit)."""
    return MODEL_NAME.sub("-", text).strip("-_.")[:255] or "model"


def _model_name(ctx: Context, draft: NodeDraft, step: ir.Step) -> tuple[str, str]:
    """The Azure model name (for endpoints) and its command-line text (evaluated when the node runs)."""
    key = "ModelPackageGroupName" if ir.get(step.arguments, "ModelPackageGroupName") is not None else "ModelPackageName"
    value, where = ir.get(step.arguments, key), ctx.where(step, "Arguments", key)
    match value:
        case str():
            name, text = model_name(value), expressions.shell_literal(model_name(value))
        case ir.ParamRef(name=param):
            default = ctx.pipeline.parameter(param).default
            name, text = model_name(str(default or step.name)), expressions.command_text(ctx, draft, value, where)
        case _:
            name, text = model_name(step.name), expressions.shell_literal(model_name(step.name))
            ctx.diags.add(
                "SM2AML402",
                f"{key} {expressions.describe(value)} is computed at run time; the model is named {name!r}",
                where=where,
            )
    ctx.diags.add(
        "SM2AML230",
        f"{key} {expressions.describe(value)} becomes Azure ML model {name!r}, registered with MLflow by node "
        f"{draft.name!r} each time the pipeline runs",
        where=where,
    )
    return name, text


def _tags(
    ctx: Context, draft: NodeDraft, step: ir.Step, container: ir.Value, serving: Serving
) -> list[tuple[str, str]]:
    """Model version tags as (key, command-line text): approval status, customer metadata, serving facts."""
    args = step.arguments
    tags: list[tuple[str, str]] = []
    approval = ir.get(args, "ModelApprovalStatus")
    at = ctx.where(step, "Arguments", "ModelApprovalStatus")
    if approval is not None:
        tags.append(("approval_status", expressions.command_text(ctx, draft, approval, at)))
        ctx.diags.add(
            "SM2AML231",
            f"ModelApprovalStatus {expressions.describe(approval)} becomes tag approval_status of the model version",
            where=at,
        )
    metadata = ir.get(args, "CustomerMetadataProperties")
    for key, value in metadata.items() if isinstance(metadata, dict) else []:
        at = ctx.where(step, "Arguments", "CustomerMetadataProperties", key)
        tags.append((key, expressions.command_text(ctx, draft, value, at)))
    facts = {
        "sagemaker_image": ir.get(container, "Image"),
        "sagemaker_program": serving.program,
        "content_types": _joined(ir.get(args, "InferenceSpecification", "SupportedContentTypes")),
        "response_types": _joined(ir.get(args, "InferenceSpecification", "SupportedResponseMIMETypes")),
    }
    tags += [(k, expressions.shell_literal(v)) for k, v in facts.items() if isinstance(v, str) and v]
    return tags


def _metrics(ctx: Context, draft: NodeDraft, step: ir.Step) -> list[str]:
    """--metric NAME=PATH for every metrics file of the package, bound as inputs of the node."""
    words = []
    for top, prefix in METRICS.items():
        groups = ir.get(step.arguments, top)
        for group, kinds in groups.items() if isinstance(groups, dict) else []:
            for kind, source in kinds.items() if isinstance(kinds, dict) else []:
                uri = ir.get(source, "S3Uri")
                if uri is None:
                    continue
                where = ctx.where(step, "Arguments", top, group, kind, "S3Uri")
                name = aml.snake(f"{prefix}{group}_{kind}")
                folder, rest = split_location(ctx, uri, where)
                binding = expressions.data_binding(ctx, folder, where)
                key = next((k for k, b in draft.bindings.items() if b == binding), None)
                if key is None:
                    port = aml.Port(type=expressions.data_kind(ctx, binding), description=f"{top}.{group}.{kind}")
                    key = draft.add_input(name, port, binding)
                path = f"${{{{inputs.{key}}}}}" + (expressions.shell_literal(f"/{rest}") if rest else "")
                words.append(f"--metric {expressions.shell_literal(name + '=')}{path}")
    return words


def _model_yaml(ctx: Context, step: ir.Step, name: str, data: ir.Value, approval: ir.Value) -> None:
    """models/<name>.yml when the artefact already sits at a fixed location (not a pipeline output)."""
    if not isinstance(data, str):
        return
    path = storage.datastore_uri(ctx, data, ctx.where(step, "Arguments", "InferenceSpecification"))
    if path is None:
        return
    stage = APPROVAL_STAGE.get(approval) if isinstance(approval, str) else None
    tags = {"approval_status": approval} if isinstance(approval, str) else {}
    ctx.models[name] = aml.Model(
        name=name,
        path=path,
        description=f"Model package group {name} (SageMaker step {step.name})",
        stage=stage,
        tags=tags,
    )
    ctx.diags.add(
        "SM2AML243",
        f"the model files are at {data}; models/{name}.yml registers them from {path} without the pipeline",
        where=ctx.where(step, "Arguments", "InferenceSpecification"),
    )


def _references(ctx: Context, model_step: str) -> Iterator[tuple[ir.Step, str]]:
    """Every use of Steps.<model_step>.ModelName in the pipeline, with its JSON pointer."""

    def walk(value: ir.Value, pointer: str) -> Iterator[str]:
        if isinstance(value, ir.StepProp) and value.step == model_step and value.path == ("ModelName",):
            yield pointer
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{pointer}/{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, f"{pointer}/{i}")
        elif isinstance(value, ir.Join):
            for i, item in enumerate(value.values):
                yield from walk(item, f"{pointer}/Std:Join/Values/{i}")

    for other in ctx.pipeline.all_steps():
        for pointer in walk(other.arguments, f"{other.where}/Arguments"):
            yield other, pointer


def _joined(value: ir.Value) -> str | None:
    return ",".join(v for v in value if isinstance(v, str)) if isinstance(value, list) else None
