"""EventBridge schedules of the pipeline → Azure ML job schedules (schedules/<name>.yml).

The expression is translated by rules/schedule.py; here the time zone (IANA → Windows), the start and end
dates (instants → wall-clock times in that zone), the state, and the pipeline parameters the schedule sets
(→ the schedule's job input overrides, typed like the pipeline inputs).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sm2aml import aml, ir
from sm2aml.data import table
from sm2aml.rules import schedule, storage
from sm2aml.rules.context import Context

# EventBridge Scheduler's context attribute for the time the schedule fired → Azure ML's expression for it.
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
TRIGGER_TIME = "${{creation_context.trigger_time}}"


def convert(ctx: Context) -> tuple[aml.Schedule, ...]:
    """One aml.Schedule per source schedule that has a translation; findings go to ctx.diags."""
    names = aml.Names()
    out = []
    for source in ctx.pipeline.schedules:
        made = _one(ctx, source, names)
        if made is not None:
            out.append(made)
    return tuple(out)


def _one(ctx: Context, source: ir.Schedule, names: aml.Names) -> aml.Schedule | None:
    where = source.where
    try:
        trigger = schedule.translate(source.expression)
    except schedule.ScheduleSyntaxError as exc:
        ctx.diags.add("SM2AML422", f"schedule {source.name!r}: {exc}; no Azure ML schedule is written", where=where)
        return None
    for issue in trigger.issues:
        ctx.diags.add(issue.code, f"schedule {source.name!r}: {issue.message}", where=where)
    zone, windows = _time_zone(ctx, source)
    start = _wall_clock(ctx, source, source.start, zone, "start")
    end = _wall_clock(ctx, source, source.end, zone, "end")
    start, end = schedule.bounded(start, end, trigger.start_time, trigger.end_time)
    if start and end and start > end:
        ctx.diags.add(
            "SM2AML421",
            f"schedule {source.name!r}: its start {start} is after its end {end}: it never fires; "
            "the schedule is written as given",
            where=where,
        )
    if trigger.frequency and not start:
        ctx.diags.add(
            "SM2AML427",
            f"schedule {source.name!r}: {source.expression} counts from when the schedule is created, in Azure as in "
            "AWS; set start_time to fix the times it fires",
            where=where,
        )
    if not source.enabled:
        ctx.diags.add(
            "SM2AML425",
            f"schedule {source.name!r} is disabled in AWS; an Azure ML schedule starts enabled",
            where=where,
        )
    name = names.take(source.name)
    return aml.Schedule(
        name=name,
        display_name=source.name,
        description=source.description or f"Converted from the EventBridge schedule {source.name}: {source.expression}",
        cron=trigger.cron,
        frequency=trigger.frequency,
        interval=trigger.interval,
        time_zone=windows,
        start_time=start,
        end_time=end,
        inputs=_inputs(ctx, source),
        enabled=source.enabled,
        origin=source.expression + (f" ({source.timezone})" if source.timezone else ""),
    )


def _time_zone(ctx: Context, source: ir.Schedule) -> tuple[dt.tzinfo, str]:
    """The zone the AWS expression is read in, and the Windows name Azure ML takes for it."""
    name = source.timezone or "UTC"
    known: dict[str, str] = table("time_zones")
    windows = known.get(name)
    if windows is None and name in set(known.values()):
        windows = name  # a Windows name already
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.timezone.utc
    if windows is None:
        ctx.diags.add(
            "SM2AML423",
            f"schedule {source.name!r}: time zone {name!r} has no Windows time zone in sm2aml's table; the schedule "
            "runs in UTC, so its hours are off by the zone's offset",
            where=source.where,
        )
        return dt.timezone.utc, "UTC"
    return zone, windows


def _wall_clock(ctx: Context, source: ir.Schedule, instant: str | None, zone: dt.tzinfo, what: str) -> str | None:
    """An ISO 8601 instant as the zone's wall-clock time (Azure's start_time/end_time carry no offset)."""
    if not instant:
        return None
    try:
        when = dt.datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        ctx.diags.add(
            "SM2AML421",
            f"schedule {source.name!r}: the {what} date {instant!r} is not an ISO 8601 time; it is left out",
            where=source.where,
        )
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)  # the SDK and EventBridge read a naive time as UTC
    return when.astimezone(zone).replace(tzinfo=None).strftime(schedule.AT)


def _inputs(ctx: Context, source: ir.Schedule) -> dict[str, aml.Scalar | dict[str, str]]:
    out: dict[str, aml.Scalar | dict[str, str]] = {}
    declared = {p.name for p in ctx.pipeline.parameters}
    for param, value in sorted(source.parameters.items()):
        key = ctx.param_inputs.get(param)
        port = ctx.pipeline_inputs.get(key) if key else None
        if port is None or key is None:
            why = "the pipeline has no such parameter" if param not in declared else "no step uses it"
            ctx.diags.add(
                "SM2AML424",
                f"schedule {source.name!r} sets parameter {param!r}, which is not an input of the Azure ML pipeline "
                f"({why}); the value {value!r} is dropped",
                where=source.where,
            )
            continue
        if value == SCHEDULED_TIME and port.type == "string":
            ctx.diags.add(
                "SM2AML428",
                f"schedule {source.name!r}: parameter {param!r} gets the time the schedule fired; Azure ML gives it as "
                f"{TRIGGER_TIME}",
                where=source.where,
            )
            out[key] = TRIGGER_TIME
            continue
        if isinstance(value, str) and value.startswith("<aws."):
            ctx.diags.add(
                "SM2AML424",
                f"schedule {source.name!r} sets parameter {param!r} to the EventBridge context attribute {value}, "
                "which Azure ML has no counterpart for; the input keeps its default",
                where=source.where,
            )
            continue
        out[key] = _typed(ctx, source, port, value)
    return out


def _typed(ctx: Context, source: ir.Schedule, port: aml.Port, value: aml.Scalar) -> aml.Scalar | dict[str, str]:
    """The value as the input's type: EventBridge passes every parameter value as text."""
    if port.type in aml.DATA_TYPES:
        text = str(value)
        path = storage.datastore_uri(ctx, text, source.where) or text
        return {"type": port.type, "path": path}
    text = str(value).strip()
    try:
        if port.type == "integer":
            return int(text)
        if port.type == "number":
            return float(text)
    except ValueError:
        ctx.diags.add(
            "SM2AML424",
            f"schedule {source.name!r}: {value!r} is not a {port.type}; it is passed as text",
            where=source.where,
        )
        return str(value)
    if port.type == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value if isinstance(value, str) else str(value)


def resources(schedules: tuple[aml.Schedule, ...], pipeline: ir.Pipeline) -> tuple[aml.SourceResource, ...]:
    """The report's inventory rows: each source schedule and the schedule file that stands for it."""
    made = {s.display_name: s for s in schedules}
    out = []
    for source in pipeline.schedules:
        target = made.get(source.name)
        out.append(
            aml.SourceResource(
                kind="schedule",
                source=source.name,
                target=f"schedules/{target.name}.yml" if target else "",
                where=source.where,
                details={
                    "expression": source.expression,
                    "trigger": _trigger_text(target) if target else "",
                    "enabled": source.enabled,
                },
            )
        )
    return tuple(out)


def _trigger_text(s: aml.Schedule) -> str:
    what = f"cron {s.cron}" if s.cron else f"every {s.interval} {s.frequency}(s)"
    return f"{what} ({s.time_zone})"
