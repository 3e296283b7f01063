"""sm2aml_register.py: what it hands MLflow (a stand-in module records the calls) and what it writes."""

from __future__ import annotations

import importlib.util
import json
import sys
import tarfile
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from sm2aml import runtime


class FakeMlflow:
    """The few MLflow calls the script makes, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.logged: dict[str, list[str]] = {}
        self.run = SimpleNamespace(info=SimpleNamespace(run_id="run-1"))

    def modules(self) -> dict[str, ModuleType]:
        fake = self

        class Run:
            def __enter__(self) -> Any:
                return fake.run

            def __exit__(self, *exc: object) -> None:
                fake.calls.append(("end_run",))

        class Client:
            def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
                fake.calls.append(("tag", name, version, key, value))

            def update_model_version(self, name: str, version: str, description: str) -> None:
                fake.calls.append(("describe", name, version, description))

        def log_artifacts(folder: str, artifact_path: str) -> None:
            files = sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file())
            fake.logged[artifact_path] = files

        mlflow = ModuleType("mlflow")
        mlflow.start_run = Run  # type: ignore[attr-defined]
        mlflow.log_artifacts = log_artifacts  # type: ignore[attr-defined]
        mlflow.log_artifact = lambda f, artifact_path: fake.calls.append(("artifact", Path(f).name, artifact_path))  # type: ignore[attr-defined]
        mlflow.log_metric = lambda k, v: fake.calls.append(("metric", k, v))  # type: ignore[attr-defined]
        mlflow.register_model = lambda uri, name: (  # type: ignore[attr-defined]
            fake.calls.append(("register", uri, name)) or SimpleNamespace(version="7")
        )
        tracking = ModuleType("mlflow.tracking")
        tracking.MlflowClient = Client  # type: ignore[attr-defined]
        return {"mlflow": mlflow, "mlflow.tracking": tracking}


@pytest.fixture
def script(tmp_path: Path) -> ModuleType:
    """The launcher shipped in a component's src/ folder, with the inference code fetched beside it."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "sm2aml_register.py").write_text(runtime.source("register"), encoding="utf-8")
    (src / "inference.py").write_text("def model_fn(model_dir):\n    return None\n")
    (src / "helpers").mkdir()
    (src / "helpers" / "features.py").write_text("X = 1\n")
    spec = importlib.util.spec_from_file_location("sm2aml_register_under_test", src / "sm2aml_register.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "model_artifacts"
    folder.mkdir()
    (tmp_path / "model.joblib").write_bytes(b"not really a model")
    with tarfile.open(folder / "model.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "model.joblib", arcname="model.joblib")
    return folder


def test_registers_the_unpacked_model_with_code_tags_metrics_and_description(
    script: ModuleType, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeMlflow()
    for name, module in fake.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "azureml://example")
    evaluation = tmp_path / "evaluation"
    evaluation.mkdir()
    report = {"regression_metrics": {"mse": {"value": 2.5, "standard_deviation": 0.5}}, "passed": True}
    (evaluation / "evaluation.json").write_text(json.dumps(report))
    out = tmp_path / "out"
    argv = ["--name", "housing-models", "--model", str(archive), "--output", str(out), "--program", "inference.py"]
    argv += ["--description", "Linear model", "--tag", "approval_status=PendingManualApproval", "--tag", "team=a=b"]
    argv += ["--metric", f"model_quality_statistics={evaluation}/evaluation.json"]
    assert script.main(argv) == 0
    assert fake.logged["model"] == ["code/helpers/features.py", "code/inference.py", "model.joblib"]
    assert ("register", "runs:/run-1/model", "housing-models") in fake.calls
    assert ("tag", "housing-models", "7", "approval_status", "PendingManualApproval") in fake.calls
    assert ("tag", "housing-models", "7", "team", "a=b") in fake.calls
    assert ("describe", "housing-models", "7", "Linear model") in fake.calls
    assert ("artifact", "evaluation.json", "model_metrics/model_quality_statistics") in fake.calls
    metrics = [c[1:] for c in fake.calls if c[0] == "metric"]
    assert metrics == [
        ("model_quality_statistics.regression_metrics.mse.standard_deviation", 0.5),
        ("model_quality_statistics.regression_metrics.mse.value", 2.5),
    ]
    record = json.loads((out / "registration.json").read_text())
    assert record["registered"] is True and record["version"] == "7"
    assert fake.calls.index(("end_run",)) < fake.calls.index(("tag", "housing-models", "7", "team", "a=b"))


def test_without_a_tracking_server_nothing_is_registered_and_the_record_says_so(
    script: ModuleType, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setitem(sys.modules, "mlflow", None)  # importing it would fail
    out = tmp_path / "out"
    assert script.main(["--name", "m", "--model", str(archive), "--output", str(out), "--tag", "k=v"]) == 0
    record = json.loads((out / "registration.json").read_text())
    assert record == {
        "registered": False,
        "name": "m",
        "reason": "MLFLOW_TRACKING_URI is not set",
        "tags": {"k": "v"},
        "metrics": {},
        "files": ["model.joblib"],
    }


def test_a_model_that_holds_its_code_keeps_it(script: ModuleType, tmp_path: Path) -> None:
    model = tmp_path / "repacked"
    (model / "code").mkdir(parents=True)
    (model / "code" / "serve.py").write_text("")
    copy = script.model_folder(str(model), str(tmp_path / "work"))
    assert script.add_code(copy, "inference.py", str(tmp_path / "src")) == "the model already holds its code"
    assert sorted(p.name for p in Path(copy, "code").iterdir()) == ["serve.py"]


@pytest.mark.parametrize("bad", ["novalue", "=v"])
def test_malformed_tags_are_refused(script: ModuleType, bad: str) -> None:
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        script.pairs([bad], "--tag")
