"""Training steps the SDK builds for @step functions and NotebookJobStep: what the definition alone can recover."""

from __future__ import annotations

import re

from sm2aml import aml, ir
from sm2aml.rules import compute, expressions, images, nodes
from sm2aml.rules.context import Context, NodeDraft

# What these variants become, for the coverage matrix (`sm2aml rules`).
COVERAGE = {
    "Training (@step function)": ("placeholder command node wired to its results (pickled function in S3)", "manual"),
    "Training (NotebookJobStep)": ("command node running the notebook with papermill", "approximate"),
}
BOOTSTRAP_CHANNEL = "sagemaker_remote_function_bootstrap"
NOTEBOOK_CHANNEL = "sagemaker_headless_execution_pipelinestep"
RESULTS = ("OutputDataConfig", "S3OutputPath")
RESULTS_FILE = "results.json"
_SAFE_NAME = re.compile(r"^[\w.-]+$")


def kind(step: ir.Step) -> str | None:
    """'function' for an @step function, 'notebook' for a NotebookJobStep, None for other training steps."""
    args = step.arguments
    env = ir.get(args, "Environment")
    if isinstance(env, dict) and ("SM_INPUT_NOTEBOOK_NAME" in env or "SM_KERNEL_NAME" in env):
        return "notebook"
    entry = ir.get(args, "AlgorithmSpecification", "ContainerEntrypoint")
    channels = ir.get(args, "InputDataConfig")
    names = [ir.get(c, "ChannelName") for c in channels] if isinstance(channels, list) else []
    if (
        (isinstance(entry, list) and any(isinstance(w, str) and w.endswith("/job_driver.sh") for w in entry))
        or BOOTSTRAP_CHANNEL in names
        or (isinstance(env, dict) and "REMOTE_FUNCTION_SECRET_KEY" in env)
    ):
        return "function"
    return None


def convert(step: ir.Step, ctx: Context) -> bool:
    """Convert the step if it is one of these variants; False leaves it to the training rule."""
    match kind(step):
        case "function":
            function(step, ctx)
        case "notebook":
            notebook(step, ctx)
        case _:
            return False
    return True


def _start(ctx: Context, step: ir.Step) -> NodeDraft:
    """A draft with the job's image, resources, role, environment and timeout."""
    args, at = step.arguments, ctx.where(step, "Arguments")
    draft = nodes.start(ctx, step)
    draft.environment = images.environment(
        ctx, ir.get(args, "AlgorithmSpecification", "TrainingImage"), f"{at}/AlgorithmSpecification/TrainingImage"
    )
    res = ir.get(args, "ResourceConfig")
    draft.settings.update(
        compute.resources(ctx, step, ir.get(res, "InstanceType"), ir.get(res, "InstanceCount"), f"{at}/ResourceConfig")
    )
    timeout = ir.get(args, "StoppingCondition", "MaxRuntimeInSeconds")
    if isinstance(timeout, int):
        draft.settings["timeout"] = timeout
    return draft


def function(step: ir.Step, ctx: Context) -> None:
    """@step: the pickled function is in S3, so the node keeps the graph (inputs, results) and fails until rewritten."""
    args, at = step.arguments, ctx.where(step, "Arguments")
    options = _options(ir.get(args, "AlgorithmSpecification", "ContainerArguments"))
    draft = _start(ctx, step)
    draft.code = None
    results = draft.add_output("results", aml.Port(type="uri_folder", description=f"{RESULTS_FILE}: the return value"))
    ctx.step_outputs[(step.name, RESULTS)] = aml.NodeOutput(node=draft.name, output=results)
    upstream = []
    for ref in ir.walk(options.get("--property_references", [])):
        if isinstance(ref, ir.StepProp) and (found := ctx.step_outputs.get((ref.step, ref.path))) is not None:
            key = next((k for k, b in draft.bindings.items() if b == found), None)
            if key is None:
                port = aml.Port(type="uri_folder", description=f"Return value of {ref.step} ({RESULTS_FILE})")
                key = draft.add_input(f"{ref.step}_results", port, found)
                upstream.append(expressions.shell_literal(f" {ref.step}=") + f"${{{{inputs.{key}}}}}")
    nodes.step_settings(ctx, draft, ir.get(args, "RoleArn"), at)
    env_prefix = nodes.environment_variables(ctx, draft, ir.get(args, "Environment"), f"{at}/Environment")
    base, name, folder = (
        (options.get(k) or [None])[0] for k in ("--s3_base_uri", "--pipeline_step_name", "--func_step_s3_dir")
    )
    where_pickled = "/".join(str(p) for p in (base, name, folder) if isinstance(p, str)) + "/function/payload.pkl"
    label = step.display_name or step.name
    message = (
        f"sm2aml: {step.name} ran the Python function {label} (@step), pickled at {where_pickled}; rewrite it as "
        f'a script that writes its return value as JSON {{"Result": value}} to {RESULTS_FILE} in its results folder'
    )
    words = [expressions.shell_literal(message)]
    if upstream:
        words += [expressions.shell_literal("; results of upstream functions:"), *upstream]
    draft.command = f"{env_prefix}echo {''.join(words)} >&2 && exit 1"
    known = [
        f"function {label}",
        f"pickled at {where_pickled}",
        f"image {ir.get(args, 'AlgorithmSpecification', 'TrainingImage')}",
    ]
    deps = (options.get("--dependency_settings") or [None])[0]
    if isinstance(deps, str):
        known.append(f"dependency settings {deps}")
    if step.description:
        known.append(f"description {step.description!r}")
    ctx.diags.add(
        "SM2AML271",
        f"{step.name!r} is an @step function: the definition keeps {'; '.join(known)}, but not its code; "
        f"placeholder node {draft.name!r} keeps its inputs ({len(upstream)} upstream result(s)), its results output "
        f"({RESULTS_FILE}) and its resources",
        where=at,
    )
    ctx.outcome(step, "placeholder node (@step function)", "manual", draft.name)


def notebook(step: ir.Step, ctx: Context) -> None:
    """NotebookJobStep: the notebook runs with papermill, its parameters passed with -p."""
    args, at = step.arguments, ctx.where(step, "Arguments")
    env = ir.get(args, "Environment")
    env = env if isinstance(env, dict) else {}
    draft = _start(ctx, step)
    nodes.step_settings(ctx, draft, ir.get(args, "RoleArn"), at)
    system = {k: env.get(k) for k in env if k.startswith("SM_") or k == "AWS_DEFAULT_REGION"}
    user_env = {k: v for k, v in env.items() if k not in system}
    env_prefix = nodes.environment_variables(ctx, draft, user_env, f"{at}/Environment")
    name, kernel, out_name = (
        env.get("SM_INPUT_NOTEBOOK_NAME"),
        env.get("SM_KERNEL_NAME"),
        env.get("SM_OUTPUT_NOTEBOOK_NAME"),
    )
    channels = ir.get(args, "InputDataConfig")
    channel = (
        next((c for c in channels if ir.get(c, "ChannelName") == NOTEBOOK_CHANNEL), None)
        if isinstance(channels, list)
        else None
    )
    folder = ir.get(channel, "DataSource", "S3DataSource", "S3Uri")
    if isinstance(folder, str):
        code_at = ctx.where(step, "Arguments", "InputDataConfig")
        ctx.code_sources.append(aml.CodeSource(component=draft.component, uri=folder.rstrip("/") + "/", where=code_at))
        ctx.diags.add(
            "SM2AML203",
            f"the notebook of {step.name!r} and its dependencies are in {folder}; copy them into "
            f"components/{draft.component}/src/ (see data_migration/fetch_code.sh)",
            where=code_at,
        )
    output = draft.add_output("output_notebook", aml.Port(type="uri_folder", description="The executed notebook"))
    ctx.step_outputs[(step.name, RESULTS)] = aml.NodeOutput(node=draft.name, output=output)
    if not isinstance(name, str) or not _SAFE_NAME.match(name):
        draft.code = None
        draft.command = "echo 'sm2aml: the notebook of this step is not named in the definition' >&2 && exit 1"
        ctx.diags.add("SM2AML272", f"{step.name!r} does not name its notebook; the node fails", where=at)
        ctx.outcome(step, "placeholder node (NotebookJobStep)", "manual", draft.name)
        return
    words = ["papermill", expressions.shell_literal(name), f"${{{{outputs.{output}}}}}/{_output_name(out_name, name)}"]
    if isinstance(kernel, str):
        words += ["-k", expressions.shell_literal(kernel)]
    hps = ir.get(args, "HyperParameters")
    for key, value in sorted(hps.items()) if isinstance(hps, dict) else []:
        words += [
            "-p",
            expressions.shell_literal(key),
            _parameter_text(ctx, draft, value, f"{at}/HyperParameters/{key}"),
        ]
    init = env.get("SM_INIT_SCRIPT")
    prefix = f"bash {expressions.shell_literal(init)} && " if isinstance(init, str) else ""
    draft.command = f"{prefix}{env_prefix}{' '.join(words)}"
    ctx.diags.add(
        "SM2AML272",
        f"NotebookJobStep {step.name!r} runs {name} with papermill (kernel {kernel or 'from the notebook'}); the "
        f"executed notebook goes to output {output!r}; the environment needs papermill and ipykernel",
        where=at,
    )
    ctx.outcome(step, "command node running the notebook with papermill", "approximate", draft.name)


def _output_name(given: ir.Value, notebook_name: str) -> str:
    return given if isinstance(given, str) and _SAFE_NAME.match(given) else f"output-{notebook_name}"


def _parameter_text(ctx: Context, draft: NodeDraft, value: ir.Value, where: str) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return expressions.command_text(ctx, draft, value, where)


def _options(words: ir.Value) -> dict[str, list[ir.Value]]:
    """ContainerArguments of the remote-function job driver: --option value… pairs."""
    out: dict[str, list[ir.Value]] = {}
    current: list[ir.Value] | None = None
    for word in words if isinstance(words, list) else []:
        if isinstance(word, str) and word.startswith("--"):
            current = out.setdefault(word, [])
        elif current is not None:
            current.append(word)
    return out
