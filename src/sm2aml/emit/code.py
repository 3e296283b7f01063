"""Step code that SageMaker kept in S3, taken from the files the pipeline code names or from a local
checkout (`convert --code-dir`) instead."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from sm2aml import aml
from sm2aml.diagnostics import CODES, Diagnostic
from sm2aml.emit import File

SKIP_PARTS = frozenset({"__pycache__", ".git", ".ipynb_checkpoints"})


def local_code(
    project: aml.Project, code_dir: Path | None, known: Mapping[str, str] | None = None
) -> tuple[list[File], list[str]]:
    """Files for components/*/src/: the local file or folder the pipeline code names for an S3 location
    (`known`, from the source front end), else a match in code_dir; and the S3 locations left unmatched."""
    everything = _files(code_dir) if code_dir is not None else []
    files: list[File] = []
    missing: list[str] = []
    for source in project.code_sources:
        name = source.uri.rstrip("/").rsplit("/", 1)[-1]
        target = f"components/{source.component}/src"
        local = (known or {}).get(source.uri)
        if local is not None:
            path = Path(local)
            picked = _files(path) if path.is_dir() else [(path.name, path)] if path.is_file() else []
        elif code_dir is None:
            picked = []
        elif name.endswith((".tar.gz", ".tgz", ".zip")) or source.uri.endswith("/"):
            picked = everything  # a packed source_dir
        else:
            match = next((p for rel, p in everything if p.name == name), None)
            picked = [(name, match)] if match else []
        if not picked:
            missing.append(source.uri)
        files += [File(f"{target}/{rel}", path.read_bytes()) for rel, path in picked]
    return files, missing


def settle(
    project: aml.Project, missing: list[str], code_dir: Path | None, known: Mapping[str, str] | None = None
) -> aml.Project:
    """Code found locally is not to be fetched: its S3 sources leave the project (fetch_code.sh, the deploy plan)
    and their SM2AML203 findings become SM2AML217, saying where the code came from."""
    found = [c for c in project.code_sources if c.uri not in missing]
    if not found:
        return project
    settled = {(c.where, c.component): c for c in found}
    diagnostics: list[Diagnostic] = []
    for d in project.diagnostics:
        source = next(
            (
                c
                for (where, comp), c in settled.items()
                if d.code == "SM2AML203" and d.where == where and f"components/{comp}/src/" in d.message
            ),
            None,
        )
        if source is None:
            diagnostics.append(d)
            continue
        local = (known or {}).get(source.uri)
        origin = _shown(Path(local)) if local is not None else f"--code-dir {code_dir}"
        message = (
            f"the code SageMaker kept at {source.uri} is copied into components/{source.component}/src/ from {origin}"
        )
        diagnostics.append(_finding("SM2AML217", message, d.where))
    left = tuple(c for c in project.code_sources if c.uri in missing)
    return replace(project, code_sources=left, diagnostics=tuple(diagnostics))


def _shown(path: Path) -> str:
    """A path relative to the working folder when it is below it (as the user named it), else as it is."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _files(folder: Path) -> list[tuple[str, Path]]:
    """The files under a folder by relative path, caches and version control left out."""
    found = (p for p in folder.rglob("*") if p.is_file() and not SKIP_PARTS & set(p.relative_to(folder).parts))
    return sorted((p.relative_to(folder).as_posix(), p) for p in found)


def path_findings(project: aml.Project, files: list[File]) -> list[Diagnostic]:
    """Where the copied scripts use SageMaker container paths: mapped ones are listed, others flagged."""
    # only processing steps run through the path launcher; other components get whole source folders
    mapped = {c.name: set(_MAP.findall(c.command)) for c in project.components if _MAP.search(c.command)}
    findings: list[Diagnostic] = []
    for file in files:
        parts = file.path.split("/")
        if not file.path.endswith(".py") or not isinstance(file.text, bytes) or len(parts) < 4:
            continue
        component, rel = parts[1], "/".join(parts[3:])
        if component not in mapped:
            continue
        for line, col, literal in _container_literals(file.text.decode("utf-8", errors="replace")):
            where = f"components/{component}/src/{rel}:{line}:{col}"
            known = next(
                (
                    m
                    for m in sorted(mapped.get(component, ()), key=len, reverse=True)
                    if literal == m or literal.startswith(m + "/")
                ),
                None,
            )
            if known:
                findings.append(
                    _finding(
                        "SM2AML213",
                        f"{literal!r} is pointed at the folder Azure ML mounts for {known} when the step runs",
                        where,
                    )
                )
            else:
                findings.append(
                    _finding(
                        "SM2AML214",
                        f"{literal!r} is a SageMaker container path no input or output of this step provides",
                        where,
                    )
                )
    return findings


_MAP = re.compile(r"--map '?([^=' ]+)'?=")
_CONTAINER = re.compile(r"/opt/ml/[\w./-]*")


def _container_literals(source: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return out
    for tok in tokens:
        if tok.type == tokenize.STRING:
            out += [(tok.start[0], tok.start[1] + 1, m.group(0).rstrip("/")) for m in _CONTAINER.finditer(tok.string)]
    return out


def _finding(code: str, message: str, where: str) -> Diagnostic:
    entry = CODES[code]
    return Diagnostic(code=code, severity=entry.severity, message=message, where=where, hint=entry.hint)
