"""The migration report: MIGRATION_REPORT.md for people, report.json for tools."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sm2aml import __version__, aml
from sm2aml.emit import File
from sm2aml.emit.jinja import render

REPORT_SCHEMA_VERSION = "1"
OUTCOMES = ("direct", "approximate", "manual")


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
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "sm2aml", "version": __version__},
        "pipeline": {"name": project.name, "source": project.source},
        "summary": dict(_counts(project)),
        "steps": [
            {"step": o.step, "type": o.step_type, "construct": o.construct, "outcome": o.outcome, "node": o.node}
            for o in project.outcomes
        ],
        "diagnostics": [d.to_json() for d in project.diagnostics],
    }
