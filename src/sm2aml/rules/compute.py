"""Instance types and counts → Azure VM sizes, serverless resources or compute clusters."""

from __future__ import annotations

from typing import Any

from sm2aml import aml, ir
from sm2aml.config import Options
from sm2aml.data import table
from sm2aml.mapping import SERVERLESS
from sm2aml.rules.context import Context


def sku_for(instance_type: str) -> dict[str, Any] | None:
    entry = table("instance_types").get(instance_type)
    return dict(entry) if isinstance(entry, dict) else None


def default_compute(options: Options) -> str:
    """The pipeline's default compute: serverless, or the cluster the mapping file names."""
    cluster = options.mapping.compute
    return "azureml:serverless" if cluster == SERVERLESS else f"azureml:{cluster}"


def resources(ctx: Context, step: ir.Step, instance_type: ir.Value, count: ir.Value, where: str) -> dict[str, Any]:
    """Node settings (instance_type, instance_count, compute) for a step's instance configuration."""
    itype = fixed(ctx, instance_type, f"{where}/InstanceType", "instance type")
    icount = fixed(ctx, count, f"{where}/InstanceCount", "instance count")
    out: dict[str, Any] = {}
    if isinstance(icount, int) and not isinstance(icount, bool) and icount > 1:
        out["instance_count"] = icount
    if not isinstance(itype, str):
        return out
    entry = sku_for(itype)
    chosen = ctx.options.mapping.instance_types.get(itype)  # sm2aml.toml [instance_types]
    if chosen:
        entry = {**(entry or {}), "sku": chosen, "match": "mapped"}
    if ctx.options.compute != "clusters" and ctx.options.mapping.compute != SERVERLESS:
        out["compute"] = f"azureml:{ctx.options.mapping.compute}"  # sm2aml.toml [defaults] compute: one cluster
        return out
    if entry is None:
        ctx.diags.add(
            "SM2AML303",
            f"no Azure VM size known for {itype!r} (step {step.name!r}); "
            "the node runs on the pipeline's default compute",
            where=f"{where}/InstanceType",
        )
        return out
    if ctx.options.compute == "clusters":
        name = "cluster-" + entry["sku"].lower().replace("standard_", "").replace("_", "-")
        current = ctx.computes.get(name)
        count_needed = max(out.get("instance_count", 1), current.max_instances if current else 1)
        ctx.computes[name] = aml.Compute(name=name, size=entry["sku"], max_instances=max(count_needed, 2))
        out["compute"] = f"azureml:{name}"
    else:
        out["instance_type"] = entry["sku"]
    return out


def fixed(
    ctx: Context,
    value: ir.Value,
    where: str,
    what: str,
    *,
    code: str = "SM2AML308",
    otherwise: str = "left to the default compute",
) -> ir.Value:
    """A literal stays; a parameter is replaced by its default with a warning (`code`)."""
    if isinstance(value, ir.ParamRef):
        default = ctx.pipeline.parameter(value.name).default
        ctx.diags.add(
            code, f"{what} comes from parameter {value.name!r}; fixed to its default {default!r}", where=where
        )
        return default
    if isinstance(value, ir.EXPR_TYPES):
        ctx.diags.add("SM2AML402", f"{what} is computed at run time; {otherwise}", where=where)
        return None
    return value
