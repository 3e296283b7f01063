"""`sm2aml convert/inspect pipeline.py --arg ...`: the code is read statically and its scripts are copied."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NYC = ROOT / "examples" / "sagemaker_nyc_taxi"
NYC_ARGS = (
    "--arg",
    "role=arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole",
    "--arg",
    "default_bucket=sm2aml-example-artifacts",
)


def sm2aml(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sm2aml", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_convert_pipeline_code_copies_the_scripts_it_names(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = sm2aml("convert", NYC / "pipeline.py", "-o", out, "-q", *NYC_ARGS)
    assert result.returncode == 0, result.stderr
    assert "is not in" not in result.stderr
    for component, script in (("prep_taxi_data", "prep.py"), ("score_taxi_model", "score.py")):
        copied = out / "components" / component / "src" / script
        assert copied.read_bytes() == (NYC / "code" / script).read_bytes()
    assert (out / "components" / "train_taxi_model" / "src" / "train.py").is_file()  # the whole source_dir
    assert not list(out.rglob("__pycache__"))


def test_converted_code_passes_validation_with_azure_ai_ml(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    from sm2aml.validate import validate

    out = tmp_path / "out"
    assert sm2aml("convert", NYC / "pipeline.py", "-o", out, "-q", *NYC_ARGS).returncode == 0
    assert [d.one_line() for d in validate(out, azure=True)] == []


def test_inspect_reads_pipeline_code() -> None:
    result = sm2aml("inspect", NYC / "pipeline.py", "--json", *NYC_ARGS)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["name"] == "NycTaxiFarePipeline"
    assert [s["name"] for s in data["steps"]][:2] == ["PrepTaxiData", "TransformTaxiData"]


def test_malformed_python_exits_2_with_one_located_line(tmp_path: Path) -> None:
    broken = tmp_path / "pipeline.py"
    broken.write_text("import os\ndef get_pipeline(:\n    pass\n", encoding="utf-8")
    result = sm2aml("convert", broken, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == f"sm2aml: {broken}:2:18: error SM2AML120: not valid Python: invalid syntax"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--arg", "role"), "--arg takes NAME=VALUE"),
        (("--arg", "colour=blue"), "error SM2AML128: get_pipeline() has no parameter 'colour'"),
    ],
)
def test_bad_arguments_exit_2(tmp_path: Path, extra: tuple[str, ...], expected: str) -> None:
    result = sm2aml("convert", NYC / "pipeline.py", "-o", tmp_path / "out", *extra)
    assert result.returncode == 2
    assert expected in result.stderr
