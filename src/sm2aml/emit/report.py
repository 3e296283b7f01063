"""The migration report: MIGRATION_REPORT.md for people, report.json for tools.

report.json and `sm2aml report --format json` are one document (docs/report.schema.json): a list of pipeline
reports and the portfolio they add up to. A converted project's report.json is the portfolio of its one pipeline.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sm2aml import __version__, aml
from sm2aml.diagnostics import Diagnostic, Severity
from sm2aml.emit import File
from sm2aml.emit.jinja import render
from sm2aml.emit.locate import Place

REPORT_SCHEMA_VERSION = "2"
OUTCOMES = ("direct", "approximate", "manual")
SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {s: str(s) for s in Severity}
INVENTORY = {  # aml.SourceResource kind -> inventory section
    "parameter": "parameters",
    "bucket": "buckets",
    "role": "roles",
    "image": "images",
    "instance_type": "instance_types",
    "kms_key": "kms_keys",
    "network": "networks",
    "endpoint": "endpoints",
    "schedule": "schedules",
    "alarm": "alarms",  # alarms and dashboards: present only when the conversion was given some (--alarms)
    "dashboard": "dashboards",
}
OPTIONAL_SECTIONS = frozenset({"alarms", "dashboards"})
# The documented formulas (docs/report.md); the numbers below implement exactly these.
EFFORT_FORMULA = (
    "days = 0.5 + 0.1*direct + 0.5*approximate + 2*manual + 0.5*errors + 0.25*distinct_warning_codes per pipeline; "
    "portfolio = sum over pipelines + 0.25*buckets_to_copy + 0.25*identities + 0.5*custom_environments"
)
READINESS_FORMULA = (
    "score = clamp(round(100*(direct + 0.5*approximate)/steps) - 10*errors, 0, 100); "
    "level = blocked if errors or manual > steps/2, ready if score >= 80 and no manual step, else needs work"
)


def emit(project: aml.Project) -> list[File]:
    return [
        File(
            "MIGRATION_REPORT.md",
            render("report/MIGRATION_REPORT.md.j2", project=project, counts=_counts(project), version=__version__),
        ),
        File("report.json", json.dumps(to_json(project), indent=2, ensure_ascii=False) + "\n"),
    ]


def _counts(project: aml.Project) -> list[tuple[str, int]]:
    counted = Counter(o.outcome for o in project.outcomes)
    return [(k, counted.get(k, 0)) for k in OUTCOMES]


def to_json(project: aml.Project) -> dict[str, Any]:
    """The report document of one converted pipeline."""
    from sm2aml.emit.portfolio import document

    return document([pipeline_report(project)])


def pipeline_report(
    project: aml.Project, *, places: Mapping[str, Place] | None = None, input_path: str = ""
) -> dict[str, Any]:
    """One pipeline's section: steps, findings, inventory, effort and readiness (JSON-ready data)."""
    places = places or {}
    steps_by_where = {o.where: o.step for o in project.outcomes if o.where}
    diagnostics = [
        _diagnostic(d, project.source, places, _step_of(d.where, steps_by_where)) for d in project.diagnostics
    ]
    findings: dict[str, Counter[str]] = {}
    for d in diagnostics:
        if d["step"] is not None:
            findings.setdefault(d["step"], Counter())[d["severity"]] += 1
    steps = [
        {
            "step": o.step,
            "type": o.step_type,
            "construct": o.construct,
            "outcome": o.outcome,
            "node": o.node,
            "where": o.where,
            "upstream": list(o.upstream),
            "findings": {s: findings.get(o.step, Counter())[s] for s in SEVERITIES},
        }
        for o in project.outcomes
    ]
    outcomes = Counter(o.outcome for o in project.outcomes)
    severities = Counter(d["severity"] for d in diagnostics)
    summary = {
        "steps": len(steps),
        **{k: outcomes.get(k, 0) for k in OUTCOMES},
        "nodes": len(project.pipeline.nodes),
        **{s: severities.get(s, 0) for s in SEVERITIES},
    }
    warning_codes = len({d["code"] for d in diagnostics if d["severity"] == "warning"})
    return {
        "name": project.name,
        "source": project.source,
        "input": input_path or project.source,
        "summary": summary,
        "readiness": readiness(summary),
        "effort": effort(summary, warning_codes),
        "steps": steps,
        "diagnostics": diagnostics,
        "inventory": inventory(project.resources),
    }


def _step_of(where: str, steps_by_where: Mapping[str, str]) -> str | None:
    """The step a finding is about: the one whose location is the longest prefix of the finding's."""
    while where:
        if where in steps_by_where:
            return steps_by_where[where]
        where = where.rsplit("/", 1)[0] if "/" in where else ""
    return None


def _diagnostic(d: Diagnostic, source: str, places: Mapping[str, Place], step: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": d.code,
        "severity": SEVERITY_NAMES[d.severity],
        "where": d.where,
        "message": d.message,
        "hint": d.hint,
        "step": step,
    }  # Diagnostic.to_json() and the step; built here directly, as reports hold many thousands
    place = places.get(d.where) if places else None
    if place is not None:
        out["location"] = {"file": place.file or source, "line": place.line, "column": place.column}
    return out


def inventory(resources: Iterable[aml.SourceResource]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in INVENTORY.values() if s not in OPTIONAL_SECTIONS}
    for r in resources:
        section = out.setdefault(INVENTORY[r.kind], [])
        section.append({"source": r.source, "target": r.target, "where": r.where, **r.details})
    return out


def readiness(summary: Mapping[str, int]) -> dict[str, Any]:
    steps, manual, errors = summary["steps"], summary["manual"], summary["error"]
    if steps:
        score = round(100 * (summary["direct"] + 0.5 * summary["approximate"]) / steps) - 10 * errors
    else:
        score = 0
    score = max(0, min(100, score))
    if errors or manual * 2 > steps or not steps:
        level = "blocked"
    elif score >= 80 and not manual:
        level = "ready"
    else:
        level = "needs work"
    return {"score": score, "level": level}


def effort(summary: Mapping[str, int], warning_codes: int) -> dict[str, Any]:
    terms = {
        "base": 0.5,
        "direct": 0.1 * summary["direct"],
        "approximate": 0.5 * summary["approximate"],
        "manual": 2.0 * summary["manual"],
        "errors": 0.5 * summary["error"],
        "warning_codes": 0.25 * warning_codes,
    }
    return {"days": round(sum(terms.values()), 2), "terms": {k: round(v, 2) for k, v in terms.items()}}
