"""Step types no rule maps (unknown to this version): each is reported, never dropped silently."""

from __future__ import annotations

from sm2aml import ir
from sm2aml.rules.context import Context


def convert(step: ir.Step, ctx: Context) -> None:
    from sm2aml.rules import aws_only  # rare: load on use

    if aws_only.kind(step.type) is not None:  # an AWS-only family with newer members (Bedrock*)
        aws_only.convert(step, ctx)
        return
    ctx.diags.add(
        "SM2AML201",
        f"{step.type} step {step.name!r} is not converted by this version; rebuild it by hand",
        where=step.where,
    )
    ctx.outcome(step, "an equivalent built by hand", "manual")
