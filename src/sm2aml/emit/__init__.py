"""Emitters turn an aml.Project into files; only write() touches the disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sm2aml import aml


@dataclass(frozen=True, slots=True)
class File:
    path: str  # relative, forward slashes
    text: str | bytes
    executable: bool = False


class SdkUnsupported(ValueError):
    """Something in the project that the SDK target cannot write (yet)."""


class OutputExists(Exception):
    """The output folder has content and --force was not given."""


TARGETS = ("yaml", "sdk", "both")


def emit(project: aml.Project, target: str = "yaml", code: Sequence[File] = ()) -> list[File]:
    """All files of the emitted project, sorted by path: the CLI v2 (YAML) form, the SDK v2 form, or both.
    `code`: step code found locally (convert --code-dir), added where the project has no file of that path."""
    from sm2aml.emit import report, yaml_project

    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    files = yaml_project.emit(project, target, code) + report.emit(project)
    emitted = {f.path for f in files}
    files += [f for f in code if f.path not in emitted]
    if target != "yaml":
        from sm2aml.emit import sdk

        files = [f for f in files if target == "both" or f.path != "pipeline.yml"] + sdk.emit(project)
        if target == "sdk":  # a job schedule's create_job is pipeline.yml, which this target does not write
            scheduled = {f"schedules/{s.name}.yml" for s in project.schedules}
            files = [f for f in files if f.path not in scheduled]
    return sorted(files, key=lambda f: f.path)


def write(files: list[File], out: Path, *, force: bool = False) -> None:
    """Write into a temporary folder beside `out`, then move it into place (replacing only with force)."""
    out = out.resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise OutputExists(str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for file in files:
            target = staging / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(file.text, bytes):
                target.write_bytes(file.text)
            else:
                target.write_text(file.text, encoding="utf-8", newline="\n")
            if file.executable:
                target.chmod(0o755)
        if out.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, backup / out.name) if out.is_dir() else out.replace(backup / out.name)
            os.replace(staging, out)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
