"""The bundled NYC taxi pipeline.json is what the SageMaker SDK builds from pipeline.py (SDK as the oracle)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sagemaker_nyc_taxi"


def test_pipeline_json_is_up_to_date_with_pipeline_py() -> None:
    pytest.importorskip("sagemaker")
    result = subprocess.run(
        [sys.executable, "build_definition.py", "--check"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
