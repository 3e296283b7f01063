"""Step code that SageMaker kept in S3, taken from a local checkout instead (`convert --code-dir`)."""

from __future__ import annotations

from pathlib import Path

from sm2aml import aml
from sm2aml.emit import File

SKIP_PARTS = frozenset({"__pycache__", ".git", ".ipynb_checkpoints"})


def local_code(project: aml.Project, code_dir: Path) -> tuple[list[File], list[str]]:
    """Files for components/*/src/ found in code_dir, and the S3 locations it could not match."""
    everything = sorted(p for p in code_dir.rglob("*") if p.is_file() and not SKIP_PARTS & set(p.parts))
    files: list[File] = []
    missing: list[str] = []
    for source in project.code_sources:
        name = source.uri.rstrip("/").rsplit("/", 1)[-1]
        target = f"components/{source.component}/src"
        if name.endswith((".tar.gz", ".tgz", ".zip")) or source.uri.endswith("/"):
            picked = [(p.relative_to(code_dir).as_posix(), p) for p in everything]  # a packed source_dir
        else:
            match = next((p for p in everything if p.name == name), None)
            picked = [(name, match)] if match else []
        if not picked:
            missing.append(source.uri)
        files += [File(f"{target}/{rel}", path.read_bytes()) for rel, path in picked]
    return files, missing
