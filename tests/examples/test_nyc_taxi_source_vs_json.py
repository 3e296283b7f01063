"""Converting the NYC taxi pipeline from its Python code or from its definition JSON gives the same project.

Documented differences: the definition has no pipeline name (given with --name), the code is read from the
pipeline's folder instead of --code-dir, and the report says which file it read and what each front end
found (the code route also reports the factory arguments it assumed).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sagemaker_nyc_taxi"
ROLE = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"
SAME_EXCEPT_SOURCE = ("MIGRATION_REPORT.md", "README.md", "report.json", "data_migration/fetch_code.sh")


def _convert(out: Path, *args: str | Path) -> dict[str, bytes]:
    result = subprocess.run(
        [sys.executable, "-m", "sm2aml", "convert", *map(str, args), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    base = tmp_path_factory.mktemp("nyc")
    from_code = _convert(
        base / "py",
        EXAMPLE / "pipeline.py",
        "--arg",
        f"role={ROLE}",
        "--arg",
        "default_bucket=sm2aml-example-artifacts",
    )
    from_json = _convert(
        base / "json", EXAMPLE / "pipeline.json", "--name", "NycTaxiFarePipeline", "--code-dir", EXAMPLE / "code"
    )
    return from_code, from_json


def test_same_files(projects: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    from_code, from_json = projects
    assert sorted(from_code) == sorted(from_json)


def test_same_content_apart_from_the_source_file(projects: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    from_code, from_json = projects
    for path, data in from_code.items():
        if path in SAME_EXCEPT_SOURCE:
            continue
        mine, other = data, from_json[path]
        if path == "pipeline.yml":
            mine, other = mine.replace(b"pipeline.py", b"SOURCE"), other.replace(b"pipeline.json", b"SOURCE")
        assert mine == other, path


def test_both_validate_with_azure_ai_ml(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    from sm2aml.validate import validate

    _convert(tmp_path / "py", EXAMPLE / "pipeline.py", "--arg", f"role={ROLE}")
    assert [d.one_line() for d in validate(tmp_path / "py", azure=True)] == []
