"""Spark processing (PySparkProcessor, SparkJarProcessor) → a spark component run as a serverless Spark node."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sm2aml import aml, ir
from sm2aml.rules import expressions, nodes, processing, spark_submit
from sm2aml.rules.context import Context, NodeDraft
from sm2aml.rules.spark_submit import CHANNELS, CODE_CHANNELS

IMAGE = re.compile(r"/sagemaker-spark-processing(:|@|$)")
INPUT_ROOT = "/opt/ml/processing/input/"
EVENT_LOGS = "/opt/ml/processing/spark-events"


def is_spark(step: ir.Step) -> bool:
    """A Processing step that runs the SageMaker Spark container."""
    image = ir.get(step.arguments, "AppSpecification", "ImageUri")
    return isinstance(image, str) and bool(IMAGE.search(image))


def convert(step: ir.Step, ctx: Context) -> None:
    args = step.arguments
    draft = nodes.start(ctx, step)
    at = ctx.where(step, "Arguments", "AppSpecification")
    words: list[ir.Value] = []
    wheres: list[str] = []
    for key in ("ContainerEntrypoint", "ContainerArguments"):
        found = ir.get(args, "AppSpecification", key)
        words += found if isinstance(found, list) else []
        wheres += [f"{at}/{key}/{i}" for i in range(len(found))] if isinstance(found, list) else []
    paths, channels = _inputs(ctx, draft)
    paths.update(_outputs(ctx, draft))
    cluster = ir.get(args, "ProcessingResources", "ClusterConfig")
    instance_type, conf = spark_submit.sizing(
        ctx,
        step,
        ir.get(cluster, "InstanceType"),
        ir.get(cluster, "InstanceCount"),
        ctx.where(step, "Arguments", "ProcessingResources", "ClusterConfig"),
    )
    processing._extras(ctx, step)
    nodes.step_settings(ctx, draft, ir.get(args, "RoleArn"), ctx.where(step, "Arguments"))
    conf.update(_environment(ctx, ir.get(args, "Environment"), ctx.where(step, "Arguments", "Environment")))
    timeout = ir.get(args, "StoppingCondition", "MaxRuntimeInSeconds")
    if timeout is not None:
        ctx.diags.add(
            "SM2AML209",
            f"MaxRuntimeInSeconds={timeout}: Spark jobs have no run-time limit",
            where=ctx.where(step, "Arguments", "StoppingCondition"),
        )
    submit = spark_submit.parse(words[1:])
    spark_submit.build(
        ctx,
        draft,
        submit,
        at,
        wheres=wheres[1:],
        paths=paths,
        channels=channels,
        conf=conf,
        instance_type=instance_type,
    )
    ctx.outcome(step, "spark node (serverless Spark)", "approximate", draft.name)


def _environment(ctx: Context, env: ir.Value, where: str) -> dict[str, Any]:
    """Environment variables become spark.executorEnv.* / spark.yarn.appMasterEnv.* settings."""
    out: dict[str, Any] = {}
    for key, value in sorted(env.items()) if isinstance(env, dict) else []:
        if nodes.looks_secret(key, value) or not isinstance(value, str | int | float | bool):
            code = "SM2AML210" if nodes.looks_secret(key, value) else "SM2AML402"
            ctx.diags.add(code, f"environment variable {key} is not copied into the Spark conf", where=f"{where}/{key}")
            continue
        out[f"spark.executorEnv.{key}"] = out[f"spark.yarn.appMasterEnv.{key}"] = str(value)
    return out


def _inputs(ctx: Context, draft: NodeDraft) -> tuple[dict[str, str], dict[str, tuple[str, ir.Value]]]:
    """Data inputs as direct-mode component inputs; code, configuration and dependency channels apart."""
    step = draft.step
    paths: dict[str, str] = {}
    channels: dict[str, tuple[str, ir.Value]] = {}
    items = ir.get(step.arguments, "ProcessingInputs")
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = ctx.where(step, "Arguments", "ProcessingInputs", i)
        name, local = ir.get(item, "InputName"), ir.get(item, "S3Input", "LocalPath")
        uri = ir.get(item, "S3Input", "S3Uri")
        if not isinstance(local, str):
            ctx.diags.add("SM2AML209", f"input {name!r} is not an S3 input and is skipped", where=where)
            continue
        if isinstance(name, str) and (
            name in CODE_CHANNELS or (name in (*CHANNELS, "conf") and local.rstrip("/") == INPUT_ROOT + name)
        ):
            channels[name] = (local, uri)
            if name == "conf":
                ctx.diags.add(
                    "SM2AML251",
                    f"the Spark configuration of {step.name!r} is in {spark_submit.text(uri)}; "
                    "its values are not in the definition",
                    where=f"{where}/S3Input/S3Uri",
                    hint=f"aws s3 cp {uri} - shows it; copy its Properties into conf in "
                    f"components/{draft.component}/component.yml.",
                )
            continue
        binding = expressions.data_binding(ctx, uri, f"{where}/S3Input/S3Uri")
        if isinstance(binding, aml.DataPath):
            binding = replace(binding, mode="direct")
        port = aml.Port(
            type=expressions.data_kind(ctx, binding), mode="direct", description=f"SageMaker input {name} at {local}"
        )
        key = draft.add_input(str(name or f"input_{i + 1}"), port, binding)
        paths[local.rstrip("/")] = f"${{{{inputs.{key}}}}}"
    return paths, channels


def _outputs(ctx: Context, draft: NodeDraft) -> dict[str, str]:
    event_logs = "Spark event logs: Azure ML keeps them with the job's logs (Spark UI in the studio)"
    pairs = processing.declare_outputs(ctx, draft, mode="direct", skipped={EVENT_LOGS: event_logs})
    return {local.rstrip("/"): binding for local, binding in pairs}
