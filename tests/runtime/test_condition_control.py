"""The condition launcher's control output: what an if_else node reads to choose its block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sm2aml.runtime import condition as launcher

TRUE = {"kind": "Equals", "left": {"kind": "literal", "value": 1}, "right": {"kind": "literal", "value": 1}}
FALSE = {"kind": "Equals", "left": {"kind": "literal", "value": 1}, "right": {"kind": "literal", "value": 2}}


def _spec(tmp_path: Path, condition: dict[str, object]) -> str:
    path = tmp_path / "condition.json"
    path.write_text(json.dumps({"step": "check", "condition": {"kind": "and", "conditions": [condition]}}))
    return str(path)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    calls: list[dict[str, str]] = []
    monkeypatch.setattr(launcher, "publish_properties", calls.append)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return calls


@pytest.mark.parametrize(("condition", "text"), [(TRUE, "True"), (FALSE, "False")], ids=["true", "false"])
def test_control_output_folder_gets_the_value_in_output(
    tmp_path: Path, condition: dict[str, object], text: str, published: list[dict[str, str]]
) -> None:
    control = tmp_path / "is_true"
    control.mkdir()  # Azure ML (and sm2aml run) hand a folder for the output
    code = launcher.main(
        ["--spec", _spec(tmp_path, condition), "--outcome", str(tmp_path / "o"), "--control", f"is_true={control}"]
    )
    assert code == 0
    assert (control / "output").read_text() == text
    assert (tmp_path / "o" / "outcome").read_text() == text.lower()
    assert published == [], "outside an Azure ML job no run property is set"


def test_control_output_path_that_is_not_a_folder_is_the_file(tmp_path: Path, published: list[dict[str, str]]) -> None:
    target = tmp_path / "mount" / "is_true"
    args = ["--spec", _spec(tmp_path, TRUE), "--outcome", str(tmp_path / "o"), "--control", f"is_true={target}"]
    assert launcher.main(args) == 0
    assert target.read_text() == "True"


def test_in_an_azure_ml_job_the_value_becomes_the_control_run_property(
    tmp_path: Path, published: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "azureml://example")
    args = ["--spec", _spec(tmp_path, FALSE), "--outcome", str(tmp_path / "o"), "--control", f"is_true={tmp_path}"]
    assert launcher.main(args) == 0
    assert published == [{"azureml.pipeline.control": '{"is_true": false}'}]
    assert json.loads(published[0][launcher.CONTROL_PROPERTY]) == {"is_true": False}


def test_a_property_that_cannot_be_set_fails_the_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(properties: dict[str, str]) -> None:
        raise launcher.ConditionError("run history answered 403")

    monkeypatch.setattr(launcher, "publish_properties", refuse)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "azureml://example")
    args = ["--spec", _spec(tmp_path, TRUE), "--outcome", str(tmp_path / "o"), "--control", f"is_true={tmp_path}"]
    assert launcher.main(args) == 1
    assert "403" in capsys.readouterr().err


def test_without_control_nothing_is_published(
    tmp_path: Path, published: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "azureml://example")
    assert launcher.main(["--spec", _spec(tmp_path, TRUE), "--outcome", str(tmp_path / "o")]) == 0
    assert published == []
