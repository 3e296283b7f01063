"""ProcessingStep → a command component run through the processing launcher, and its node."""

from __future__ import annotations

from sm2aml import aml, ir, runtime
from sm2aml.rules import compute, expressions, images, nodes
from sm2aml.rules.context import Context, NodeDraft

# What Processing steps become, for the coverage matrix (`sm2aml rules`).
COVERAGE = {
    "Processing": ("command node running the script through the processing launcher", "approximate"),
    "Processing (Spark: PySparkProcessor, SparkJarProcessor)": ("spark node (serverless Spark)", "approximate"),
}
CODE_ROOT = "/opt/ml/processing/input/"
CODE_INPUTS = ("code", "entrypoint")


def convert(step: ir.Step, ctx: Context) -> None:
    from sm2aml.rules import spark  # spark builds on this module

    if spark.is_spark(step):
        spark.convert(step, ctx)
        return
    args = step.arguments
    draft = nodes.start(ctx, step)
    app = ir.get(args, "AppSpecification")
    draft.environment = images.environment(
        ctx, ir.get(app, "ImageUri"), ctx.where(step, "Arguments", "AppSpecification", "ImageUri")
    )
    maps, code_paths = _inputs(ctx, draft)
    maps += _outputs(ctx, draft)
    cluster = ir.get(args, "ProcessingResources", "ClusterConfig")
    where = ctx.where(step, "Arguments", "ProcessingResources", "ClusterConfig")
    draft.settings.update(
        compute.resources(ctx, step, ir.get(cluster, "InstanceType"), ir.get(cluster, "InstanceCount"), where)
    )
    _extras(ctx, step)
    timeout = ir.get(args, "StoppingCondition", "MaxRuntimeInSeconds")
    if isinstance(timeout, int):
        draft.settings["timeout"] = timeout
    nodes.step_settings(ctx, draft, ir.get(args, "RoleArn"), ctx.where(step, "Arguments"))
    env_prefix = nodes.environment_variables(
        ctx, draft, ir.get(args, "Environment"), ctx.where(step, "Arguments", "Environment")
    )
    entry = ir.get(app, "ContainerEntrypoint")
    at = ctx.where(step, "Arguments", "AppSpecification")
    if not isinstance(entry, list) or not entry:
        draft.command = "echo 'sm2aml: this step ran the image default entrypoint; replace this command' && exit 1"
        ctx.diags.add(
            "SM2AML202",
            f"processing step {step.name!r} has no ContainerEntrypoint; the node fails "
            "until its command is written by hand",
            where=at,
        )
        ctx.outcome(step, "command node (placeholder)", "manual", draft.name)
        return
    words = [expressions.command_text(ctx, draft, w, f"{at}/ContainerEntrypoint/{i}") for i, w in enumerate(entry)]
    container_args = ir.get(app, "ContainerArguments")
    if isinstance(container_args, list):
        words += [
            expressions.command_text(ctx, draft, a, f"{at}/ContainerArguments/{i}")
            for i, a in enumerate(container_args)
        ]
    launcher = runtime.LAUNCHERS["processing"]
    draft.src_files[launcher] = runtime.source("processing")
    map_args = " ".join(f"--map {expressions.shell_literal(c)}={local}" for c, local in maps)
    map_args += "".join(f" --metrics-json {expressions.shell_literal(f)}" for f in _metric_files(ctx, step))
    draft.command = f"{env_prefix}python {launcher} {map_args} -- {' '.join(words)}"
    paths = sorted({c for c, _ in maps} - set(code_paths))
    if paths:
        ctx.diags.add(
            "SM2AML204",
            f"{step.name!r} reads/writes container paths {', '.join(paths)}; the "
            f"launcher {launcher} points them at the Azure ML folders at run time",
            where=at,
        )
    ctx.outcome(step, "command node", "approximate" if code_paths else "direct", draft.name)


def _metric_files(ctx: Context, step: ir.Step) -> list[str]:
    """The container paths of the step's property files: the launcher logs their numbers to MLflow."""
    outputs = ir.get(step.arguments, "ProcessingOutputConfig", "Outputs")
    local: dict[str, ir.Value] = {}
    for item in outputs if isinstance(outputs, list) else []:
        name = ir.get(item, "OutputName")
        if isinstance(name, str):
            local[name] = ir.get(item, "S3Output", "LocalPath")
    files = []
    for pf in step.property_files:
        folder = local.get(pf.output_name)
        if isinstance(folder, str):
            files.append(f"{folder.rstrip('/')}/{pf.file_path.lstrip('/')}")
            ctx.diags.add(
                "SM2AML216",
                f"property file {pf.name!r} ({pf.file_path} in output {pf.output_name!r}): its numbers are logged "
                "as MLflow metrics of the job when the step succeeds",
                where=ctx.where(step, "PropertyFiles"),
            )
    return files


def _inputs(ctx: Context, draft: NodeDraft) -> tuple[list[tuple[str, str]], list[str]]:
    step = draft.step
    maps: list[tuple[str, str]] = []
    code_paths: list[str] = []
    items = ir.get(step.arguments, "ProcessingInputs")
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = ctx.where(step, "Arguments", "ProcessingInputs", i)
        name = ir.get(item, "InputName")
        local = ir.get(item, "S3Input", "LocalPath")
        uri = ir.get(item, "S3Input", "S3Uri")
        if not isinstance(local, str):
            ctx.diags.add(
                "SM2AML209", f"input {name!r} is not an S3 input (dataset definitions are not converted)", where=where
            )
            continue
        if name in CODE_INPUTS and local.startswith(CODE_ROOT):
            maps.append((local, "."))
            code_paths.append(local)
            ctx.diags.add(
                "SM2AML203",
                f"code for {step.name!r} is at {uri if isinstance(uri, str) else '?'}; "
                f"copy it into components/{draft.component}/src/ (see data_migration/fetch_code.sh)",
                where=f"{where}/S3Input/S3Uri",
            )
            if isinstance(uri, str):
                ctx.code_sources.append(
                    aml.CodeSource(component=draft.component, uri=uri, where=f"{where}/S3Input/S3Uri")
                )
            continue
        binding = expressions.data_binding(ctx, uri, f"{where}/S3Input/S3Uri")
        mode = ir.get(item, "S3Input", "S3InputMode")
        port = aml.Port(
            type=expressions.data_kind(ctx, binding),
            mode="download" if mode == "File" else None,
            description=f"SageMaker input {name} at {local}",
        )
        key = draft.add_input(str(name or f"input_{i + 1}"), port, binding)
        maps.append((local, f"${{{{inputs.{key}}}}}"))
    return maps, code_paths


def _outputs(ctx: Context, draft: NodeDraft) -> list[tuple[str, str]]:
    return declare_outputs(ctx, draft)


def declare_outputs(
    ctx: Context, draft: NodeDraft, *, mode: str | None = None, skipped: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """ProcessingOutputs → component outputs (registered for downstream Get); (container path, binding) pairs.

    `skipped` maps container paths that need no output to the finding that says why.
    """
    step = draft.step
    maps: list[tuple[str, str]] = []
    items = ir.get(step.arguments, "ProcessingOutputConfig", "Outputs")
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = ctx.where(step, "Arguments", "ProcessingOutputConfig", "Outputs", i)
        name, local = ir.get(item, "OutputName"), ir.get(item, "S3Output", "LocalPath")
        if not isinstance(name, str) or not isinstance(local, str):
            ctx.diags.add("SM2AML209", "an output without OutputName or S3Output.LocalPath is skipped", where=where)
            continue
        if skipped and local.rstrip("/") in skipped:
            ctx.diags.add("SM2AML209", skipped[local.rstrip("/")], where=where)
            continue
        port = aml.Port(type="uri_folder", mode=mode, description=f"SageMaker output {name} at {local}")
        key = draft.add_output(name, port)
        ctx.step_outputs[(step.name, ("ProcessingOutputConfig", "Outputs", name, "S3Output", "S3Uri"))] = (
            aml.NodeOutput(node=draft.name, output=key)
        )
        destination = ir.get(item, "S3Output", "S3Uri")
        ctx.diags.add(
            "SM2AML309",
            f"output {name!r} was written to {expressions.describe(destination)}; Azure ML now manages its location",
            where=f"{where}/S3Output/S3Uri",
        )
        maps.append((local, f"${{{{outputs.{key}}}}}"))
    return maps


def _extras(ctx: Context, step: ir.Step) -> None:
    args = step.arguments
    cluster = ir.get(args, "ProcessingResources", "ClusterConfig")
    base = ctx.where(step, "Arguments", "ProcessingResources", "ClusterConfig")
    if ir.get(cluster, "VolumeSizeInGB") is not None:
        ctx.diags.add(
            "SM2AML307",
            f"VolumeSizeInGB={ir.get(cluster, 'VolumeSizeInGB')} is not needed",
            where=f"{base}/VolumeSizeInGB",
        )
    if ir.get(cluster, "VolumeKmsKeyId") is not None:
        ctx.diags.add("SM2AML306", "VolumeKmsKeyId has no per-job equivalent", where=f"{base}/VolumeKmsKeyId")
    if ir.get(args, "NetworkConfig") is not None:
        ctx.diags.add(
            "SM2AML305",
            "NetworkConfig (VPC, isolation) is set by the workspace in Azure ML",
            where=ctx.where(step, "Arguments", "NetworkConfig"),
        )
    if ir.get(args, "ProcessingOutputConfig", "KmsKeyId") is not None:
        ctx.diags.add(
            "SM2AML306",
            "output KmsKeyId has no per-job equivalent",
            where=ctx.where(step, "Arguments", "ProcessingOutputConfig", "KmsKeyId"),
        )
