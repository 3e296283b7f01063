"""Pipeline.put_triggers([PipelineSchedule(...)]) → ir.Schedule, as the SDK resolves a schedule for
EventBridge Scheduler (sagemaker.workflow.triggers / v3 sagemaker.mlops.workflow.triggers): the name defaults to
the pipeline's, `enabled` to True, `start_date` to the time put_triggers runs, and no time zone is given, so
EventBridge Scheduler reads the expression in UTC. `at` is a datetime the SDK converts to UTC."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load.values import Obj, Unknown, describe

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model

AT = "%Y-%m-%dT%H:%M:%S"


def schedules(model: Model, pipe: Obj, pipeline_name: str) -> tuple[ir.Schedule, ...]:
    """The schedules put_triggers attaches to this pipeline (or to a Pipeline object of the same name)."""
    out: list[ir.Schedule] = []
    for target, triggers, where in model.triggers:
        if target is not pipe and target.get("name") != pipe.get("name"):
            continue
        if isinstance(triggers, Unknown):
            model.it.report("SM2AML122", f"the triggers of put_triggers() are left out: {triggers.reason}", where)
            continue
        items = triggers if isinstance(triggers, list | tuple) else [triggers]
        for trigger in items:
            made = _schedule(model, trigger, pipeline_name, where)
            if made is not None:
                out.append(made)
    return tuple(out)


def _schedule(model: Model, trigger: Any, pipeline_name: str, where: str) -> ir.Schedule | None:
    if not isinstance(trigger, Obj) or trigger.kind != "PipelineSchedule":
        reason = trigger.reason if isinstance(trigger, Unknown) else f"{describe(trigger)} is not a PipelineSchedule"
        model.it.report("SM2AML122", f"a trigger of put_triggers() is left out: {reason}", where)
        return None
    here = trigger.where or where
    given = [k for k in ("at", "rate", "cron") if trigger.get(k) is not None]
    if len(given) != 1:
        what = "none" if not given else " and ".join(given)
        model.it.report(
            "SM2AML122", f"a PipelineSchedule needs exactly one of at, rate and cron; it has {what}: left out", here
        )
        return None
    expression = _expression(given[0], trigger.get(given[0]))
    if isinstance(expression, Unknown):
        model.it.report("SM2AML122", f"the schedule's {given[0]} is left out: {expression.reason}", here)
        return None
    name = trigger.get("name")
    enabled = trigger.get("enabled")
    start = trigger.get("start_date")
    if isinstance(start, Unknown):
        model.it.report("SM2AML122", f"the schedule's start_date is left out: {start.reason}", here)
    return ir.Schedule(
        name=name if isinstance(name, str) else pipeline_name,
        expression=expression,
        start=_instant(start) if isinstance(start, dt.datetime) else None,
        enabled=enabled is not False,
        where=here,
    )


def _expression(kind: str, value: Any) -> str | Unknown:
    if isinstance(value, Unknown):
        return value
    if kind == "cron" and isinstance(value, str):
        return f"cron({value})"
    if kind == "rate" and isinstance(value, tuple | list) and len(value) == 2:
        return f"rate({value[0]} {value[1]})"
    if kind == "at" and isinstance(value, dt.datetime):
        utc = value.astimezone(dt.timezone.utc) if value.tzinfo else value
        return f"at({utc.strftime(AT)})"
    return Unknown(f"{kind}={describe(value)} is not what PipelineSchedule takes", "")


def _instant(value: dt.datetime) -> str:
    """An ISO 8601 instant; a naive datetime is UTC (as EventBridge Scheduler reads it)."""
    return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).isoformat()
