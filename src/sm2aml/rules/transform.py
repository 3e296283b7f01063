"""TransformStep → a parallel job whose entry script serves the model as SageMaker's serving container does."""

from __future__ import annotations

import re
from typing import Any

from sm2aml import aml, ir, runtime
from sm2aml.rules import compute, endpoints, expressions, images, model, nodes
from sm2aml.rules.context import Context, ModelSpec, NodeDraft

# The parallel job driver needs these in the environment (curated environments carry them).
PARALLEL_PACKAGES = ("azureml-core", "azureml-dataset-runtime[fuse]")
# The JSONPath forms the entry script applies to records: $, $.key, $[i], $[i,j], $[a:b], chained.
FILTER = re.compile(r"^\$(\.[A-Za-z_]\w*|\[-?\d*:-?\d*\]|\[-?\d+(,-?\d+)*\])*$")
DEFAULT_TIMEOUT = 600  # seconds; SageMaker's default invocation timeout, here per mini-batch (one file)
DEFAULT_RETRIES = 3
# Serving images whose model_fn/input_fn/predict_fn/output_fn contract the entry script reproduces.
HANDLER_IMAGES = ("sagemaker-scikit-learn", "sagemaker-xgboost", "pytorch-inference", "huggingface-pytorch-inference")
DEFAULT_LOADER_IMAGES = ("sagemaker-scikit-learn", "sagemaker-xgboost")  # a pickled/joblib/xgboost model file
DROPPED = {
    "DataCaptureConfig": "batch data capture",
    "ExperimentConfig": "the experiment association (the pipeline job's experiment is used)",
}


def convert(step: ir.Step, ctx: Context) -> None:
    args = step.arguments
    draft = nodes.start(ctx, step)
    draft.kind = draft.component_kind = "parallel"
    draft.code = None
    spec = _spec(ctx, step)
    if spec is None:
        environment = images.CURATED.format(name="sklearn-1.5")
        serving = model.Serving(program=None, submit=None, variables={})
        name = expressions.describe(ir.get(args, "ModelName"))
        binding = expressions.placeholder_input(
            ctx,
            "model",
            "uri_folder",
            code="SM2AML240",
            why=f"{step.name!r} scores with model {name}, which the pipeline does not define",
            where=ctx.where(step, "Arguments", "ModelName"),
        )
        model_key = draft.add_input("model", aml.Port(type="uri_folder", description=f"model {name}"), binding)
    else:
        at = f"{spec.where}/Image"
        environment = images.environment(ctx, spec.image, at)
        environment = endpoints.with_packages(ctx, environment, PARALLEL_PACKAGES, "parallel", at)
        serving = model.serving_of(ctx, spec.environment, f"{spec.where}/Environment")
        model.code_source(ctx, draft, serving, f"{spec.where}/Environment/SAGEMAKER_SUBMIT_DIRECTORY")
        _convention(ctx, step, spec, serving)
        model_key = model.model_input(ctx, draft, spec.model_data, f"{spec.where}/ModelDataUrl", unpacked=False)
    data_key, prefix = _data(ctx, draft)
    output = draft.add_output(
        "predictions", aml.Port(type="uri_folder", description="<input file>.out for each input file")
    )
    ctx.step_outputs[(step.name, ("TransformOutput", "S3OutputPath"))] = aml.NodeOutput(node=draft.name, output=output)
    launcher = runtime.LAUNCHERS["inference"]
    draft.src_files[launcher] = runtime.source("inference")
    words = [
        f"--data ${{{{inputs.{data_key}}}}}",
        f"--model ${{{{inputs.{model_key}}}}}",
        f"--output ${{{{outputs.{output}}}}}",
    ]
    if prefix:
        words.append(f"--prefix {expressions.shell_literal(prefix)}")
    if serving.program:
        words.append(f"--program {expressions.shell_literal(serving.program)}")
    options = _options(ctx, draft)
    words += [f"--{flag} {text}" for flag, text in options]
    draft.component_settings = {
        "input_data": f"${{{{inputs.{data_key}}}}}",
        "mini_batch_size": "1",
        **_concurrency(ctx, step),
        "error_threshold": 0,
        "logging_level": "INFO",
        "retry_settings": _retries(ctx, step),
        "task": {
            "type": "run_function",
            "code": "./src",
            "entry_script": launcher,
            "environment": environment,
            "program_arguments": " ".join(words),
        },
    }
    res = ir.get(args, "TransformResources")
    res_at = ctx.where(step, "Arguments", "TransformResources")
    draft.settings.update(
        compute.resources(ctx, step, ir.get(res, "InstanceType"), ir.get(res, "InstanceCount"), res_at)
    )
    draft.environment_variables.update(serving.variables)
    prefix_env = nodes.environment_variables(
        ctx, draft, ir.get(args, "Environment"), ctx.where(step, "Arguments", "Environment")
    )
    if prefix_env:
        ctx.diags.add(
            "SM2AML239",
            f"computed environment variables ({prefix_env.strip()}) cannot be set on a parallel job",
            where=ctx.where(step, "Arguments", "Environment"),
        )
    _extras(ctx, step)
    nodes.step_settings(ctx, draft, spec.role if spec else None, ctx.where(step, "Arguments"))
    settings = ", ".join(f"{flag} {text}" for flag, text in options)
    ctx.diags.add(
        "SM2AML238",
        f"{step.name!r} scores every input file in a parallel job (one file per mini-batch, "
        f"{serving.program or 'default handlers'}; {settings}); each file's answers go to <file>.out",
        where=step.where,
    )
    if spec is not None:
        model.used_by(ctx, spec.step, draft.name)
    ctx.outcome(step, "parallel job (batch scoring)", "approximate", draft.name)


def _spec(ctx: Context, step: ir.Step) -> ModelSpec | None:
    name = ir.get(step.arguments, "ModelName")
    if isinstance(name, ir.StepProp) and name.path == ("ModelName",):
        return ctx.model_specs.get(name.step)
    return None


def _data(ctx: Context, draft: NodeDraft) -> tuple[str, str]:
    """The input folder (parallel jobs split folders into files) and the S3 key prefix inside it, if any."""
    step = draft.step
    at = ctx.where(step, "Arguments", "TransformInput", "DataSource", "S3DataSource")
    source = ir.get(step.arguments, "TransformInput", "DataSource", "S3DataSource")
    kind = ir.get(source, "S3DataType")
    if kind not in (None, "S3Prefix"):
        ctx.diags.add(
            "SM2AML239",
            f"S3DataType {kind} is not supported: the files of the location are scored as a prefix",
            where=f"{at}/S3DataType",
        )
    folder, prefix = model.split_location(ctx, ir.get(source, "S3Uri"), f"{at}/S3Uri")
    binding = expressions.data_binding(ctx, folder, f"{at}/S3Uri")
    if isinstance(binding, aml.DataPath) and binding.type == "uri_file":
        parent, _, name = binding.path.rpartition("/")
        binding, prefix = aml.DataPath(type="uri_folder", path=parent), name
    port = aml.Port(type=expressions.data_kind(ctx, binding), description="The data to score")
    return draft.add_input("data", port, binding), prefix


def _options(ctx: Context, draft: NodeDraft) -> list[tuple[str, str]]:
    """Entry-script flags for the transform's content handling, in SageMaker's terms."""
    step = draft.step
    args = step.arguments

    def text(value: ir.Value, *keys: str) -> str:
        return expressions.command_text(ctx, draft, value, ctx.where(step, "Arguments", *keys))

    out: list[tuple[str, str]] = []
    content_type = ir.get(args, "TransformInput", "ContentType")
    if content_type is None:
        ctx.diags.add(
            "SM2AML239",
            "TransformInput.ContentType is not set; the entry script reads text/csv",
            where=ctx.where(step, "Arguments", "TransformInput"),
        )
        content_type = "text/csv"
    out.append(("content-type", text(content_type, "TransformInput", "ContentType")))
    accept = ir.get(args, "TransformOutput", "Accept")
    if accept is not None:
        out.append(("accept", text(accept, "TransformOutput", "Accept")))
    split = ir.get(args, "TransformInput", "SplitType")
    if split in ("RecordIO", "TFRecord"):
        ctx.diags.add(
            "SM2AML239",
            f"SplitType {split} is not supported; each file is sent whole",
            where=ctx.where(step, "Arguments", "TransformInput", "SplitType"),
        )
    elif isinstance(split, str):
        out.append(("split-type", text(split, "TransformInput", "SplitType")))
    for flag, value, keys in (
        ("assemble-with", ir.get(args, "TransformOutput", "AssembleWith"), ("TransformOutput", "AssembleWith")),
        ("batch-strategy", ir.get(args, "BatchStrategy"), ("BatchStrategy",)),
        ("max-payload-mb", ir.get(args, "MaxPayloadInMB"), ("MaxPayloadInMB",)),
        ("compression", ir.get(args, "TransformInput", "CompressionType"), ("TransformInput", "CompressionType")),
        ("join-source", ir.get(args, "DataProcessing", "JoinSource"), ("DataProcessing", "JoinSource")),
    ):
        if value is not None:
            out.append((flag, text(value, *keys)))
    for flag, key in (("input-filter", "InputFilter"), ("output-filter", "OutputFilter")):
        value = ir.get(args, "DataProcessing", key)
        if value in (None, "$"):
            continue
        if isinstance(value, str) and FILTER.match(value):
            out.append((flag, expressions.shell_literal(value)))
        else:
            ctx.diags.add(
                "SM2AML239",
                f"{key} {expressions.describe(value)} is not a JSONPath form the entry script applies; it is dropped",
                where=ctx.where(step, "Arguments", "DataProcessing", key),
            )
    return out


def _concurrency(ctx: Context, step: ir.Step) -> dict[str, Any]:
    value = ir.get(step.arguments, "MaxConcurrentTransforms")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return {"max_concurrency_per_instance": value}
    if value is not None:
        ctx.diags.add(
            "SM2AML239",
            f"MaxConcurrentTransforms {expressions.describe(value)} is not a number; one process per instance",
            where=ctx.where(step, "Arguments", "MaxConcurrentTransforms"),
        )
    return {}


def _retries(ctx: Context, step: ir.Step) -> dict[str, Any]:
    """ModelClientConfig (per request in SageMaker) bounds each mini-batch (one file) here; RetryPolicies
    (per job in SageMaker) can raise the number of retries."""
    config = ir.get(step.arguments, "ModelClientConfig")
    timeout = ir.get(config, "InvocationsTimeoutInSeconds")
    retries = ir.get(config, "InvocationsMaxRetries")
    settings = {
        "max_retries": retries if isinstance(retries, int) else DEFAULT_RETRIES,
        "timeout": timeout if isinstance(timeout, int) else DEFAULT_TIMEOUT,
    }
    policies = nodes.retry_settings(step)
    if policies is not None:
        count = len(step.retry_policies)
        settings["max_retries"] = max(settings["max_retries"], policies["max_retries"])
        ctx.diags.add(
            "SM2AML413",
            f"{count} retry polic{'y' if count == 1 else 'ies'} on {step.name!r} (up to {policies['max_retries']} "
            f"retries of the job) → retry_settings.max_retries {settings['max_retries']}: each failed or timed-out "
            "mini-batch is retried at once, whatever failed",
            where=ctx.where(step, "RetryPolicies"),
        )
    return settings


def _convention(ctx: Context, step: ir.Step, spec: ModelSpec, serving: model.Serving) -> None:
    """Say so when the model's serving container works in a way the entry script does not reproduce."""
    image = spec.image if isinstance(spec.image, str) else ""
    repo = image.rsplit("/", 1)[-1].split(":")[0]
    if repo in DEFAULT_LOADER_IMAGES or (repo in HANDLER_IMAGES and serving.program):
        return
    why = f"the serving image {repo or expressions.describe(spec.image)} " + (
        "loads models its own way" if repo in HANDLER_IMAGES else "is not one whose serving contract is known"
    )
    ctx.diags.add(
        "SM2AML242",
        f"{why}; the entry script loads a single pickled, joblib or xgboost file unless the inference script "
        f"{serving.program or '(none)'} defines model_fn, input_fn, predict_fn and output_fn",
        where=f"{spec.where}/Image",
    )


def _extras(ctx: Context, step: ir.Step) -> None:
    args = step.arguments
    for key, what in DROPPED.items():
        if key == "DataCaptureConfig" and ir.get(args, key) is not None:
            captured = expressions.describe(ir.get(args, key, "DestinationS3Uri"))
            ctx.diags.add(
                "SM2AML276",
                f"batch data capture to {captured} has no Azure ML counterpart: batch endpoints and parallel jobs "
                "have no data collector; the job's input folder and its predictions output already hold what was "
                "captured, and a model monitor can read them as data assets (with a pre_processing_component)",
                where=ctx.where(step, "Arguments", key),
            )
        elif ir.get(args, key) is not None:
            ctx.diags.add("SM2AML209", f"{what} is dropped", where=ctx.where(step, "Arguments", key))
    for keys in (("TransformOutput", "KmsKeyId"), ("TransformResources", "VolumeKmsKeyId")):
        if ir.get(args, *keys) is not None:
            ctx.diags.add(
                "SM2AML306", f"{'.'.join(keys)} has no per-job equivalent", where=ctx.where(step, "Arguments", *keys)
            )
    destination = ir.get(args, "TransformOutput", "S3OutputPath")
    if destination is not None:
        ctx.diags.add(
            "SM2AML309",
            f"predictions were written to {expressions.describe(destination)}; Azure ML now manages their location",
            where=ctx.where(step, "Arguments", "TransformOutput", "S3OutputPath"),
        )
