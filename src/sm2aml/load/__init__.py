"""Front ends: turn a SageMaker pipeline (definition JSON, a describe-pipeline response, Python source or a
notebook) into ir.Pipeline."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from sm2aml import ir
from sm2aml.diagnostics import CODES, Diagnostic, LoadError
from sm2aml.load.definition import load_definition


def load(source: str | Path, *, args: Mapping[str, str] | None = None, execute: bool = False) -> ir.Pipeline:
    """Load a pipeline from a path, from '-' (standard input), or from the JSON text itself.

    A `.py` file is read statically as SageMaker pipeline code (never executed), a `.ipynb` notebook as
    its code cells; `args` are the values of the pipeline factory's parameters (`--arg name=value`).
    `execute=True` (`--exec`) instead RUNS the code with the installed SageMaker SDK, offline.
    """
    if isinstance(source, Path):
        suffix = source.suffix.lower()
        if execute and suffix in (".py", ".ipynb"):
            from sm2aml.load.execute import load_by_running

            _read(source)  # an unreadable file fails here, located, before a process is started
            return load_by_running(source, source=str(source), args=args)
        if suffix == ".py":
            from sm2aml.load.source import load_source

            return load_source(_read(source), path=source, source=str(source), args=args)
        if suffix == ".ipynb":
            from sm2aml.load.notebook import load_notebook

            return load_notebook(_read(source), path=source, source=str(source), args=args)
        return load_definition(_read(source), source=str(source), name=pipeline_name(source))
    if source == "-":
        return load_definition(sys.stdin.read(), source="<stdin>")
    if source.lstrip().startswith(("{", "[")):
        return load_definition(source, source="<text>")
    return load(Path(source), args=args, execute=execute)


GENERIC_STEMS = frozenset({"pipeline", "definition", "pipeline_definition", "pipeline-definition", "describe", "input"})


def pipeline_name(path: Path) -> str:
    """A name for a pipeline read from a file: its stem, or its folder's name when the stem is generic."""
    stem = path.stem
    if stem.lower() in GENERIC_STEMS and path.resolve().parent.name:
        return path.resolve().parent.name
    return stem


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        diag = Diagnostic(
            code="SM2AML111",
            severity=CODES["SM2AML111"].severity,
            message=f"cannot read {path}: {reason}",
            hint=CODES["SM2AML111"].hint,
        )
        raise LoadError(diag, str(path)) from None


__all__ = ["load"]
