"""An SDK-target project's pipeline job, built offline by its own pipeline.py (for the azure-ai-ml checks)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import sys
from pathlib import Path
from typing import Any

from sm2aml.diagnostics import Diagnostics

_COUNTER = itertools.count()


def load_module(path: Path) -> Any:
    """Import a pipeline.py by path, under a name of its own (several projects can be loaded at once)."""
    name = f"sm2aml_sdk_pipeline_{next(_COUNTER)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def built_job(out: Path, diags: Diagnostics, **overrides: Any) -> Any:
    """build_pipeline(**overrides) of OUT/pipeline.py, or None with a finding when building or dumping it fails
    (azure-ai-ml raises, rather than reports, a value its schema rejects in a job built in Python)."""
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            job = load_module(out / "pipeline.py").build_pipeline(**overrides)
            job._validate()
    except Exception as exc:
        message = " ".join(str(exc).split())[:500]
        diags.add("SM2AML505", f"pipeline.py: build_pipeline() gives no valid job: {message}", where="pipeline.py")
        return None
    return job
