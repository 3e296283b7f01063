"""The NYC taxi example end to end: converted from its definition, then run locally with `sm2aml run`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sagemaker_nyc_taxi"


def sm2aml(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sm2aml", *map(str, args)], capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("pandas")
    pytest.importorskip("sklearn")
    out = tmp_path_factory.mktemp("nyc") / "azureml"
    result = sm2aml("convert", EXAMPLE / "pipeline.json", "-o", out, "-q", "--code-dir", EXAMPLE / "code")
    assert result.returncode == 0, result.stderr
    return out


def _run(project: Path, run_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return sm2aml("run", project, "--run-dir", run_dir, "--input", f"input_data_url={EXAMPLE / 'data'}", *extra)


def _scores(run_dir: Path) -> dict[str, float]:
    report = json.loads((run_dir / "score_taxi_model" / "outputs" / "evaluation" / "evaluation.json").read_text())
    return {k: v["value"] for k, v in report["regression_metrics"].items()}


def test_all_stages_run_and_the_model_is_good(project: Path, tmp_path: Path) -> None:
    result = _run(project, tmp_path / "run")
    assert result.returncode == 0, result.stderr
    run = tmp_path / "run"
    assert (run / "train_taxi_model" / "outputs" / "model_artifacts" / "model.tar.gz").is_file()
    assert (run / "predict_taxi_fares" / "outputs" / "predictions" / "predictions.csv").is_file()
    scores = _scores(run)
    # fares are generated from distance and duration plus noise: a linear model explains most of it
    assert scores["r2"] > 0.9
    assert 0 < scores["mse"] < 8.0
    outcome = (run / "check_mse_threshold" / "outputs" / "outcome" / "outcome").read_text()
    assert outcome == "true"
    assert "mse_above_threshold" in result.stderr and "skipped (condition)" in result.stderr
    register = run / "register_taxi_model_register_model"
    assert (register / "log.txt").is_file(), "the registration branch ran"
    assert "skipped" not in (register / "log.txt").read_text()


def test_the_step_scripts_are_sagemaker_code() -> None:
    code = {p.name: p.read_text() for p in (EXAMPLE / "code").glob("*.py")}
    assert "/opt/ml/processing/" in code["prep.py"] and "/opt/ml/processing/" in code["score.py"]
    assert "SM_CHANNEL_TRAIN" in code["train.py"] and "SM_MODEL_DIR" in code["train.py"]
    for name, text in code.items():
        for azure in ("azureml", "azure.ai", "mlflow", "AZUREML_"):
            assert azure not in text, f"{name} mentions {azure}"


def test_two_runs_give_identical_scores(project: Path, tmp_path: Path) -> None:
    assert _run(project, tmp_path / "a").returncode == 0
    assert _run(project, tmp_path / "b").returncode == 0
    assert _scores(tmp_path / "a") == _scores(tmp_path / "b")


def test_a_strict_threshold_ends_in_the_fail_step(project: Path, tmp_path: Path) -> None:
    result = _run(project, tmp_path / "run", "--input", "mse_threshold=0.5")
    assert result.returncode == 1
    assert "mse_above_threshold" in result.stderr and "FAILED" in result.stderr
    assert "MSE above threshold" in result.stderr
