"""Golden matrix: each case's emitted project is compared file by file with tests/cases/<case>/expected/.

Regenerate with `pytest tests/test_golden.py --update-golden` and review the diff. A case folder may hold
`options.json`: the conversion options (fields of sm2aml.config.Options) the case is converted with, and
these keys of the harness: `input` (a file to convert instead of input.json: a definition, or pipeline code
read by the source front end with the case arguments of tests/sdk_offline.py) and `schedules` (files given
as `--schedule`), both relative to the case folder; `alarms` lists CloudWatch files given as `--alarms`.
The SDK target's files (expected_sdk/) and its equality with this target are in test_golden_sdk.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from sm2aml import emit, ir, load, runtime
from sm2aml.config import Options
from sm2aml.emit import write
from sm2aml.load.schedule_files import read_schedules
from sm2aml.rules import convert
from sm2aml.validate import validate

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
HARNESS_KEYS = ("input", "schedules")


def _settings(case: Path) -> dict[str, Any]:
    path = case / "options.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _input(case: Path) -> Path | None:
    given = _settings(case).get("input")
    if given:
        return (case / given).resolve()
    return case / "input.json" if (case / "input.json").is_file() else None


INPUTS = {case.name: found for case in sorted(CASES.iterdir()) if case.is_dir() and (found := _input(case))}
INPUTS["nyc_taxi"] = ROOT / "examples" / "sagemaker_nyc_taxi" / "pipeline.json"


def _options(case: str) -> Options:
    settings = _settings(CASES / case)
    options = {k: v for k, v in settings.items() if k not in HARNESS_KEYS}
    if "alarms" in options:  # CloudWatch files given as --alarms, relative to the case folder
        from sm2aml.load.cloudwatch import read

        options["alarms"] = tuple(w for name in options["alarms"] for w in read(CASES / case / name))
    return Options(**options)


def load_case(case: str) -> ir.Pipeline:
    """The case's pipeline as `sm2aml convert` reads it, with the case's --schedule files."""
    from tests.sdk_offline import BUCKET, REGION, ROLE

    path = INPUTS[case]
    pipeline = load(path, args={"role": ROLE, "bucket": BUCKET, "region": REGION} if path.suffix == ".py" else None)
    schedules = [Path(s) for s in _settings(CASES / case).get("schedules", [])]
    if schedules:  # read from the case folder, as `sm2aml convert --schedule events/x.json` run there would
        here = Path.cwd()
        os.chdir(CASES / case)
        try:
            pipeline = dataclasses.replace(pipeline, schedules=pipeline.schedules + read_schedules(schedules))
        finally:
            os.chdir(here)
    return pipeline


def _files(case: str) -> dict[str, str]:
    pipeline = load_case(case)
    project, _ = convert(pipeline, _options(case))
    return {f.path: _launcher_or(f.path, _portable(f.text)) for f in emit(project)}


LAUNCHER_FILES = {name: kind for kind, name in runtime.LAUNCHERS.items()}


def _launcher_or(path: str, text: str) -> str:
    """A launcher copied unchanged is kept as one line naming it (tests/runtime test the launchers themselves);
    any other text, a changed copy included, is kept whole."""
    kind = LAUNCHER_FILES.get(path.rsplit("/", 1)[-1])
    if kind is not None and text == runtime.source(kind):
        return f"<the sm2aml {kind} launcher, src/sm2aml/runtime/{kind}.py>\n"
    return text


CODE_HASH = re.compile(r"/code/[0-9a-f]{64}/")


def _portable(text: str) -> str:
    """The checkout's path as <root>, also where Markdown escapes it (a table cell escapes '_'), and the code
    hashes in S3 keys as <hash>: read from Python source, they are the SDK's, which hash absolute paths
    (tests/load/test_source_agreement.py checks them)."""
    root = str(ROOT)
    text = text.replace(root, "<root>").replace(root.replace("_", "\\_"), "<root>")
    return CODE_HASH.sub("/code/<hash>/", text)


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
    pipeline = load_case(case)
    project, _ = convert(pipeline, _options(case))
    write(emit(project), tmp_path / "out")
    findings = validate(tmp_path / "out", azure=True)
    assert [d.one_line() for d in findings] == []


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_two_runs_are_byte_identical(case: str, tmp_path: Path) -> None:
    assert _files(case) == _files(case)
