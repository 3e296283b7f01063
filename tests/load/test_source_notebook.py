"""Notebooks: the code cells, in order, read as one module; magics and shell lines are not Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sm2aml.diagnostics import LoadError
from sm2aml.load import load
from sm2aml.load.notebook import notebook_code


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)} for kind, text in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


CELLS = (
    ("markdown", "# Churn pipeline\nRun the cells in order."),
    ("code", "%pip install -q sagemaker\n!aws s3 ls\nimport sagemaker"),
    ("code", "%%bash\necho not python\nfor x in 1 2; do echo $x; done"),
    (
        "code",
        "from sagemaker.workflow.fail_step import FailStep\n"
        "from sagemaker.workflow.pipeline import Pipeline\n"
        "files = !ls\n"
        "role = sagemaker.get_execution_role()\n"
        "if True:\n"
        "    %time x = 1\n"
        "    stage = 'dev'",
    ),
    ("code", "%%capture\nfail = FailStep(name='Stop', error_message=role)"),
    ("code", "pipeline = Pipeline(name=f'churn-{stage}', steps=[fail])\npipeline.upsert(role_arn=role)"),
)


def test_code_cells_are_joined_with_magics_neutralised() -> None:
    code, places = notebook_code(notebook(*CELLS))
    lines = code.splitlines()
    assert lines[:4] == ["pass", "pass", "import sagemaker", ""]
    assert "echo not python" not in code
    assert "    pass" in lines  # the indented %time line keeps the block valid
    assert places[1] == "cell1:1"
    assert places[lines.index("fail = FailStep(name='Stop', error_message=role)") + 1] == "cell4:2"


def test_a_notebook_converts_like_a_script(tmp_path: Path) -> None:
    path = tmp_path / "churn.ipynb"
    path.write_text(notebook(*CELLS), encoding="utf-8")
    pipeline = load(path, args={"stage": "prod"})
    assert pipeline.name == "churn-prod"
    assert [s.name for s in pipeline.steps] == ["Stop"]
    assert pipeline.steps[0].arguments == {}
    [finding] = [d for d in pipeline.diagnostics if d.code == "SM2AML122"]
    assert finding.where == "cell3:4:8"  # role = sagemaker.get_execution_role() in the third code cell
    given = load(path, args={"stage": "prod", "role": "arn:aws:iam::1:role/r"})
    assert given.steps[0].arguments == {"ErrorMessage": "arn:aws:iam::1:role/r"}


def test_syntax_errors_name_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text(notebook(("code", "import os"), ("code", "x = 1\nif x\n    y = 2")), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert (caught.value.diagnostic.code, caught.value.diagnostic.where) == ("SM2AML120", "cell2:2:5")


@pytest.mark.parametrize("text", ["{not json", json.dumps({"cells": "nope"}), json.dumps([1, 2])])
def test_unreadable_notebooks_are_load_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.diagnostic.code == "SM2AML129"
