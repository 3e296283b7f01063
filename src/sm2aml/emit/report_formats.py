"""The report document rendered for people (Markdown, one self-contained HTML file) and for tools (JSON, SARIF)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sm2aml.emit import graph
from sm2aml.emit.jinja import render


def to_json_text(doc: dict[str, Any]) -> str:
    """Compact (one line): a portfolio's report runs to many megabytes, and indenting takes Python's slow encoder."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def to_markdown(doc: dict[str, Any]) -> str:
    return render("report/report.md.j2", doc=_view(doc, svg=False), p=doc["portfolio"])


def to_html(doc: dict[str, Any]) -> str:
    return render(
        "report/report.html.j2", doc=_view(doc, svg=True), p=doc["portfolio"], box_w=graph.BOX_W, box_h=graph.BOX_H
    )


def to_sarif_text(doc: dict[str, Any], *, root: Path | None = None, docs_url: str | None = None) -> str:
    from sm2aml.emit.sarif import to_sarif

    return json.dumps(to_sarif(doc, root=root, docs_url=docs_url), ensure_ascii=False, separators=(",", ":")) + "\n"


def _view(doc: dict[str, Any], *, svg: bool) -> dict[str, Any]:
    """The document with what the templates draw per pipeline: its Mermaid graph, and its layout for SVG."""
    pipelines = []
    for i, p in enumerate(doc["pipelines"]):
        steps = p["steps"]
        view = {**p, "anchor": f"p{i}"}
        view["mermaid"] = render("report/graph.mmd.j2", q=p, ids=graph.ids(steps), edges=graph.edges(steps))
        if svg:
            view["layout"] = graph.layout(steps)
        pipelines.append(view)
    return {**doc, "pipelines": pipelines}
