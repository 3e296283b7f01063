"""The SDK's _RepackModelStep (a Training step X-RepackModel-i) → a command node adding the inference code."""

from __future__ import annotations

import json
import re

from sm2aml import aml, ir, runtime
from sm2aml.rules import compute, expressions, nodes
from sm2aml.rules.context import Context

REPACK_NAME = re.compile(r"-RepackModel-[^/]+$")


def is_repack(step: ir.Step) -> bool:
    """The SDK's _RepackModelStep: a Training step named X-RepackModel-i running SageMaker's repack script."""
    hps = ir.get(step.arguments, "HyperParameters")
    return (
        step.type == "Training"
        and bool(REPACK_NAME.search(step.name))
        and isinstance(hps, dict)
        and {"inference_script", "model_archive"} <= set(hps)
    )


def convert(step: ir.Step, ctx: Context) -> None:
    """_RepackModelStep → a command node that adds the inference code to the model, with a stdlib launcher."""
    from sm2aml.rules.model import REGISTRY_ENVIRONMENT, Serving, code_source, model_input  # rare: load on use

    args = step.arguments
    draft = nodes.start(ctx, step)
    draft.environment = REGISTRY_ENVIRONMENT
    hps = ir.get(args, "HyperParameters")
    hp = {k: _decoded(v) for k, v in hps.items()} if isinstance(hps, dict) else {}
    channel = ir.get(args, "InputDataConfig", 0, "DataSource", "S3DataSource", "S3Uri")
    where = ctx.where(step, "Arguments", "InputDataConfig", 0, "DataSource", "S3DataSource", "S3Uri")
    packed = model_input(ctx, draft, channel, where, unpacked=False, wanted="packed_model")
    model = draft.add_output("model", aml.Port(type="uri_folder", description="The model folder with code/"))
    artifacts = draft.add_output("model_artifacts", aml.Port(type="uri_folder", description="The repacked tarball"))
    ctx.step_outputs[(step.name, ("ModelArtifacts", "S3ModelArtifacts"))] = aml.NodeOutput(
        node=draft.name, output=artifacts
    )
    submit = hp.get("sagemaker_submit_directory")
    serving = Serving(program=None, submit=submit if isinstance(submit, str) else None, variables={})
    code_source(ctx, draft, serving, ctx.where(step, "Arguments", "HyperParameters", "sagemaker_submit_directory"))
    launcher = runtime.LAUNCHERS["repack"]
    draft.src_files[launcher] = runtime.source("repack")
    script = str(hp.get("inference_script") or "inference.py")
    words = [
        f"python {launcher}",
        f"--model ${{{{inputs.{packed}}}}}",
        f"--inference-script {expressions.shell_literal(script)}",
        f"--model-dir ${{{{outputs.{model}}}}}",
        f"--artifacts ${{{{outputs.{artifacts}}}}}",
    ]
    if isinstance(hp.get("source_dir"), str):
        words.append("--source-dir")
    dependencies = hp.get("dependencies")
    for dependency in dependencies.split() if isinstance(dependencies, str) else []:
        words.append(f"--dependency {expressions.shell_literal(dependency.rstrip('/').rsplit('/', 1)[-1])}")
    draft.command = " ".join(words)
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
    nodes.step_settings(ctx, draft, ir.get(args, "RoleArn"), ctx.where(step, "Arguments"))
    ctx.diags.add(
        "SM2AML241",
        f"{step.name!r} repacks the model with {script} using {launcher} (SageMaker's repack script is not needed)",
        where=step.where,
    )
    ctx.outcome(step, "command node repacking the model with its inference code", "approximate", draft.name)


def _decoded(value: ir.Value) -> ir.Value:
    if isinstance(value, str):
        try:
            decoded: ir.Value = json.loads(value)
        except ValueError:
            return value
        return decoded
    return value
