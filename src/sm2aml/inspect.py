"""The IR shown to people (a rich tree) and to tools (JSON), for debugging a conversion."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from sm2aml import ir

if TYPE_CHECKING:
    from rich.tree import Tree


def to_data(value: Any) -> Any:
    """JSON-ready data; expressions carry their kind under "expr"."""
    if isinstance(value, ir.EXPR_TYPES):
        return {
            "expr": type(value).__name__,
            **{f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if hasattr(value, "value") and hasattr(value, "name"):  # enums
        return str(value)
    return value


def tree(pipeline: ir.Pipeline) -> Tree:
    from rich.markup import escape
    from rich.tree import Tree

    root = Tree(f"[bold]{escape(pipeline.name)}[/] ({len(list(pipeline.all_steps()))} steps)")
    params = root.add("parameters")
    for p in pipeline.parameters:
        params.add(escape(f"{p.name}: {p.type} = {p.default!r}"))

    def add(parent: Tree, step: ir.Step) -> None:
        node = parent.add(f"[bold]{escape(step.name)}[/] [dim]{escape(step.type)}[/]")
        if step.depends_on:
            node.add(escape("depends on " + ", ".join(step.depends_on)))
        for expr in ir.walk(step.arguments):
            if isinstance(expr, ir.StepProp | ir.ParamRef | ir.PropertyFileRef):
                node.add(escape(f"reads {to_data(expr)}"))
        for label, branch in (("if", step.if_steps), ("else", step.else_steps)):
            if branch:
                sub = node.add(label)
                for inner in branch:
                    add(sub, inner)

    steps = root.add("steps")
    for step in pipeline.steps:
        add(steps, step)
    return root
