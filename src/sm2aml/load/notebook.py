"""A Jupyter notebook → ir.Pipeline: its code cells, in order, read as one module by the source front end.

IPython magics (`%...`, `%%...`) and shell lines (`!...`) are not Python; they become `pass` so that
blocks and line numbers stay as they are. Places are given as `cellN:line:col` (N counts code cells).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sm2aml import ir
from sm2aml.diagnostics import CODES, Diagnostic, LoadError

PYTHON_CELL_MAGICS = frozenset({"%%capture", "%%time", "%%timeit", "%%prun"})


def load_notebook(text: str, *, path: Path, source: str = "", args: Mapping[str, str] | None = None) -> ir.Pipeline:
    from sm2aml.load.source import load_source

    source = source or str(path)
    code, places = notebook_code(text, source)
    return load_source(code, path=path, source=source, args=args, lines=lambda n: places.get(n, str(n)))


def notebook_code(text: str, source: str = "") -> tuple[str, dict[int, str]]:
    """The code cells joined into one module, and for each of its lines the cell and line it came from."""
    cells = _cells(text, source)
    lines: list[str] = []
    places: dict[int, str] = {}
    for number, cell in enumerate(cells, 1):
        for index, line in enumerate(_python_lines(cell), 1):
            lines.append(line)
            places[len(lines)] = f"cell{number}:{index}"
        lines.append("")
    return "\n".join(lines) + "\n", places


def _cells(text: str, source: str) -> list[str]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            _error(f"not a notebook: invalid JSON ({exc.msg})", f"{exc.lineno}:{exc.colno}"), source
        ) from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise LoadError(_error("not a notebook: no cells list", ""), source)
    out: list[str] = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            out.append(_text(cell.get("source")))
    return out


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _python_lines(cell: str) -> list[str]:
    lines = cell.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].split()[0]
        if magic not in PYTHON_CELL_MAGICS:
            return ["pass"] + ["" for _ in lines[1:]]  # a %%bash, %%writefile, ... cell is not Python
        lines = ["pass", *lines[1:]]
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!")) or _shell_assignment(stripped):
            out.append(f"{indent}pass")
        else:
            out.append(line)
    return out


def _shell_assignment(line: str) -> bool:
    """`files = !ls` and `x = %env`: IPython assignments from shell commands or magics."""
    name, eq, rest = line.partition("=")
    return bool(eq) and name.strip().isidentifier() and rest.lstrip().startswith(("!", "%"))


def _error(message: str, where: str) -> Diagnostic:
    entry = CODES["SM2AML129"]
    return Diagnostic(code="SM2AML129", severity=entry.severity, message=message, where=where, hint=entry.hint)
