"""Load every emitted file with azure-ai-ml (imported here only: it is slow to import)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
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


PRIVATE_FEATURES = "AZURE_ML_CLI_PRIVATE_FEATURES_ENABLED"  # read once, when azure-ai-ml builds its schemas


def needs_private_features(out: Path) -> bool:
    """A pipeline with if_else nodes loads only with private preview features on."""
    text = (out / "pipeline.yml").read_text(encoding="utf-8") if (out / "pipeline.yml").is_file() else ""
    if not text and (out / "pipeline.py").is_file():  # the SDK target's if_else nodes come from dsl condition()
        return "from azure.ai.ml.dsl._condition import" in (out / "pipeline.py").read_text(encoding="utf-8")
    return re.search(r"^\s+type:\s*[\"']?if_else[\"']?\s*$", text, re.M) is not None


def check(out: Path, diags: Diagnostics) -> None:
    """check_with_azure, in a subprocess with private preview features on when the project needs them."""
    if needs_private_features(out) and os.environ.get(PRIVATE_FEATURES) not in ("true", "True") and available():
        _check_in_subprocess(out, diags)
    else:
        check_with_azure(out, diags)


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
        ("schedules/*_monitor.yml", _load_schedule()),
        ("schedules/*.yml", _load_schedule()),  # job schedules: create_job loads ../pipeline.yml with overrides
    ]
    for pattern, loader in loaders:
        for path in sorted(out.glob(pattern)):
            monitor_again = pattern == "schedules/*.yml" and path.name.endswith("_monitor.yml")
            if path.name.endswith(".conda.yml") or monitor_again:
                continue
            entity = _load(loader, path, out, diags)
            if entity is not None and pattern.startswith("components"):
                _report(entity._validate(), path.relative_to(out).as_posix(), diags)
            if entity is not None and pattern.startswith("environments"):
                try:
                    entity.validate()
                except Exception as exc:
                    diags.add("SM2AML505", f"azure-ai-ml: {exc}", where=path.relative_to(out).as_posix())
    if not (out / "pipeline.yml").exists() and (out / "pipeline.py").is_file():
        from sm2aml.validate_sdk import built_job

        job = built_job(out, diags)
    else:
        job = _load(ml.load_job, out / "pipeline.yml", out, diags)
    if job is None:
        return
    _report(job._validate(), "pipeline.yml", diags)
    for name, node in job.jobs.items():
        component = getattr(node, "component", None)
        if component is not None and hasattr(component, "_validate"):
            _report(component._validate(), f"pipeline.yml#/jobs/{name}/component", diags)


def _load_schedule() -> Callable[..., Any]:
    """azure-ai-ml's schedule loader (not exported at the package's top level)."""
    from azure.ai.ml.entities._load_functions import load_schedule

    return load_schedule


def _check_in_subprocess(out: Path, diags: Diagnostics) -> None:
    """The same checks in a fresh interpreter with private preview features on (this one's schemas lack them)."""
    env = {**os.environ, PRIVATE_FEATURES: "true"}
    done = subprocess.run(
        [sys.executable, "-m", "sm2aml.validate_azure", str(out)], env=env, capture_output=True, text=True, check=False
    )
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = " ".join((done.stderr or done.stdout).split())[-500:]
        diags.add("SM2AML505", f"azure-ai-ml check with {PRIVATE_FEATURES}=true failed: {tail}", where="pipeline.yml")
        return
    for d in found:
        diags.add(d["code"], d["message"], where=d["where"], hint=d["hint"], severity=Severity[d["severity"].upper()])


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


if __name__ == "__main__":  # python -m sm2aml.validate_azure OUT: the findings as JSON (see _check_in_subprocess)
    found = Diagnostics()
    try:
        check_with_azure(Path(sys.argv[1]), found)
    except Exception as exc:  # azure-ai-ml raises from inside _validate() for some if_else errors
        found.add("SM2AML505", f"azure-ai-ml: {' '.join(str(exc).split())[:500]}", where="pipeline.yml")
    print(json.dumps([d.to_json() for d in found]))
