"""Load every emitted file with azure-ai-ml (imported here only: it is slow to import)."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sm2aml.diagnostics import Diagnostics, Severity


def available() -> bool:
    try:
        import azure.ai.ml  # noqa: F401
    except ImportError:
        return False
    return True


def check_with_azure(out: Path, diags: Diagnostics) -> None:
    """Each file with its load_* function; the pipeline and every component with _validate()."""
    if not available():
        diags.add(
            "SM2AML505",
            "azure-ai-ml is not installed: only the offline checks ran",
            severity=Severity.INFO,
            hint="pip install 'sm2aml[validate]' to check with azure-ai-ml.",
        )
        return
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        from azure.ai import ml

    logging.getLogger("azure.ai.ml._utils._experimental").disabled = True
    loaders: list[tuple[str, Callable[..., Any]]] = [
        ("components/*/component.yml", ml.load_component),
        ("environments/*.yml", ml.load_environment),
        ("datastores/*.yml", ml.load_datastore),
        ("compute/*.yml", ml.load_compute),
        ("models/*.yml", ml.load_model),
        ("endpoints/*.endpoint.yml", ml.load_online_endpoint),
        ("endpoints/*.deployment.yml", ml.load_online_deployment),
    ]
    for pattern, loader in loaders:
        for path in sorted(out.glob(pattern)):
            if path.name.endswith(".conda.yml"):
                continue
            entity = _load(loader, path, out, diags)
            if entity is not None and pattern.startswith("components"):
                _report(entity._validate(), path.relative_to(out).as_posix(), diags)
            if entity is not None and pattern.startswith("environments"):
                try:
                    entity.validate()
                except Exception as exc:
                    diags.add("SM2AML505", f"azure-ai-ml: {exc}", where=path.relative_to(out).as_posix())
    job = _load(ml.load_job, out / "pipeline.yml", out, diags)
    if job is None:
        return
    _report(job._validate(), "pipeline.yml", diags)
    for name, node in job.jobs.items():
        component = getattr(node, "component", None)
        if component is not None and hasattr(component, "_validate"):
            _report(component._validate(), f"pipeline.yml#/jobs/{name}/component", diags)


def _load(loader: Callable[..., Any], path: Path, out: Path, diags: Diagnostics) -> Any:
    rel = path.relative_to(out).as_posix()
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return loader(source=str(path))
    except Exception as exc:
        for message in _messages(exc):
            diags.add("SM2AML505", f"azure-ai-ml cannot load {rel}: {message}", where=rel)
        return None


def _messages(exc: Exception) -> list[str]:
    """The short messages inside azure-ai-ml's long validation reports."""
    text = str(getattr(exc, "messages", None) or exc)
    found = [f"{path}: {msg.split(';')[0]}" for msg, path in _MESSAGE.findall(text.replace("\\'", "'"))]
    return found or [" ".join(text.split())[:500]]


_MESSAGE = re.compile(r'"message": "(.*?)",\s*(?:\\n)?\s*"path": "(.*?)"')


def _report(result: Any, where: str, diags: Diagnostics) -> None:
    if result.passed:
        return
    for path, message in sorted(result.error_messages.items()):
        diags.add("SM2AML505", f"azure-ai-ml: {path}: {message}", where=where)
