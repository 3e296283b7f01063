"""--control-flow if_else: an Azure ML if_else node per ConditionStep lists the nodes of each branch."""

from __future__ import annotations

from typing import TypeAlias

from sm2aml import aml
from sm2aml.rules.context import Context, NodeDraft

IF_ELSE = "if_else"
CONTROL_OUTPUT = "is_true"  # the condition component's boolean control output
Gate: TypeAlias = tuple[str, bool]  # (condition node, the outcome its branch needs)


def enabled(ctx: Context) -> bool:
    return ctx.options.control_flow == IF_ELSE


def add_if_else(ctx: Context, nodes: list[aml.Node], gates: dict[str, tuple[Gate, ...]]) -> list[aml.Node]:
    """`nodes` with an if_else node after each condition node that has a branch.

    `gates` holds each node's conditions, its own and those of the nodes it reads from (innermost last). A node
    goes into the block of its innermost gate when its gates are that condition's gates plus that gate; a
    condition's if_else node goes where the condition node goes.
    """
    placed: dict[str, Gate] = {}
    for draft in ctx.drafts.values():
        gate = _place(ctx, draft, gates)
        if gate is not None:
            placed[draft.name] = gate
    conditions = {d.name for d in ctx.drafts.values() if d.step.type == "Condition"}
    taken = {gate[0] for gate in placed.values()}
    if_else = {name: ctx.node_names.take(f"{name}_{IF_ELSE}") for name in ctx.drafts if name in conditions & taken}
    blocks: dict[Gate, list[str]] = {}
    for draft in ctx.drafts.values():
        if draft.name in placed:
            members = [draft.name] + ([if_else[draft.name]] if draft.name in if_else else [])
            blocks.setdefault(placed[draft.name], []).extend(members)
    out: list[aml.Node] = []
    for node in nodes:
        out.append(node)
        if node.name in if_else:
            out.append(_if_else_node(ctx, if_else[node.name], node.name, blocks))
    return out


def _place(ctx: Context, draft: NodeDraft, gates: dict[str, tuple[Gate, ...]]) -> Gate | None:
    """The block a node belongs to, or None (no condition, or branches that no single block nests)."""
    found = gates.get(draft.name, ())
    if not found:
        return None
    readers = _gated_upstream(ctx, draft, gates)
    for gate in found:
        if set(found) == {*gates.get(gate[0], ()), gate}:
            if set(found) != set(draft.gates):
                ctx.diags.add(
                    "SM2AML411",
                    f"{draft.step.name!r} reads from {', '.join(readers)}, in the "
                    f"{'if' if gate[1] else 'else'} branch of {_step(ctx, gate[0])!r}: it is listed in that "
                    "branch's if_else block, so it runs only when the branch does",
                    where=draft.step.where,
                )
            return gate
    branches = ", ".join(f"the {'if' if e else 'else'} branch of {_step(ctx, c)!r}" for c, e in found)
    ctx.diags.add(
        "SM2AML412",
        f"{draft.step.name!r} reads from {', '.join(readers) or 'steps'} in {branches}; no single if_else block "
        "holds them all, so it is in none",
        where=draft.step.where,
    )
    return None


def _gated_upstream(ctx: Context, draft: NodeDraft, gates: dict[str, tuple[Gate, ...]]) -> list[str]:
    """The steps this node reads from (or waits for) that sit in a branch this node is not in itself."""
    upstream = [b.node for b in draft.bindings.values() if isinstance(b, aml.NodeOutput)] + draft.after
    own = set(draft.gates)
    names = [ctx.drafts[u].step.name for u in dict.fromkeys(upstream) if u in ctx.drafts and set(gates[u]) - own]
    return [repr(n) for n in names]


def _step(ctx: Context, node: str) -> str:
    return ctx.drafts[node].step.name


def _if_else_node(ctx: Context, name: str, condition: str, blocks: dict[Gate, list[str]]) -> aml.Node:
    draft = ctx.drafts[condition]
    control = next(k for k, port in draft.outputs.items() if port.is_control)
    settings: dict[str, object] = {"condition": aml.NodeOutput(node=condition, output=control).ref()}
    for key, outcome in (("true_block", True), ("false_block", False)):
        members = blocks.get((condition, outcome), [])
        if members:
            settings[key] = [f"${{{{parent.jobs.{member}}}}}" for member in members]
    # no display_name or description: azure-ai-ml 1.35 reads an if_else node's keys but sends only these
    return aml.Node(name=name, component="", kind=IF_ELSE, settings=settings)
