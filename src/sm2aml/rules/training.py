"""TrainingStep (Estimator, framework estimators) → a command component run through the training launcher."""

from __future__ import annotations

import json

from sm2aml import aml, ir, runtime
from sm2aml.rules import compute, expressions, images, nodes
from sm2aml.rules.context import Context, NodeDraft

SAGEMAKER_HPS = (
    "sagemaker_program",
    "sagemaker_submit_directory",
    "sagemaker_container_log_level",
    "sagemaker_region",
    "sagemaker_job_name",
    "sagemaker_estimator_class_name",
    "sagemaker_estimator_module",
)
HP_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}
DROPPED = {
    "DebugHookConfig": "SageMaker Debugger hooks",
    "ProfilerConfig": "the SageMaker profiler",
    "ProfilerRuleConfigurations": "SageMaker profiler rules",
    "DebugRuleConfigurations": "Debugger rules",
    "TensorBoardOutputConfig": "TensorBoard output (log with MLflow instead)",
    "ExperimentConfig": "the experiment association (the pipeline job's experiment is used)",
}


def convert(step: ir.Step, ctx: Context) -> None:
    args = step.arguments
    draft = nodes.start(ctx, step)
    algo = ir.get(args, "AlgorithmSpecification")
    at = ctx.where(step, "Arguments", "AlgorithmSpecification")
    draft.environment = images.environment(ctx, ir.get(algo, "TrainingImage"), f"{at}/TrainingImage")
    channels = _channels(ctx, draft)
    model = draft.add_output("model", aml.Port(type="uri_folder", description="The model folder (SM_MODEL_DIR)"))
    artifacts = draft.add_output(
        "model_artifacts", aml.Port(type="uri_folder", description="model.tar.gz, as SageMaker stores ModelArtifacts")
    )
    output_data = draft.add_output("output_data", aml.Port(type="uri_folder", description="SM_OUTPUT_DATA_DIR"))
    archive = draft.add_output(
        "output_archive",
        aml.Port(type="uri_folder", description="output.tar.gz of SM_OUTPUT_DATA_DIR, as SageMaker stores it"),
    )
    ctx.step_outputs[(step.name, ("ModelArtifacts", "S3ModelArtifacts"))] = aml.NodeOutput(
        node=draft.name, output=artifacts
    )
    ctx.step_outputs[(step.name, ("OutputDataConfig", "output.tar.gz"))] = aml.NodeOutput(
        node=draft.name, output=archive
    )
    res = ir.get(args, "ResourceConfig")
    draft.settings.update(
        compute.resources(
            ctx,
            step,
            ir.get(res, "InstanceType"),
            ir.get(res, "InstanceCount"),
            ctx.where(step, "Arguments", "ResourceConfig"),
        )
    )
    timeout = ir.get(args, "StoppingCondition", "MaxRuntimeInSeconds")
    if isinstance(timeout, int):
        draft.settings["timeout"] = timeout
    _extras(ctx, step)
    nodes.step_settings(ctx, draft, ir.get(args, "RoleArn"), ctx.where(step, "Arguments"))
    env_prefix = nodes.environment_variables(
        ctx, draft, ir.get(args, "Environment"), ctx.where(step, "Arguments", "Environment")
    )
    raw_hps = ir.get(args, "HyperParameters")
    hps = raw_hps if isinstance(raw_hps, dict) else {}
    program = _decoded(hps.get("sagemaker_program"))
    hp_where = ctx.where(step, "Arguments", "HyperParameters")
    if not isinstance(program, str):
        draft.command = (
            "echo 'sm2aml: this step trained with a SageMaker built-in algorithm; "
            "replace this command with a training script' && exit 1"
        )
        ctx.diags.add(
            "SM2AML205",
            f"{step.name!r} uses the built-in algorithm image "
            f"{ir.get(algo, 'TrainingImage')}; the node fails until a training script replaces it",
            where=f"{at}/TrainingImage",
        )
        ctx.outcome(step, "command node (placeholder)", "manual", draft.name)
        return
    source = _decoded(hps.get("sagemaker_submit_directory"))
    if isinstance(source, str):
        ctx.code_sources.append(aml.CodeSource(component=draft.component, uri=source))
        ctx.diags.add(
            "SM2AML203",
            f"training code for {step.name!r} is at {source}; extract it into "
            f"components/{draft.component}/src/ (see data_migration/fetch_code.sh)",
            where=f"{hp_where}/sagemaker_submit_directory",
        )
    launcher = runtime.LAUNCHERS["training"]
    draft.src_files[launcher] = runtime.source("training")
    words = [
        f"python {launcher}",
        f"--entry-point {expressions.shell_literal(program)}",
        f"--model-dir ${{{{outputs.{model}}}}}",
        f"--artifacts ${{{{outputs.{artifacts}}}}}",
        f"--output-data-dir ${{{{outputs.{output_data}}}}}",
        f"--output-archive ${{{{outputs.{archive}}}}}",
    ]
    words += [f"--channel {expressions.shell_literal(c)}=${{{{inputs.{key}}}}}" for c, key in channels]
    words += [
        _hyperparameter(ctx, draft, name, value, f"{hp_where}/{name}")
        for name, value in sorted(hps.items())
        if name not in SAGEMAKER_HPS
    ]
    draft.command = env_prefix + " ".join(words)
    ctx.outcome(step, "command node", "direct" if not isinstance(source, str) else "approximate", draft.name)


def _channels(ctx: Context, draft: NodeDraft) -> list[tuple[str, str]]:
    step = draft.step
    out = []
    items = ir.get(step.arguments, "InputDataConfig")
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = ctx.where(step, "Arguments", "InputDataConfig", i)
        name = ir.get(item, "ChannelName")
        uri = ir.get(item, "DataSource", "S3DataSource", "S3Uri")
        if not isinstance(name, str) or uri is None:
            ctx.diags.add("SM2AML209", "a channel without ChannelName or S3 data source is skipped", where=where)
            continue
        binding = expressions.data_binding(ctx, uri, f"{where}/DataSource/S3DataSource/S3Uri")
        key = draft.add_input(
            name, aml.Port(type=expressions.data_kind(ctx, binding), description=f"SageMaker channel {name}"), binding
        )
        out.append((name, key))
    return out


def _decoded(value: ir.Value) -> ir.Value:
    if isinstance(value, str):
        try:
            decoded: ir.Value = json.loads(value)
        except ValueError:
            return value
        return decoded if isinstance(decoded, str | int | float | bool) else value
    return value


def _hyperparameter(ctx: Context, draft: NodeDraft, name: str, value: ir.Value, where: str) -> str:
    """A hyperparameter becomes a typed component input passed to the launcher as --hp name=value."""
    if isinstance(value, ir.Join) and value.on == "" and len(value.values) == 1:
        value = value.values[0]
    value = _decoded(value)
    if isinstance(value, ir.ParamRef):
        text = expressions.command_text(ctx, draft, value, where)
        return f"--hp {expressions.shell_literal(name + '=')}{text}"
    if isinstance(value, bool | int | float | str):
        key = draft.add_input(
            name,
            aml.Port(type=HP_TYPES[type(value)], default=value, description=f"Hyperparameter {name}"),
            aml.Literal(value=value),
        )
        ref = f"${{{{inputs.{key}}}}}"
        return f"--hp '{name}={ref}'" if isinstance(value, str) else f"--hp {name}={ref}"
    text = expressions.command_text(ctx, draft, value, where)
    return f"--hp {expressions.shell_literal(name + '=')}{text}"


def _extras(ctx: Context, step: ir.Step) -> None:
    args = step.arguments
    for key, what in DROPPED.items():
        if ir.get(args, key) is not None:
            ctx.diags.add("SM2AML209", f"{what} is dropped", where=ctx.where(step, "Arguments", key))
    metrics = ir.get(args, "AlgorithmSpecification", "MetricDefinitions")
    if isinstance(metrics, list) and metrics:
        names = ", ".join(str(ir.get(m, "Name")) for m in metrics)
        ctx.diags.add(
            "SM2AML206",
            f"metrics {names} were read from logs by regex; log them with mlflow.log_metric under the same names",
            where=ctx.where(step, "Arguments", "AlgorithmSpecification", "MetricDefinitions"),
        )
    if ir.get(args, "CheckpointConfig") is not None:
        ctx.diags.add(
            "SM2AML212",
            "CheckpointConfig: checkpoints are not synced to storage",
            where=ctx.where(step, "Arguments", "CheckpointConfig"),
        )
    if ir.get(args, "EnableManagedSpotTraining") is True:
        ctx.diags.add(
            "SM2AML312", "managed spot training", where=ctx.where(step, "Arguments", "EnableManagedSpotTraining")
        )
    if ir.get(args, "VpcConfig") is not None:
        ctx.diags.add(
            "SM2AML305",
            "VpcConfig is set by the workspace network in Azure ML",
            where=ctx.where(step, "Arguments", "VpcConfig"),
        )
    for key in ("VolumeKmsKeyId",):
        if ir.get(args, "ResourceConfig", key) is not None:
            ctx.diags.add(
                "SM2AML306",
                f"{key} has no per-job equivalent",
                where=ctx.where(step, "Arguments", "ResourceConfig", key),
            )
    if ir.get(args, "OutputDataConfig", "KmsKeyId") is not None:
        ctx.diags.add(
            "SM2AML306",
            "output KmsKeyId has no per-job equivalent",
            where=ctx.where(step, "Arguments", "OutputDataConfig", "KmsKeyId"),
        )
    if ir.get(args, "ResourceConfig", "VolumeSizeInGB") is not None:
        ctx.diags.add(
            "SM2AML307",
            "VolumeSizeInGB is not needed",
            where=ctx.where(step, "Arguments", "ResourceConfig", "VolumeSizeInGB"),
        )
    out = ir.get(args, "OutputDataConfig", "S3OutputPath")
    if out is not None:
        ctx.diags.add(
            "SM2AML309",
            f"model artefacts went to {expressions.describe(out)}; Azure ML now manages their location",
            where=ctx.where(step, "Arguments", "OutputDataConfig", "S3OutputPath"),
        )
