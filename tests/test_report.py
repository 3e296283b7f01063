"""`sm2aml report` end to end: every step once, the documented JSON schema, SARIF 2.1.0, exit codes, batches."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sm2aml import load

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "fixtures" / "sagemaker_definitions"
CASES = sorted((ROOT / "tests" / "cases").glob("*/input.json"))
REPORT_SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
PROCESSING_ONLY = ROOT / "tests" / "cases" / "processing_only" / "input.json"  # warnings, no errors
LAMBDA = ROOT / "tests" / "cases" / "lambda_callback" / "input.json"  # errors (placeholder nodes)


def sm2aml(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sm2aml", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def report_schema_errors(doc: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(REPORT_SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(doc)]


def portfolio_inputs() -> list[Path]:
    shared = sorted(SHARED.glob("*.json")) if SHARED.is_dir() else []
    return [*CASES, *shared]


def test_the_documented_schemas_are_valid_schemas() -> None:
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)


def test_report_lists_every_step_of_every_pipeline_once_and_follows_the_schema(tmp_path: Path) -> None:
    inputs = portfolio_inputs()
    out = tmp_path / "report.json"
    result = sm2aml("report", *inputs, "--format", "json", "-o", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert report_schema_errors(doc) == []
    assert doc["failed"] == [] and doc["skipped"] == []
    by_input = {p["input"]: p for p in doc["pipelines"]}
    assert sorted(by_input) == sorted(str(i) for i in inputs)
    for path in inputs:
        expected = sorted(s.name for s in load(path).all_steps())
        listed = sorted(s["step"] for s in by_input[str(path)]["steps"])
        assert listed == expected, path
    assert doc["portfolio"]["steps"] == sum(len(p["steps"]) for p in doc["pipelines"])
    if SHARED.is_dir():
        assert len(doc["pipelines"]) == len(CASES) + len(list(SHARED.glob("*.json")))


def test_report_json_finds_the_line_of_each_json_pointer(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert sm2aml("report", LAMBDA, "--format", "json", "-o", out).returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    lines = LAMBDA.read_text(encoding="utf-8").splitlines()
    located = [d for d in doc["pipelines"][0]["diagnostics"] if "location" in d]
    assert located, "findings with a JSON pointer get a line and column"
    for d in located:
        key = d["where"].rsplit("/", 1)[-1]
        line = lines[d["location"]["line"] - 1]
        if not key.isdigit():  # the value of "key" starts on the line the pointer names
            assert f'"{key}"' in line, (d["where"], line)


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"Steps": [\n  {"Name": "A",\n', encoding="utf-8")
    out = tmp_path / "report.sarif"
    result = sm2aml("report", LAMBDA, PROCESSING_ONLY, bad, "--format", "sarif", "-o", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    sarif = json.loads(out.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(sarif)] == []
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "SM2AML255" in rules and "SM2AML101" in rules
    assert all(
        r["help"]["markdown"].endswith(f"(docs/diagnostics.md#{r['id'].lower()}).")
        for r in run["tool"]["driver"]["rules"]
    )
    levels: dict[str, set[str]] = {}
    for r in run["results"]:
        levels.setdefault(r["ruleId"], set()).add(r["level"])
    assert "error" in levels["SM2AML255"] and levels["SM2AML310"] == {"note"}
    for r in run["results"]:
        assert rules[r["ruleIndex"]] == r["ruleId"]
    lambda_results = [
        r
        for r in run["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("lambda_callback/input.json")
    ]
    assert lambda_results and all("region" in r["locations"][0]["physicalLocation"] for r in lambda_results)
    broken = next(r for r in run["results"] if r["ruleId"] == "SM2AML101")
    assert broken["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("bad.json")
    assert broken["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_sarif_rules_get_a_help_uri_when_the_docs_address_is_given(tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    url = "https://example.org/sm2aml/docs/diagnostics.md"
    assert sm2aml("report", LAMBDA, "--format", "sarif", "-o", out, "--docs-url", url).returncode == 0
    rules = json.loads(out.read_text(encoding="utf-8"))["runs"][0]["tool"]["driver"]["rules"]
    assert {r["helpUri"] for r in rules} == {f"{url}#{r['id'].lower()}" for r in rules}


@pytest.mark.parametrize(
    ("inputs", "fail_on", "code"),
    [
        pytest.param([PROCESSING_ONLY], None, 0, id="no-threshold"),
        pytest.param([PROCESSING_ONLY], "warning", 1, id="warning-reached"),
        pytest.param([PROCESSING_ONLY], "error", 0, id="error-not-reached"),
        pytest.param([LAMBDA], "error", 1, id="error-reached"),
        pytest.param([LAMBDA, PROCESSING_ONLY], None, 0, id="errors-without-threshold"),
    ],
)
def test_fail_on_sets_the_exit_code(inputs: list[Path], fail_on: str | None, code: int) -> None:
    args = ["--fail-on", fail_on] if fail_on else []
    result = sm2aml("report", *inputs, *args, "--format", "json")
    assert result.returncode == code, result.stderr
    json.loads(result.stdout)  # the report is written whatever the exit code


def test_a_broken_input_fails_alone_and_the_batch_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"Steps": [', encoding="utf-8")
    out = tmp_path / "report.json"
    result = sm2aml("report", PROCESSING_ONLY, bad, LAMBDA, "--format", "json", "-o", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert report_schema_errors(doc) == []
    assert [p["input"] for p in doc["pipelines"]] == [str(PROCESSING_ONLY), str(LAMBDA)]
    assert [(f["input"], f["diagnostics"][0]["code"]) for f in doc["failed"]] == [(str(bad), "SM2AML101")]
    assert doc["failed"][0]["diagnostics"][0]["location"]["line"] == 1
    assert "2 pipeline(s) assessed, 1 failed" in result.stderr
    assert "broken.json" in result.stderr
    failing = sm2aml("report", PROCESSING_ONLY, bad, "--fail-on", "error", "--format", "json")
    assert failing.returncode == 1, "a failed input is an error for --fail-on"


def test_nothing_assessed_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("[]", encoding="utf-8")
    assert sm2aml("report", bad).returncode == 2
    assert sm2aml("report", tmp_path / "missing.json").returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = sm2aml("report", empty)
    assert result.returncode == 2 and "no .json, .py or .ipynb" in result.stderr


def test_folders_are_searched_and_files_that_are_no_pipeline_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    (folder / "pipelines" / "nested").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "pipelines" / "nested" / "train.json").write_text(PROCESSING_ONLY.read_text(), encoding="utf-8")
    (folder / "package.json").write_text('{"name": "web"}', encoding="utf-8")
    (folder / ".git" / "HEAD.json").write_text("{}", encoding="utf-8")
    (folder / "notes.txt").write_text("not looked at", encoding="utf-8")
    out = tmp_path / "r.json"
    result = sm2aml("report", folder, "--format", "json", "-o", out)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [Path(p["input"]).name for p in doc["pipelines"]] == ["train.json"]
    assert [(Path(s["input"]).name, s["code"]) for s in doc["skipped"]] == [("package.json", "SM2AML511")]
    named = sm2aml("report", folder / "package.json", "--format", "json")
    assert named.returncode == 2, "a file named on the command line that is not a pipeline fails"


def test_markdown_and_html_carry_the_coloured_graph_and_escape_what_they_show(tmp_path: Path) -> None:
    doc = json.loads(PROCESSING_ONLY.read_text(encoding="utf-8"))
    doc["Parameters"].append({"Name": "Note", "Type": "String", "DefaultValue": '<script>alert("x")</script> | *a*'})
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    html_out, md_out = tmp_path / "r.html", tmp_path / "r.md"
    assert sm2aml("report", source, "--format", "html", "-o", html_out).returncode == 0
    assert sm2aml("report", source, "--format", "markdown", "-o", md_out).returncode == 0
    html = html_out.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(" in html
    assert "src=" not in html and "<link" not in html, "one self-contained file"
    assert html.count("<svg") == 1 and 'class="approximate"' in html
    markdown = md_out.read_text(encoding="utf-8")
    assert "```mermaid\nflowchart LR\n" in markdown
    assert ":::approximate" in markdown and "classDef manual" in markdown
    assert "<script>" not in markdown and "\\<script\\>" in markdown


def test_table_is_the_default_format_and_lists_each_pipeline(tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    result = sm2aml("report", PROCESSING_ONLY, LAMBDA, "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Pipelines" in text and "processing_only" in text and "lambda_callback" in text
    assert "SM2AML255" in text, "the most common blockers are listed"


def test_convert_writes_report_json_in_the_same_schema(tmp_path: Path) -> None:
    out = tmp_path / "project"
    assert sm2aml("convert", LAMBDA, "-o", out, "-q").returncode == 0
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report_schema_errors(doc) == []
    reported = json.loads(sm2aml("report", LAMBDA, "--format", "json").stdout)
    assert doc["pipelines"][0]["steps"] == reported["pipelines"][0]["steps"]
    assert doc["portfolio"] == reported["portfolio"]
