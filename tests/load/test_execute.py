"""`--exec`: the pipeline code is run with the real SDK, offline, in a child process; what it builds is converted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sm2aml.diagnostics import LoadError
from sm2aml.inspect import to_data
from sm2aml.load import load

pytest.importorskip("sagemaker")

ROOT = Path(__file__).resolve().parents[2]
NYC = ROOT / "examples" / "sagemaker_nyc_taxi"
ARGS = {
    "role": "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole",
    "default_bucket": "sm2aml-example-artifacts",
}
FAIL_ONLY = """\
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline

STAGE = "dev"
message = ParameterString(name="Message", default_value="stop")


def get_pipeline(stage=STAGE, retries=2):
    fail = FailStep(name=f"Stop{retries}", error_message=message)
    return Pipeline(name=f"exec-{stage}", parameters=[message], steps=[fail])
"""


def _strip(data: object) -> object:
    if isinstance(data, dict):
        return {k: _strip(v) for k, v in data.items() if k not in ("where", "diagnostics", "source")}
    if isinstance(data, list):
        return [_strip(v) for v in data]
    return data


def test_running_the_nyc_taxi_code_gives_what_reading_it_gives() -> None:
    ran = load(NYC / "pipeline.py", args=ARGS, execute=True)
    read = load(NYC / "pipeline.py", args=ARGS)
    assert _strip(to_data(ran)) == _strip(to_data(read))  # the same IR, the same local code to copy
    assert len(ran.local_code) == 6
    assert [d.code for d in ran.diagnostics if d.code == "SM2AML131"] == ["SM2AML131"]


def test_factory_arguments_are_typed_like_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "fail_only.py"
    path.write_text(FAIL_ONLY, encoding="utf-8")
    pipeline = load(path, args={"stage": "prod", "retries": "3"}, execute=True)
    assert pipeline.name == "exec-prod"
    assert [s.name for s in pipeline.steps] == ["Stop3"]
    with pytest.raises(LoadError, match="retries=three does not fit the default 2"):
        load(path, args={"retries": "three"}, execute=True)
    with pytest.raises(LoadError, match="has no parameter 'colour'"):
        load(path, args={"colour": "red"}, execute=True)


def test_the_main_block_does_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "upserted"
    code = FAIL_ONLY + f'\nif __name__ == "__main__":\n    open({str(marker)!r}, "w").write("upsert")\n'
    (tmp_path / "pipeline.py").write_text(code, encoding="utf-8")
    load(tmp_path / "pipeline.py", execute=True)
    assert not marker.exists()


def test_an_aws_call_is_refused_and_located(tmp_path: Path) -> None:
    code = FAIL_ONLY.replace('STAGE = "dev"', 'import boto3\nSTAGE = boto3.client("s3").list_buckets()["Owner"]')
    (tmp_path / "pipeline.py").write_text(code, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "pipeline.py", execute=True)
    assert caught.value.diagnostic.code == "SM2AML132"
    assert "the code calls AWS (ListBuckets)" in caught.value.diagnostic.message
    assert caught.value.diagnostic.where == "6"


def test_errors_in_the_code_are_located_not_raised(tmp_path: Path) -> None:
    (tmp_path / "p.py").write_text("x = 1\ny = {}['missing']\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "p.py", execute=True)
    assert "KeyError" in caught.value.diagnostic.message
    assert caught.value.diagnostic.where == "2"
    (tmp_path / "q.py").write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no Pipeline is left at top level"):
        load(tmp_path / "q.py", execute=True)


def test_a_notebook_runs_its_code_cells(tmp_path: Path) -> None:
    cells = [
        ("code", "%pip install -q sagemaker\n" + FAIL_ONLY),
        ("code", "pipeline = get_pipeline('nb')\n!echo shell lines are skipped"),
        ("code", "pipeline.upsert(role_arn='arn:aws:iam::1:role/r')"),
    ]
    document = {
        "cells": [{"cell_type": k, "metadata": {}, "source": t.splitlines(keepends=True)} for k, t in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(LoadError) as caught:  # the last cell upserts: a call to AWS, refused and located
        load(path, execute=True)
    assert caught.value.diagnostic.where == "cell3:1"
    document["cells"].pop()
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load(path, execute=True).name == "exec-nb"


def test_the_cli_runs_only_when_asked(tmp_path: Path) -> None:
    code = FAIL_ONLY + "\nimport os\nSTAGE = os.environ['SM2AML_EXEC_PROBE']\n"
    (tmp_path / "pipeline.py").write_text(code, encoding="utf-8")
    cli = [sys.executable, "-m", "sm2aml", "convert", str(tmp_path / "pipeline.py"), "-q"]
    static = subprocess.run([*cli, "-o", str(tmp_path / "static")], capture_output=True, text=True, check=False)
    assert static.returncode == 0, static.stderr  # read, not run: the missing variable does not matter
    ran = subprocess.run([*cli, "-o", str(tmp_path / "ran"), "--exec"], capture_output=True, text=True, check=False)
    assert ran.returncode == 2
    assert ran.stderr.count("\n") == 1 and "pipeline.py:14: error SM2AML132" in ran.stderr
    assert "KeyError" in ran.stderr and "Traceback" not in ran.stderr
    definition = tmp_path / "definition.json"
    definition.write_text("{}", encoding="utf-8")
    wrong = subprocess.run(
        [*cli[:4], str(definition), "-o", str(tmp_path / "x"), "--exec"], capture_output=True, text=True, check=False
    )
    assert wrong.returncode == 2 and "--exec runs pipeline code" in wrong.stderr
