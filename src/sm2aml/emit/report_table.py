"""The report document as rich tables for a terminal (`sm2aml report`, the default format)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table

COLOUR = {"direct": "green", "approximate": "yellow", "manual": "red", "error": "red", "warning": "yellow"}
LEVEL_COLOUR = {"ready": "direct", "needs work": "approximate", "blocked": "manual"}
FINDINGS_SHOWN = 30


def render_tables(doc: dict[str, Any], console: Console) -> None:
    console.print(tables(doc))


def tables(doc: dict[str, Any]) -> RenderableType:
    p = doc["portfolio"]
    parts: list[RenderableType] = [_pipelines(doc)]
    if len(doc["pipelines"]) == 1:
        parts += [_steps(doc["pipelines"][0]), _findings(doc["pipelines"][0])]
    if p["blockers"]:
        blockers = Table("code", "severity", "what", "findings", "pipelines", title="Most common blockers")
        for b in p["blockers"]:
            blockers.add_row(b["code"], _tint(b["severity"]), escape(b["title"]), str(b["count"]), str(b["pipelines"]))
        parts.append(blockers)
    if p["compute"]:
        compute = Table("Azure VM size", "vCPU", "RAM GiB", "GPU", "SageMaker types", "steps", title="Compute")
        for c in p["compute"]:
            compute.add_row(
                escape(c["sku"]),
                *(str(c.get(k, "?")) for k in ("vcpus", "memory_gib", "gpus")),
                escape(", ".join(c["instance_types"])),
                str(c["steps"]),
            )
        parts.append(compute)
    if doc["failed"]:
        failed = Table("input", "code", "why (the first error; every finding is in the other formats)", title="Failed")
        for f in doc["failed"]:
            d = f["diagnostics"][0]
            failed.add_row(escape(f["input"]), d["code"], escape(d["message"]))
        parts.append(failed)
    return Group(*parts)


def _pipelines(doc: dict[str, Any]) -> Table:
    p = doc["portfolio"]
    table = Table(
        title="Pipelines",
        show_footer=len(doc["pipelines"]) > 1,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("pipeline", overflow="fold", min_width=20)
    for name in ("steps", "dir", "appr", "man", "err", "warn", "ready", "days"):
        table.add_column(name, justify="right", no_wrap=True)
    for q in doc["pipelines"]:
        s = q["summary"]
        table.add_row(
            escape(q["name"]),
            str(s["steps"]),
            str(s["direct"]),
            str(s["approximate"]),
            _tint("manual", str(s["manual"])) if s["manual"] else "0",
            _tint("error", str(s["error"])) if s["error"] else "0",
            str(s["warning"]),
            _tint(LEVEL_COLOUR[q["readiness"]["level"]], str(q["readiness"]["score"])),
            str(q["effort"]["days"]),
        )
    if table.show_footer:
        footer = [
            "total",
            str(p["steps"]),
            *(str(p["outcomes"][k]) for k in ("direct", "approximate", "manual")),
            str(p["findings"]["error"]),
            str(p["findings"]["warning"]),
            str(p["readiness"]["score"]),
            str(p["effort"]["days"]),
        ]
        for column, text in zip(table.columns, footer, strict=True):
            column.footer = text
    return table


def _steps(q: dict[str, Any]) -> Table:
    table = Table("step", "type", "Azure ML", "outcome", "errors", "warnings", title=f"Steps of {escape(q['name'])}")
    for s in q["steps"]:
        f = s["findings"]
        table.add_row(
            escape(s["step"]),
            escape(s["type"]),
            escape(s["construct"]),
            _tint(s["outcome"]),
            str(f["error"]),
            str(f["warning"]),
        )
    return table


def _findings(q: dict[str, Any]) -> Table:
    shown = [d for d in q["diagnostics"] if d["severity"] != "info"]
    table = Table("severity", "code", "where", "message", title="Findings (warnings and errors)")
    for d in shown[:FINDINGS_SHOWN]:
        where = d["where"] + (f" (line {d['location']['line']})" if "location" in d else "")
        table.add_row(_tint(d["severity"]), d["code"], escape(where), escape(d["message"]))
    if len(shown) > FINDINGS_SHOWN:
        table.caption = f"… and {len(shown) - FINDINGS_SHOWN} more (--format markdown or html lists them all)"
    return table


def _tint(word: str, text: str | None = None) -> str:
    colour = COLOUR.get(word)
    shown = escape(text if text is not None else word)
    return f"[{colour}]{shown}[/]" if colour else shown
