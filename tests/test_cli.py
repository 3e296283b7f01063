"""The command line: exit codes, located one-line errors, never touching a folder without --force."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "cases" / "processing_training" / "input.json"


def sm2aml(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sm2aml", *map(str, args)],
        check=False,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_version() -> None:
    result = sm2aml("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sm2aml ")


def test_convert_writes_a_project_and_says_what_it_did(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = sm2aml("convert", CASE, "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    assert (out / "pipeline.yml").is_file()
    assert "4 nodes" in result.stdout
    report = json.loads((out / "report.json").read_text())
    assert {s["step"] for s in report["pipelines"][0]["steps"]} == {"Prepare", "Train", "Evaluate", "Notify"}


def test_convert_refuses_a_non_empty_folder_and_leaves_it_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    result = sm2aml("convert", CASE, "-o", out)
    assert result.returncode == 2
    assert "SM2AML501" in result.stderr and "--force" in result.stderr
    assert [p.name for p in out.iterdir()] == ["precious.txt"]
    assert (out / "precious.txt").read_text() == "keep me"


def test_force_replaces_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    result = sm2aml("convert", CASE, "-o", out, "--force", "-q")
    assert result.returncode == 0, result.stderr
    assert not (out / "stale.txt").exists()
    assert (out / "pipeline.yml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no staging folders are left behind"


def test_stdin_describe_pipeline(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "cases" / "describe_pipeline" / "input.json").read_text()
    result = sm2aml("convert", "-", "-o", tmp_path / "out", "-q", stdin=text)
    assert result.returncode == 0, result.stderr
    assert 'display_name: "ClickFeatures"' in (tmp_path / "out" / "pipeline.yml").read_text()


@pytest.mark.parametrize(
    ("text", "located"),
    [
        pytest.param('{"Steps": [', "bad.json:1:12: error SM2AML101", id="not-json"),
        pytest.param("[1, 2]", "bad.json#/: error SM2AML102", id="not-a-definition"),
        pytest.param(
            '{"Steps": [{"Name": "A", "Type": "Processing"}, {"Name": "A", "Type": "Fail"}]}',
            "bad.json#/Steps/1/Name: error SM2AML103",
            id="duplicate-step",
        ),
        pytest.param(
            '{"Steps": [{"Name": "A", "Type": "Processing", "DependsOn": ["Z"]}]}',
            "bad.json#/Steps/0/DependsOn/0: error SM2AML104",
            id="unknown-step",
        ),
    ],
)
def test_malformed_input_exits_2_with_one_located_line(tmp_path: Path, text: str, located: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    result = sm2aml("convert", bad, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert located in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = sm2aml("convert", tmp_path / "nope.json", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "SM2AML111" in result.stderr


def test_validate_reports_a_broken_binding_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert sm2aml("convert", CASE, "-o", out, "-q").returncode == 0
    pipeline = out / "pipeline.yml"
    pipeline.write_text(pipeline.read_text().replace("outputs.train}}", "outputs.trian}}"))
    result = sm2aml("validate", out, "--no-azure")
    assert result.returncode == 1
    assert "SM2AML502" in result.stderr and "trian" in result.stderr


def test_validate_refuses_a_folder_that_is_not_a_project(tmp_path: Path) -> None:
    result = sm2aml("validate", tmp_path)
    assert result.returncode == 2


def test_inspect_json_shows_the_ir() -> None:
    result = sm2aml("inspect", CASE, "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    train = next(s for s in data["steps"] if s["name"] == "Train")
    assert train["arguments"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == {
        "expr": "StepProp",
        "step": "Prepare",
        "path": ["ProcessingOutputConfig", "Outputs", "train", "S3Output", "S3Uri"],
    }


def test_rules_lists_every_registered_type() -> None:
    from sm2aml.rules import RULES

    result = sm2aml("rules")
    assert result.returncode == 0
    for step_type in RULES:
        assert step_type in result.stdout


@pytest.mark.parametrize(
    ("source", "where", "shown"),
    [
        ("p.json", "/Steps/0/Name", "p.json#/Steps/0/Name"),
        ("p.py", "12:5", "p.py:12:5"),
        ("p.json", "events/rule.json#/ScheduleExpression", "events/rule.json#/ScheduleExpression"),
        ("p.json", "", "p.json"),
        ("", "/Steps/0", "/Steps/0"),
    ],
)
def test_a_finding_about_another_file_is_located_in_that_file(source: str, where: str, shown: str) -> None:
    from sm2aml.diagnostics import locate

    assert locate(source, where) == shown
