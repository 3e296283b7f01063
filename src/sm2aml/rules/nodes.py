"""Shared node plumbing: drafts, environment variables, step settings, and freezing into aml objects."""

from __future__ import annotations

import re

from sm2aml import aml, ir
from sm2aml.rules import control_flow, expressions, identity
from sm2aml.rules.context import Context, NodeDraft

DONE_OUTPUT = "sm2aml_done"
_SECRET_KEY = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|API_KEY|PRIVATE_KEY|CREDENTIAL", re.I)
_SECRET_VALUE = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|-----BEGIN [A-Z ]*PRIVATE KEY")


def start(ctx: Context, step: ir.Step) -> NodeDraft:
    """A fresh draft for a step: legal unique node and component names."""
    node = ctx.node_names.take(step.name)
    component = ctx.component_names.take(f"{ctx.options.prefix}{step.name}")
    draft = NodeDraft(step=step, name=node, component=component, gates=ctx.gates.get(step.name, ()))
    ctx.drafts[node] = draft
    ctx.step_nodes[step.name] = node
    return draft


def looks_secret(key: str, value: object) -> bool:
    return bool(_SECRET_KEY.search(key)) or (isinstance(value, str) and bool(_SECRET_VALUE.search(value)))


SHELL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def environment_variables(ctx: Context, draft: NodeDraft, env: ir.Value, where: str) -> str:
    """Literal variables go on the node; computed ones become a command prefix. Returns the prefix."""
    if not isinstance(env, dict):
        return ""
    prefix = []
    for key, value in sorted(env.items()):
        at = f"{where}/{key}"
        if looks_secret(key, value) and not isinstance(value, ir.EXPR_TYPES):
            ctx.diags.add(
                "SM2AML210",
                f"environment variable {key} looks like a credential; its value is not copied",
                where=at,
                hint=f"Keep it in Azure Key Vault and read it in the script (secret {key.lower()}).",
            )
            continue
        literal = isinstance(value, str | int | float | bool)
        if literal and "${{" not in str(value):
            draft.environment_variables[key] = str(value)
        elif not SHELL_NAME.match(key):
            ctx.diags.add("SM2AML209", f"environment variable {key!r} cannot be set from a command", where=at)
        elif literal:  # Azure ML would read ${{…}} in a node setting as a binding; the command can quote it
            prefix.append(f"{key}={expressions.shell_literal(str(value))}")
        else:
            prefix.append(f"{key}={expressions.command_text(ctx, draft, value, at)}")
    return " ".join(prefix) + " " if prefix else ""


def step_settings(ctx: Context, draft: NodeDraft, role_arn: ir.Value, where: str) -> None:
    """Settings every job step shares: cache, retries, execution role, depends-on."""
    step = draft.step
    if step.cache is not None:
        draft.deterministic = step.cache.enabled
        ctx.diags.add(
            "SM2AML207",
            f"CacheConfig(enabled={step.cache.enabled}) → is_deterministic: "
            f"{str(step.cache.enabled).lower()}; Azure ML reuses results while inputs and code are "
            f"unchanged, with no expiry (ExpireAfter {step.cache.expire_after or 'unset'} is dropped)",
            where=f"{step.where}/CacheConfig",
        )
    else:
        draft.deterministic = False
    if step.retry_policies and "retry_settings" not in draft.component_settings:  # parallel jobs: SM2AML413
        ctx.diags.add(
            "SM2AML208",
            f"{len(step.retry_policies)} retry polic"
            f"{'y' if len(step.retry_policies) == 1 else 'ies'} on {step.name!r} not carried over",
            where=f"{step.where}/RetryPolicies",
        )
    ident = identity.identity(ctx, role_arn, f"{where}/RoleArn")
    if ident:
        draft.settings["identity"] = "managed"
    for i, name in enumerate(step.depends_on):
        upstream = ctx.step_nodes.get(name)
        if upstream is None:
            continue
        if not any(isinstance(b, aml.NodeOutput) and b.node == upstream for b in draft.bindings.values()):
            draft.after.append(upstream)
            ctx.diags.add(
                "SM2AML403",
                f"{step.name!r} waits for {name!r} through an ordering output",
                where=f"{step.where}/DependsOn/{i}",
            )


RETRY_CAP = 20  # SageMaker's most retry attempts
PARALLEL_TIMEOUT = 60  # Azure ML's default seconds per mini-batch


def retry_settings(step: ir.Step) -> dict[str, int] | None:
    """Parallel-node `retry_settings` {max_retries, timeout} for a step's RetryPolicies; None without any.

    max_retries is the largest MaxAttempts, or the attempts that fit in ExpireAfterMin at the policy's interval
    and backoff; timeout (seconds per mini-batch) is the transform's InvocationsTimeoutInSeconds or Azure ML's
    default. The transform rule takes max_retries for its parallel job (SM2AML413 instead of SM2AML208).
    """
    if not step.retry_policies:
        return None
    retries = 0
    for policy in step.retry_policies:
        if policy.max_attempts is not None:
            retries = max(retries, policy.max_attempts)
        elif policy.expire_after_min is not None:
            interval, rate = float(policy.interval_seconds or 1), float(policy.backoff_rate or 2.0)
            waited, attempts = 0.0, 0
            while attempts < RETRY_CAP and waited + interval * rate**attempts <= policy.expire_after_min * 60:
                waited += interval * rate**attempts
                attempts += 1
            retries = max(retries, attempts)
    timeout = ir.get(step.arguments, "ModelClientConfig", "InvocationsTimeoutInSeconds")
    if not (isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0):
        timeout = PARALLEL_TIMEOUT
    return {"max_retries": min(retries, RETRY_CAP), "timeout": timeout}


def freeze(ctx: Context) -> tuple[list[aml.Node], list[aml.Component]]:
    """Turn drafts into nodes and components: ordering outputs for DependsOn, condition gates, wiring."""
    waited_on = {name for draft in ctx.drafts.values() for name in draft.after}
    inherited = _inherited_gates(ctx)
    # with if_else nodes Azure ML skips the branch not taken: no guards
    gates = {name: () for name in inherited} if control_flow.enabled(ctx) else inherited
    nodes, components = [], []
    for draft in ctx.drafts.values():
        outputs, inputs, bindings = dict(draft.outputs), dict(draft.inputs), dict(draft.bindings)
        for upstream in draft.after:
            key = draft.io_names.take(f"after_{upstream}")
            inputs[key] = aml.Port(type="uri_folder", optional=True, description=f"Runs after {upstream}")
            bindings[key] = aml.NodeOutput(node=upstream, output=_done_output(ctx.drafts[upstream]))
        tests, gate_args = [], []
        for condition, expected in gates[draft.name]:
            key = draft.io_names.take(f"gate_{condition}")
            inputs[key] = aml.Port(type="uri_folder", description=f"Outcome of condition {condition}")
            bindings[key] = aml.NodeOutput(node=condition, output="outcome")
            tests.append(f'[ "$(cat ${{{{inputs.{key}}}}}/outcome 2>/dev/null)" = "{str(expected).lower()}" ]')
            gate_args.append(f" --gate ${{{{inputs.{key}}}}}={str(expected).lower()}")
        command = draft.command
        task = draft.component_settings.get("task")
        if tests and draft.component_kind == "parallel" and isinstance(task, dict) and "program_arguments" in task:
            # the parallel entry script (sm2aml_inference.py) reads the outcomes and does nothing if one differs
            task = {**task, "program_arguments": task["program_arguments"] + "".join(gate_args)}
            draft.component_settings = {**draft.component_settings, "task": task}
        elif tests and draft.component_kind != "command":
            ctx.diags.add(
                "SM2AML408",
                f"{draft.step.name!r} is a {draft.component_kind or draft.kind} job, which cannot be "
                "guarded by its condition: it runs whichever branch is taken",
                where=draft.step.where,
            )
        elif tests:
            skipped = expressions.shell_literal(
                f"sm2aml: {draft.step.name} skipped: its condition branch was not taken"
            )
            command = f"if {' && '.join(tests)}; then {command}; else echo {skipped}; fi"
        if draft.name in waited_on and draft.component_kind == "command":
            outputs[DONE_OUTPUT] = aml.Port(type="uri_folder", description="Written when this step is done")
            command = f"{command} && echo done > ${{{{outputs.{DONE_OUTPUT}}}}}/{draft.name}"
        if not draft.component_kind:  # a node without a component (automl) carries its own settings, no inputs
            nodes.append(_node(draft, {}))
            continue
        components.append(_component(draft, command, inputs, outputs))
        nodes.append(_node(draft, bindings))
    if control_flow.enabled(ctx):
        nodes = control_flow.add_if_else(ctx, nodes, inherited)
    return nodes, components


def _done_output(draft: NodeDraft) -> str:
    """The output a waiting node binds to: the ordering output of a command, or any output of other nodes."""
    return DONE_OUTPUT if draft.component_kind == "command" else next(iter(draft.outputs), DONE_OUTPUT)


def _inherited_gates(ctx: Context) -> dict[str, tuple[tuple[str, bool], ...]]:
    """A node's own gates plus those of every node it reads from: a skipped step's consumers skip too."""
    out: dict[str, tuple[tuple[str, bool], ...]] = {}
    for draft in ctx.drafts.values():
        gates = list(draft.gates)
        upstream = [b.node for b in draft.bindings.values() if isinstance(b, aml.NodeOutput)] + draft.after
        for name in upstream:
            gates += [g for g in out.get(name, ()) if g[0] != draft.name]
        out[draft.name] = tuple(dict.fromkeys(gates))
    return out


def _component(
    draft: NodeDraft, command: str, inputs: dict[str, aml.Port], outputs: dict[str, aml.Port]
) -> aml.Component:
    step = draft.step
    return aml.Component(
        name=draft.component,
        display_name=step.display_name or step.name,
        description=step.description or f"Converted from SageMaker {step.type} step {step.name}",
        command=command,
        environment=draft.environment,
        kind=draft.component_kind,
        settings=draft.component_settings,
        code=draft.code,
        inputs=inputs,
        outputs=outputs,
        is_deterministic=draft.deterministic,
        src_files=draft.src_files,
    )


def _node(draft: NodeDraft, bindings: dict[str, aml.Binding]) -> aml.Node:
    step, s = draft.step, draft.settings
    return aml.Node(
        name=draft.name,
        component=draft.component if draft.component_kind else "",
        kind=draft.kind,
        settings=draft.node_settings,
        display_name=step.display_name or step.name,
        description=step.description or "",
        inputs=bindings,
        environment_variables=draft.environment_variables,
        instance_type=s.get("instance_type"),
        instance_count=s.get("instance_count"),
        timeout=s.get("timeout"),
        compute=s.get("compute"),
        identity=s.get("identity"),
    )
