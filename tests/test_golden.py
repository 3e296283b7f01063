"""Golden matrix: each case's emitted project is compared file by file with tests/cases/<case>/expected/.

Regenerate with `pytest tests/test_golden.py --update-golden` and review the diff. A case folder may hold
`options.json`: the conversion options (fields of sm2aml.config.Options) the case is converted with.
The SDK target's files (expected_sdk/) and its equality with this target are in test_golden_sdk.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sm2aml import emit, load
from sm2aml.config import Options
from sm2aml.emit import write
from sm2aml.rules import convert
from sm2aml.validate import validate

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
INPUTS = {case.name: case / "input.json" for case in sorted(CASES.iterdir()) if (case / "input.json").is_file()}
INPUTS["nyc_taxi"] = ROOT / "examples" / "sagemaker_nyc_taxi" / "pipeline.json"


def _options(case: str) -> Options:
    path = CASES / case / "options.json"
    return Options(**json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else Options()


def _files(case: str) -> dict[str, str]:
    pipeline = load(INPUTS[case])
    project, _ = convert(pipeline, _options(case))
    return {f.path: f.text.replace(str(ROOT), "<root>") for f in emit(project)}


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_output_matches_golden(case: str, update_golden: bool) -> None:
    expected_dir = CASES / case / "expected"
    actual = _files(case)
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, text in actual.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_text(text, encoding="utf-8", newline="\n")
    expected = {
        p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(expected_dir.rglob("*"))
        if p.is_file()
    }
    assert sorted(actual) == sorted(expected), "emitted file list differs from the golden copy"
    for path, text in actual.items():
        assert text == expected[path], f"{case}/{path} differs from the golden copy"


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_emitted_project_passes_validation_with_azure_ai_ml(case: str, tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    pipeline = load(INPUTS[case])
    project, _ = convert(pipeline, _options(case))
    write(emit(project), tmp_path / "out")
    findings = validate(tmp_path / "out", azure=True)
    assert [d.one_line() for d in findings] == []


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_two_runs_are_byte_identical(case: str, tmp_path: Path) -> None:
    assert _files(case) == _files(case)
