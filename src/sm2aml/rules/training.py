"""TrainingStep (Estimator, framework estimators) → a command component run through the training launcher."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sm2aml import aml, ir, runtime
from sm2aml.rules import compute, expressions, function_steps, images, nodes
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
METRICS_FILE = "sm2aml_metrics.json"  # the MetricDefinitions the launcher scrapes from the script's output
# Characters MLflow refuses in a metric name (it accepts word characters, '.', '-', ' ', '/' and ':').
NOT_MLFLOW = re.compile(r"[^\w.\- /:]")
# What Training steps become, for the coverage matrix (`sm2aml rules`).
COVERAGE = {
    "Training": ("command node running the script through the training launcher", "approximate"),
    **function_steps.COVERAGE,
}
DROPPED = {
    "DebugHookConfig": "SageMaker Debugger hooks",
    "ProfilerConfig": "the SageMaker profiler",
    "ProfilerRuleConfigurations": "SageMaker profiler rules",
    "DebugRuleConfigurations": "Debugger rules",
    "TensorBoardOutputConfig": "TensorBoard output (log with MLflow instead)",
    "ExperimentConfig": "the experiment association (the pipeline job's experiment is used)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Trial:
    """A training component under construction: its draft, output names and tuned hyperparameter inputs."""

    draft: NodeDraft
    artifacts: str
    archive: str
    tuned: dict[str, str]  # hyperparameter name -> component input name
    script: bool  # False: a built-in algorithm, the command is a placeholder
    source: str | None  # where SageMaker kept the training code


def convert(step: ir.Step, ctx: Context) -> None:
    if function_steps.convert(step, ctx):  # @step functions and notebook jobs are training jobs too
        return
    trial = build(ctx, step, step.arguments, ctx.where(step, "Arguments"))
    draft = trial.draft
    ctx.step_outputs[(step.name, ("ModelArtifacts", "S3ModelArtifacts"))] = aml.NodeOutput(
        node=draft.name, output=trial.artifacts
    )
    ctx.step_outputs[(step.name, ("OutputDataConfig", "output.tar.gz"))] = aml.NodeOutput(
        node=draft.name, output=trial.archive
    )
    timeout = ir.get(step.arguments, "StoppingCondition", "MaxRuntimeInSeconds")
    if isinstance(timeout, int):
        draft.settings["timeout"] = timeout
    if not trial.script:
        ctx.outcome(step, "command node (placeholder)", "manual", draft.name)
    else:
        ctx.outcome(step, "command node", "approximate" if trial.source else "direct", draft.name)


def build(
    ctx: Context,
    step: ir.Step,
    args: ir.Value,
    at: str,
    *,
    hyperparameters: str = "HyperParameters",
    tuned: Mapping[str, aml.Port] | None = None,
    metric_hint: str = "",
) -> Trial:
    """The training component for training-job arguments `args` found at `at` (a TrainingStep's Arguments, or
    a tuning job's TrainingJobDefinition); `tuned` hyperparameters become inputs without a value."""
    draft = nodes.start(ctx, step)
    algo = ir.get(args, "AlgorithmSpecification")
    draft.environment = images.environment(
        ctx, ir.get(algo, "TrainingImage"), f"{at}/AlgorithmSpecification/TrainingImage"
    )
    channels = _channels(ctx, draft, args, at)
    model = draft.add_output("model", aml.Port(type="uri_folder", description="The model folder (SM_MODEL_DIR)"))
    artifacts = draft.add_output(
        "model_artifacts", aml.Port(type="uri_folder", description="model.tar.gz, as SageMaker stores ModelArtifacts")
    )
    output_data = draft.add_output("output_data", aml.Port(type="uri_folder", description="SM_OUTPUT_DATA_DIR"))
    archive = draft.add_output(
        "output_archive",
        aml.Port(type="uri_folder", description="output.tar.gz of SM_OUTPUT_DATA_DIR, as SageMaker stores it"),
    )
    res_key = "ResourceConfig" if ir.get(args, "ResourceConfig") is not None else "HyperParameterTuningResourceConfig"
    res = ir.get(args, res_key)
    draft.settings.update(
        compute.resources(ctx, step, ir.get(res, "InstanceType"), ir.get(res, "InstanceCount"), f"{at}/{res_key}")
    )
    _extras(ctx, args, at, res_key)
    metrics = _metrics(ctx, args, at, metric_hint)
    nodes.step_settings(ctx, draft, ir.get(args, "RoleArn"), at)
    env_prefix = nodes.environment_variables(ctx, draft, ir.get(args, "Environment"), f"{at}/Environment")
    raw_hps = ir.get(args, hyperparameters)
    hps = raw_hps if isinstance(raw_hps, dict) else {}
    program = decoded(hps.get("sagemaker_program"))
    hp_where = f"{at}/{hyperparameters}"
    ranged = dict(tuned or {})
    if not isinstance(program, str):
        draft.command = (
            "echo 'sm2aml: this step trained with a SageMaker built-in algorithm; "
            "replace this command with a training script' && exit 1"
        )
        ctx.diags.add(
            "SM2AML205",
            f"{step.name!r} uses the built-in algorithm image "
            f"{ir.get(algo, 'TrainingImage')}; the node fails until a training script replaces it",
            where=f"{at}/AlgorithmSpecification/TrainingImage",
        )
        placeholders = {name: draft.add_input(name, port, None) for name, port in sorted(ranged.items())}
        return Trial(draft=draft, artifacts=artifacts, archive=archive, tuned=placeholders, script=False, source=None)
    source = decoded(hps.get("sagemaker_submit_directory"))
    if isinstance(source, str):
        ctx.code_sources.append(
            aml.CodeSource(component=draft.component, uri=source, where=f"{hp_where}/sagemaker_submit_directory")
        )
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
    if metrics:
        draft.src_files[METRICS_FILE] = json.dumps(metrics, indent=2) + "\n"
        words.append(f"--metrics {METRICS_FILE}")
    inputs: dict[str, str] = {}
    for name in sorted({*hps, *ranged} - set(SAGEMAKER_HPS)):
        if name in ranged:
            inputs[name] = draft.add_input(name, ranged[name], None)
            words.append(_hp_word(name, inputs[name], ranged[name].type))
        else:
            words.append(_hyperparameter(ctx, draft, name, hps[name], f"{hp_where}/{name}"))
    draft.command = env_prefix + " ".join(words)
    return Trial(
        draft=draft,
        artifacts=artifacts,
        archive=archive,
        tuned=inputs,
        script=True,
        source=source if isinstance(source, str) else None,
    )


def _metrics(ctx: Context, args: ir.Value, at: str, hint: str) -> list[dict[str, str]]:
    """MetricDefinitions → what the launcher scrapes: MLflow-safe names, the regexes as they were."""
    where = f"{at}/AlgorithmSpecification/MetricDefinitions"
    found = ir.get(args, "AlgorithmSpecification", "MetricDefinitions")
    out = []
    for i, item in enumerate(found if isinstance(found, list) else []):
        name, regex = ir.get(item, "Name"), ir.get(item, "Regex")
        if not isinstance(name, str) or not isinstance(regex, str):
            ctx.diags.add("SM2AML209", "a metric definition without a literal Name and Regex", where=f"{where}/{i}")
            continue
        out.append({"Name": metric_name(ctx, name, f"{where}/{i}/Name"), "Regex": regex})
    if out:
        names = ", ".join(m["Name"] for m in out)
        message = (
            f"metrics {names}: the launcher reads the script's output with the same regexes, as SageMaker did, "
            "and logs every match to MLflow"
        )
        ctx.diags.add("SM2AML206", message, where=where, hint=hint)
    return out


def metric_name(ctx: Context, metric: str, where: str) -> str:
    """The MLflow name of a SageMaker metric: the same, unless it has characters MLflow refuses."""
    name = NOT_MLFLOW.sub("_", metric)
    if name != metric:
        ctx.diags.add(
            "SM2AML223",
            f"metric {metric!r} becomes {name!r}: MLflow metric names take only letters, digits, "
            "'_', '-', '.', ' ', '/' and ':'",
            where=where,
        )
    return name


def _channels(ctx: Context, draft: NodeDraft, args: ir.Value, at: str) -> list[tuple[str, str]]:
    out = []
    items = ir.get(args, "InputDataConfig")
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = f"{at}/InputDataConfig/{i}"
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


def decoded(value: ir.Value) -> ir.Value:
    if isinstance(value, str):
        try:
            loaded: ir.Value = json.loads(value)
        except ValueError:
            return value
        return loaded if isinstance(loaded, str | int | float | bool) else value
    return value


def _hyperparameter(ctx: Context, draft: NodeDraft, name: str, value: ir.Value, where: str) -> str:
    """A hyperparameter becomes a typed component input passed to the launcher as --hp name=value."""
    if isinstance(value, ir.Join) and value.on == "" and len(value.values) == 1:
        value = value.values[0]
    value = decoded(value)
    if isinstance(value, ir.ParamRef):
        text = expressions.command_text(ctx, draft, value, where)
        return f"--hp {expressions.shell_literal(name + '=')}{text}"
    if isinstance(value, bool | int | float | str):
        key = draft.add_input(
            name,
            aml.Port(type=HP_TYPES[type(value)], default=value, description=f"Hyperparameter {name}"),
            aml.Literal(value=value),
        )
        return _hp_word(name, key, HP_TYPES[type(value)])
    text = expressions.command_text(ctx, draft, value, where)
    return f"--hp {expressions.shell_literal(name + '=')}{text}"


def _hp_word(name: str, key: str, kind: str) -> str:
    """The launcher argument passing component input `key` as hyperparameter `name`."""
    ref = f"${{{{inputs.{key}}}}}"
    return f"--hp '{name}={ref}'" if kind == "string" else f"--hp {name}={ref}"


def _extras(ctx: Context, args: ir.Value, at: str, res_key: str) -> None:
    for key, what in DROPPED.items():
        if ir.get(args, key) is not None:
            ctx.diags.add("SM2AML209", f"{what} is dropped", where=f"{at}/{key}")
    if ir.get(args, "CheckpointConfig") is not None:
        ctx.diags.add(
            "SM2AML212", "CheckpointConfig: checkpoints are not synced to storage", where=f"{at}/CheckpointConfig"
        )
    if ir.get(args, "EnableManagedSpotTraining") is True:
        ctx.diags.add("SM2AML312", "managed spot training", where=f"{at}/EnableManagedSpotTraining")
    if ir.get(args, "VpcConfig") is not None:
        ctx.diags.add("SM2AML305", "VpcConfig is set by the workspace network in Azure ML", where=f"{at}/VpcConfig")
    for key in ("VolumeKmsKeyId",):
        if ir.get(args, res_key, key) is not None:
            ctx.diags.add("SM2AML306", f"{key} has no per-job equivalent", where=f"{at}/{res_key}/{key}")
    if ir.get(args, "OutputDataConfig", "KmsKeyId") is not None:
        ctx.diags.add("SM2AML306", "output KmsKeyId has no per-job equivalent", where=f"{at}/OutputDataConfig/KmsKeyId")
    if ir.get(args, res_key, "VolumeSizeInGB") is not None:
        ctx.diags.add("SM2AML307", "VolumeSizeInGB is not needed", where=f"{at}/{res_key}/VolumeSizeInGB")
    out = ir.get(args, "OutputDataConfig", "S3OutputPath")
    if out is not None:
        ctx.diags.add(
            "SM2AML309",
            f"model artefacts went to {expressions.describe(out)}; Azure ML now manages their location",
            where=f"{at}/OutputDataConfig/S3OutputPath",
        )
