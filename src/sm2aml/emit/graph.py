"""A pipeline's step graph for the report: Mermaid text and a layered layout for an inline SVG."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 46, 56, 14, 8
LABEL_CHARS = 26


@dataclass(frozen=True, slots=True)
class Box:
    id: str
    step: str
    type: str
    outcome: str
    x: int
    y: int
    label: str  # the step name, shortened to fit
    caption: str  # type and outcome, shortened to fit


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    path: str  # SVG path data


@dataclass(frozen=True, slots=True)
class Layout:
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int


def ids(steps: list[dict[str, Any]]) -> dict[str, str]:
    """A short, always-legal id per step name (s0, s1, …) for Mermaid and SVG."""
    return {s["step"]: f"s{i}" for i, s in enumerate(steps)}


def edges(steps: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(upstream id, step id) for every dependency between listed steps."""
    known = ids(steps)
    return [(known[u], known[s["step"]]) for s in steps for u in s["upstream"] if u in known]


def layout(steps: list[dict[str, Any]]) -> Layout:
    """Left to right: a step's column is one more than its furthest upstream step's."""
    known = ids(steps)
    by_name = {s["step"]: s for s in steps}
    column: dict[str, int] = {}

    def col(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in column:
            ups = [u for u in by_name[name]["upstream"] if u in by_name and u not in seen]
            column[name] = 1 + max((col(u, seen | {name}) for u in ups), default=-1)
        return column[name]

    rows: dict[int, int] = {}
    boxes: dict[str, Box] = {}
    for s in steps:
        c = col(s["step"])
        r = rows.get(c, 0)
        rows[c] = r + 1
        x, y = MARGIN + c * (BOX_W + GAP_X), MARGIN + r * (BOX_H + GAP_Y)
        caption = short(f"{s['type']} · {s['outcome']}", LABEL_CHARS + 4)
        boxes[s["step"]] = Box(known[s["step"]], s["step"], s["type"], s["outcome"], x, y, short(s["step"]), caption)
    lines = []
    for s in steps:
        for u in s["upstream"]:
            if u in boxes:
                a, b = boxes[u], boxes[s["step"]]
                x1, y1, x2, y2 = a.x + BOX_W, a.y + BOX_H // 2, b.x, b.y + BOX_H // 2
                bend = max(GAP_X // 2, (x2 - x1) // 2)
                lines.append(Edge(a.id, b.id, f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"))
    width = MARGIN * 2 + (max(column.values(), default=0) + 1) * (BOX_W + GAP_X) - GAP_X
    height = MARGIN * 2 + max(rows.values(), default=1) * (BOX_H + GAP_Y) - GAP_Y
    return Layout(tuple(boxes.values()), tuple(lines), width, height)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
