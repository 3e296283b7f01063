"""The static route never imports the SageMaker SDK or boto3, and never runs the pipeline code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sagemaker_nyc_taxi" / "pipeline.py"

PROBE = """
import sys
from sm2aml import convert, load
pipeline = load(sys.argv[1])
convert(pipeline)
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sagemaker', 'boto3', 'botocore'))
print(len(list(pipeline.all_steps())), heavy)
"""


def test_static_route_imports_neither_sagemaker_nor_boto3(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(EXAMPLE)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8", "[]"]


def test_pipeline_code_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = tmp_path / "pipeline.py"
    source.write_text(
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('executed')\n"
        "from sagemaker.workflow.pipeline import Pipeline\n"
        "pipeline = Pipeline(name='p', steps=[])\n"
    )
    subprocess.run(
        [sys.executable, "-m", "sm2aml", "inspect", str(source), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert not marker.exists()
