"""EMR / EMR Serverless steps that run spark-submit → a serverless Spark node; other EMR steps → a placeholder."""

from __future__ import annotations

import shlex

from sm2aml import ir
from sm2aml.diagnostics import Severity
from sm2aml.rules import aws_only, nodes, spark_submit
from sm2aml.rules.context import Context

# What each type becomes, for the coverage matrix (`sm2aml rules`).
COVERAGE = {
    "EMR": ("spark-submit steps: serverless Spark node; other jar steps: placeholder node", "approximate"),
    "EMRServerless": ("sparkSubmit jobs: serverless Spark node; others: placeholder node", "approximate"),
}
# EMR Serverless sizes a job like this unless the Spark parameters say otherwise (4 vCPU, 16 GB workers).
SERVERLESS_DEFAULT = "ml.m5.xlarge"


def convert(step: ir.Step, ctx: Context) -> None:
    """EMRStep: a `command-runner.jar` step running spark-submit becomes a Spark node."""
    at = ctx.where(step, "Arguments", "StepConfig", "HadoopJarStep")
    hadoop = ir.get(step.arguments, "StepConfig", "HadoopJarStep")
    words = ir.get(hadoop, "Args")
    kind = aws_only.KINDS["EMR"]
    cluster = ir.get(step.arguments, "ClusterId")
    where_run = f"cluster {aws_only.text(cluster)}" if cluster is not None else "a cluster the step creates"
    if not (isinstance(words, list) and words and words[0] == "spark-submit"):
        details: list[tuple[str, ir.Value]] = [("jar", ir.get(hadoop, "Jar")), ("on", where_run)]
        if ir.get(hadoop, "MainClass") is not None:
            details.append(("main class", ir.get(hadoop, "MainClass")))
        if isinstance(words, list) and words:
            details.append(("arguments", " ".join(aws_only.text(w) for w in words)))
        aws_only.placeholder(ctx, step, kind, details=details, inputs={})
        return
    instance_type, count = _cluster_size(ctx, step)
    draft = nodes.start(ctx, step)
    nodes.step_settings(ctx, draft, None, ctx.where(step, "Arguments"))
    itype, conf = spark_submit.sizing(ctx, step, instance_type, count, ctx.where(step, "Arguments", "ClusterConfig"))
    if ir.get(hadoop, "Properties") is not None:
        ctx.diags.add("SM2AML209", "HadoopJarStep.Properties are not carried over", where=f"{at}/Properties")
    submit = spark_submit.parse(words[1:])
    wheres = [f"{at}/Args/{i}" for i in range(1, len(words))]
    spark_submit.build(ctx, draft, submit, at, wheres=wheres, paths={}, channels={}, conf=conf, instance_type=itype)
    ctx.diags.add(
        kind.code,
        f"EMR step {step.name!r} ran spark-submit on {where_run}; it becomes serverless Spark node {draft.name!r}",
        where=step.where,
        severity=Severity.WARNING,
    )
    ctx.outcome(step, "spark node (serverless Spark)", "approximate", draft.name)


def serverless(step: ir.Step, ctx: Context) -> None:
    """EMRServerlessStep: a `sparkSubmit` job driver becomes a Spark node."""
    job = ir.get(step.arguments, "JobConfig")
    at = ctx.where(step, "Arguments", "JobConfig", "jobDriver", "sparkSubmit")
    submit_spec = ir.get(job, "jobDriver", "sparkSubmit")
    kind = aws_only.KINDS["EMRServerless"]
    app = ir.get(step.arguments, "ApplicationId")
    where_run = f"application {aws_only.text(app)}" if app is not None else "an application the step creates"
    entry = ir.get(submit_spec, "entryPoint")
    if entry is None:
        driver = ir.get(job, "jobDriver")
        kinds = ", ".join(sorted(driver)) if isinstance(driver, dict) else "?"
        aws_only.placeholder(ctx, step, kind, details=[("job driver", kinds), ("on", where_run)], inputs={})
        return
    params = ir.get(submit_spec, "sparkSubmitParameters")
    words: list[ir.Value] = list(shlex.split(params)) if isinstance(params, str) else []
    if params is not None and not isinstance(params, str):
        ctx.diags.add("SM2AML402", "sparkSubmitParameters are computed at run time", where=at)
    arguments = ir.get(submit_spec, "entryPointArguments")
    words.append(entry)
    words.extend(arguments if isinstance(arguments, list) else [])
    count = len(arguments) if isinstance(arguments, list) else 0
    wheres = [at] * (len(words) - count) + [f"{at}/entryPointArguments/{i}" for i in range(count)]
    draft = nodes.start(ctx, step)
    nodes.step_settings(ctx, draft, ir.get(step.arguments, "ExecutionRoleArn"), ctx.where(step, "Arguments"))
    itype, conf = spark_submit.sizing(ctx, step, SERVERLESS_DEFAULT, 1, ctx.where(step, "Arguments", "JobConfig"))
    submit = spark_submit.parse(words)
    submit.conf = _overrides(job) | submit.conf
    spark_submit.build(ctx, draft, submit, at, wheres=wheres, paths={}, channels={}, conf=conf, instance_type=itype)
    ctx.diags.add(
        kind.code,
        f"EMR Serverless step {step.name!r} ran a Spark job on {where_run}; it becomes serverless Spark node "
        f"{draft.name!r} sized like an EMR Serverless default worker unless its parameters say otherwise",
        where=step.where,
        severity=Severity.WARNING,
    )
    ctx.outcome(step, "spark node (serverless Spark)", "approximate", draft.name)


def _cluster_size(ctx: Context, step: ir.Step) -> tuple[ir.Value, ir.Value]:
    """Core instance group of a cluster the step creates (EC2 type as its ml. equivalent); unknown otherwise."""
    groups = ir.get(step.arguments, "ClusterConfig", "Instances", "InstanceGroups")
    for group in groups if isinstance(groups, list) else []:
        if ir.get(group, "InstanceRole") == "CORE":
            itype = ir.get(group, "InstanceType")
            return (f"ml.{itype}" if isinstance(itype, str) else itype), ir.get(group, "InstanceCount")
    ctx.diags.add(
        "SM2AML303",
        f"the size of the EMR cluster of {step.name!r} is not in the definition; the Spark job gets default sizes",
        where=ctx.where(step, "Arguments"),
    )
    return SERVERLESS_DEFAULT, 1


def _overrides(job: ir.Value) -> dict[str, str]:
    """spark-defaults properties from configurationOverrides.applicationConfiguration."""
    out: dict[str, str] = {}
    items = ir.get(job, "configurationOverrides", "applicationConfiguration")
    for item in items if isinstance(items, list) else []:
        props = ir.get(item, "properties")
        if ir.get(item, "classification") == "spark-defaults" and isinstance(props, dict):
            out |= {k: str(v) for k, v in props.items() if isinstance(v, str | int | float)}
    return out
