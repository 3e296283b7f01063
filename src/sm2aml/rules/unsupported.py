"""Steps this version does not map: each is reported with guidance, never dropped silently."""

from __future__ import annotations

from sm2aml import ir
from sm2aml.rules.context import Context

GUIDANCE = {
    "Tuning": "a sweep node over the training component",
    "Transform": "a parallel node or a batch endpoint deployment",
    "Model": "a model registration (az ml model create) or an endpoint deployment",
    "RegisterModel": "a model registration in the workspace or a registry",
    "Lambda": "an Azure Function called from a command node, or the function's code in a command node",
    "Callback": "an Azure Service Bus / Event Grid integration outside the pipeline",
    "EMR": "an Azure ML spark node or an Azure Databricks / Synapse job",
    "EMRServerless": "an Azure ML spark node (serverless Spark)",
    "QualityCheck": "Azure ML model monitoring (data quality / drift signals)",
    "ClarifyCheck": "the Responsible AI dashboard components",
    "AutoML": "an Azure ML AutoML job node",
}


def convert(step: ir.Step, ctx: Context) -> None:
    what = GUIDANCE.get(step.type, "an equivalent built by hand")
    ctx.diags.add(
        "SM2AML201",
        f"{step.type} step {step.name!r} is not converted by this version; its Azure ML counterpart is {what}",
        where=step.where,
    )
    ctx.outcome(step, what, "manual")
