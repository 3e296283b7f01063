#!/usr/bin/env python3
"""Project tasks that work on a fresh machine with only Python: each makes .venv and installs first.

python3 tasks.py demo    convert the bundled NYC taxi SageMaker pipeline and validate the result
python3 tasks.py test    run the test suite
python3 tasks.py lint    ruff and mypy
python3 tasks.py bench   the conversion benchmark
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code:
        sys.exit(code)


def ensure_env() -> None:
    """Create .venv and install the project with its test tools; again whenever pyproject.toml changes."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def demo() -> None:
    """Convert the NYC taxi SageMaker pipeline, validate the Azure ML project, run it here, print the scores."""
    example = ROOT / "examples" / "sagemaker_nyc_taxi"
    out = ROOT / "nyc_taxi_azureml"
    run_dir = out / ".runs" / "demo"
    run(BIN / "sm2aml", "convert", example / "pipeline.json", "-o", out, "--force", "--code-dir", example / "code")
    run(BIN / "sm2aml", "validate", out)
    run(BIN / "sm2aml", "run", out, "--run-dir", run_dir, "--input", f"input_data_url={example / 'data'}")
    report = run_dir / "score_taxi_model" / "outputs" / "evaluation" / "evaluation.json"
    print(f"\nscores ({report.relative_to(ROOT)}):")
    print(report.read_text(encoding="utf-8"))


def test() -> None:
    run(BIN / "python", "-m", "pytest", "-q", *sys.argv[2:])


def lint() -> None:
    run(BIN / "ruff", "check", "src", "tests", "bench", "tasks.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "bench", "tasks.py")
    run(BIN / "mypy")


def bench() -> None:
    run(BIN / "python", "bench/convert_speed.py", *sys.argv[2:])


TASKS = {"demo": demo, "test": test, "lint": lint, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(__doc__)
    ensure_env()
    TASKS[sys.argv[1]]()
