"""`--schedule FILE`: the schedules that start a pipeline, as the `aws` CLI prints them → ir.Schedule.

- `aws scheduler get-schedule`: Name, ScheduleExpression, ScheduleExpressionTimezone, StartDate, EndDate, State,
  Description, Target.SageMakerPipelineParameters.PipelineParameterList;
- `aws events describe-rule`: Name, ScheduleExpression, State, Description (always UTC);
- `aws events list-targets-by-rule`: Targets[].SageMakerPipelineParameters.PipelineParameterList, for the rule
  of the describe-rule file given before it (or after it, when it comes first).

Several files may describe one rule; a malformed file is a LoadError located in that file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sm2aml import ir
from sm2aml.diagnostics import CODES, Diagnostic, LoadError

CODE = "SM2AML160"


@dataclass(slots=True)
class _Draft:
    name: str
    expression: str
    where: str
    timezone: str | None = None
    start: str | None = None
    end: str | None = None
    enabled: bool = True
    description: str = ""
    parameters: dict[str, ir.Scalar] = field(default_factory=dict)


def read_schedules(paths: Sequence[Path]) -> tuple[ir.Schedule, ...]:
    """Every schedule the files describe, in the order first named; LoadError on the first malformed file."""
    drafts: dict[str, _Draft] = {}
    pending: list[tuple[dict[str, ir.Scalar], str]] = []  # targets read before any rule
    last: _Draft | None = None
    for path in paths:
        doc = _read(path)
        source = str(path)
        if "Targets" in doc and "ScheduleExpression" not in doc:
            params = _target_parameters(doc, source)
            if last is None:
                pending.append((params, source))
            else:
                last.parameters.update(params)
            continue
        draft = _schedule(doc, source)
        last = drafts.setdefault(draft.name, draft)
        if last is not draft:  # the same schedule again: what this file adds wins
            _merge(last, draft)
        for params, _ in pending:
            last.parameters.update(params)
        pending.clear()
    if pending:
        raise _error(pending[0][1], "", "a list-targets-by-rule file needs the describe-rule file of its rule too")
    return tuple(
        ir.Schedule(
            name=d.name,
            expression=d.expression,
            timezone=d.timezone,
            start=d.start,
            end=d.end,
            enabled=d.enabled,
            description=d.description,
            parameters=d.parameters,
            where=d.where,
        )
        for d in drafts.values()
    )


def _read(path: Path) -> dict[str, Any]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise _error(source, "", f"cannot read the schedule file: {reason}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(source, f"{exc.lineno}:{exc.colno}", f"not valid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or not ("ScheduleExpression" in doc or "Targets" in doc):
        raise _error(
            source,
            "",
            "not a schedule: expected the JSON of `aws scheduler get-schedule`, `aws events describe-rule` "
            "(with ScheduleExpression) or `aws events list-targets-by-rule`",
        )
    return doc


def _schedule(doc: dict[str, Any], source: str) -> _Draft:
    name = _text(doc, "Name", source, required=True)
    expression = _text(doc, "ScheduleExpression", source, required=True)
    state = _text(doc, "State", source) or "ENABLED"
    if state not in ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"):
        raise _error(source, "/State", f"State is {state!r}, not ENABLED or DISABLED")
    draft = _Draft(
        name=name,
        expression=expression,
        where=f"{source}#/ScheduleExpression",
        timezone=_text(doc, "ScheduleExpressionTimezone", source) or None,
        start=_text(doc, "StartDate", source) or None,
        end=_text(doc, "EndDate", source) or None,
        enabled=state != "DISABLED",
        description=_text(doc, "Description", source),
    )
    target = doc.get("Target")
    if target is not None:
        if not isinstance(target, dict):
            raise _error(source, "/Target", "Target is not an object")
        draft.parameters.update(_parameters(target, source, "/Target"))
    return draft


def _merge(into: _Draft, more: _Draft) -> None:
    if more.expression != into.expression:
        raise _error(
            more.where.split("#")[0],
            "/ScheduleExpression",
            f"schedule {more.name!r} is given twice with different expressions ({into.expression}, {more.expression})",
        )
    into.timezone = more.timezone or into.timezone
    into.start = more.start or into.start
    into.end = more.end or into.end
    into.enabled = more.enabled
    into.description = more.description or into.description
    into.parameters.update(more.parameters)


def _target_parameters(doc: dict[str, Any], source: str) -> dict[str, ir.Scalar]:
    targets = doc["Targets"]
    if not isinstance(targets, list):
        raise _error(source, "/Targets", "Targets is not a list")
    out: dict[str, ir.Scalar] = {}
    for i, target in enumerate(targets):
        if not isinstance(target, dict):
            raise _error(source, f"/Targets/{i}", "a target is not an object")
        out.update(_parameters(target, source, f"/Targets/{i}"))
    return out


def _parameters(target: dict[str, Any], source: str, where: str) -> dict[str, ir.Scalar]:
    block = target.get("SageMakerPipelineParameters")
    if block is None:
        return {}
    items = block.get("PipelineParameterList", []) if isinstance(block, dict) else None
    if not isinstance(items, list):
        raise _error(source, f"{where}/SageMakerPipelineParameters", "PipelineParameterList is not a list")
    out: dict[str, ir.Scalar] = {}
    for i, item in enumerate(items):
        here = f"{where}/SageMakerPipelineParameters/PipelineParameterList/{i}"
        if not isinstance(item, dict) or not isinstance(item.get("Name"), str) or "Value" not in item:
            raise _error(source, here, "a pipeline parameter needs Name and Value")
        value = item["Value"]
        if not isinstance(value, str | int | float | bool):
            raise _error(source, f"{here}/Value", "the Value is not text")
        out[item["Name"]] = value
    return out


def _text(doc: dict[str, Any], key: str, source: str, *, required: bool = False) -> str:
    value = doc.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _error(source, f"/{key}", f"{key} is {'missing' if value is None else 'not text'}")
    return value


def _error(source: str, where: str, message: str) -> LoadError:
    diag = Diagnostic(code=CODE, severity=CODES[CODE].severity, message=message, where=where, hint=CODES[CODE].hint)
    return LoadError(diag, source)
