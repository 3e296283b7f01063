"""sm2aml_inference.py, the batch entry script and online scoring script, on a tiny scikit-learn model."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
import tarfile
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sm2aml import runtime

pytest.importorskip("sklearn")

# y = 2*a + 3*b + 1; a decision tree answers its training points exactly
TRAIN = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [0.0, 0.0]]
LABELS = [2 * a + 3 * b + 1 for a, b in TRAIN]

HANDLERS = textwrap.dedent('''\
    """SageMaker serving functions: a model_fn that loads model.joblib and an output_fn with 2 decimals."""
    import os

    import joblib

    CALLS = []


    def model_fn(model_dir):
        return joblib.load(os.path.join(model_dir, "model.joblib"))


    def predict_fn(data, model):
        CALLS.append(len(data))
        return model.predict(data)


    def output_fn(prediction, accept):
        return "\\n".join(f"{x:.2f}" for x in prediction)
''')


@pytest.fixture
def model_archive(tmp_path: Path) -> Path:
    """A folder holding model.tar.gz with model.joblib, as a training node's model_artifacts output."""
    import joblib
    from sklearn.tree import DecisionTreeRegressor

    model_dir = tmp_path / "trained"
    model_dir.mkdir()
    joblib.dump(DecisionTreeRegressor(random_state=0).fit(TRAIN, LABELS), model_dir / "model.joblib")
    artifacts = tmp_path / "model_artifacts"
    artifacts.mkdir()
    with tarfile.open(artifacts / "model.tar.gz", "w:gz") as tar:
        tar.add(model_dir / "model.joblib", arcname="model.joblib")
    return artifacts


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Ship the entry script (and optionally an inference script) into a src/ folder and import it from there."""
    monkeypatch.setattr(sys, "path", list(sys.path))

    def loader(*argv: str, handlers: str | None = None) -> ModuleType:
        src = tmp_path / "src"
        src.mkdir(exist_ok=True)
        (src / "sm2aml_inference.py").write_text(runtime.source("inference"), encoding="utf-8")
        if handlers is not None:
            (src / "inference.py").write_text(handlers, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"entry_{len(argv)}_{id(argv)}", src / "sm2aml_inference.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        monkeypatch.setattr(sys, "argv", ["driver", *argv, "--some-driver-flag", "1"])
        module.init()
        return module

    return loader


def _data(tmp_path: Path, files: dict[str, bytes]) -> Path:
    data = tmp_path / "data"
    for name, content in files.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(content)
    return data


def _args(model: Path, data: Path, out: Path, *extra: str) -> list[str]:
    return ["--model", str(model), "--data", str(data), "--output", str(out), *extra]


CSV = b"1,0\n0,1\n\n2,1\n"  # a blank line is not a record


@pytest.mark.parametrize(
    ("extra", "files", "expected"),
    [
        pytest.param(
            ["--split-type", "Line", "--assemble-with", "Line"],
            {"batch/part-1.csv": CSV},
            {"batch/part-1.csv.out": "3.0\n4.0\n8.0\n"},
            id="csv-lines-default-handlers",
        ),
        pytest.param(
            ["--split-type", "Line", "--assemble-with", "None", "--batch-strategy", "SingleRecord"],
            {"part.csv": CSV},
            {"part.csv.out": "3.04.08.0"},
            id="single-record-assembled-with-none",
        ),
        pytest.param(
            ["--split-type", "Line", "--assemble-with", "Line", "--input-filter", "$[1:]", "--join-source", "Input"],
            {"labelled.csv": b"9,1,0\n9,0,1\n"},
            {"labelled.csv.out": "9,1,0,3.0\n9,0,1,4.0\n"},
            id="input-filter-drops-the-label-and-output-joins-the-input",
        ),
        pytest.param(
            ["--split-type", "Line", "--assemble-with", "Line", "--compression", "Gzip"],
            {"part.csv.gz": gzip.compress(CSV)},
            {"part.csv.gz.out": "3.0\n4.0\n8.0\n"},
            id="gzip",
        ),
        pytest.param(
            ["--content-type", "application/json", "--accept", "application/json", "--assemble-with", "Line"],
            {"rows.json": json.dumps([[1, 0], [0, 1]]).encode()},
            {"rows.json.out": "[3.0, 4.0]\n"},
            id="json-whole-file",
        ),
        pytest.param(
            ["--split-type", "Line", "--assemble-with", "Line", "--prefix", "keep"],
            {"keep/a.csv": b"1,0\n", "skip/b.csv": b"0,1\n"},
            {"keep/a.csv.out": "3.0\n"},
            id="only-files-under-the-s3-prefix",
        ),
    ],
)
def test_batch_scoring_writes_one_out_file_per_input_file(
    load: Any,
    model_archive: Path,
    tmp_path: Path,
    *,
    extra: list[str],
    files: dict[str, bytes],
    expected: dict[str, str],
) -> None:
    data = _data(tmp_path, files)
    out = tmp_path / "out"
    entry = load(*_args(model_archive, data, out, *extra))
    summary = entry.run([str(data / name) for name in sorted(files)])
    assert len(summary) == len(files)
    written = {p.relative_to(out).as_posix(): p.read_text() for p in sorted(out.rglob("*")) if p.is_file()}
    assert written == expected


def test_inference_script_handlers_are_used_and_payload_limits_split_requests(
    load: Any, model_archive: Path, tmp_path: Path
) -> None:
    rows = b"".join(b"1,0\n" for _ in range(40))  # 160 bytes; 0.0001 MB per request holds about 26 records
    data = _data(tmp_path, {"many.csv": rows})
    out = tmp_path / "out"
    args = _args(model_archive, data, out, "--program", "inference.py", "--split-type", "Line")
    entry = load(*args, "--assemble-with", "Line", "--max-payload-mb", "0.0001", handlers=HANDLERS)
    entry.run([str(data / "many.csv")])
    assert entry.STATE.handlers.CALLS == [26, 14]
    assert (out / "many.csv.out").read_text() == "\n".join(["3.00"] * 26) + "\n" + "\n".join(["3.00"] * 14) + "\n"


def test_a_condition_branch_not_taken_scores_nothing(load: Any, model_archive: Path, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "outcome").write_text("false")
    data = _data(tmp_path, {"a.csv": b"1,0\n"})
    out = tmp_path / "out"
    entry = load(*_args(model_archive, data, out, "--gate", f"{gate}=true"))
    assert entry.run([str(data / "a.csv")]) == [f"{data / 'a.csv'}: skipped"]
    assert not out.exists()


def test_online_scoring_answers_a_request_body(
    load: Any, model_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = tmp_path / "azureml-models" / "housing" / "1"
    registered.mkdir(parents=True)
    with tarfile.open(model_archive / "model.tar.gz") as tar:
        tar.extractall(registered / "model", filter="data")
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(registered))
    monkeypatch.setenv("SM2AML_CONTENT_TYPE", "text/csv")
    monkeypatch.setenv("SM2AML_ACCEPT", "application/json")
    entry = load()
    assert entry.run("1,0\n0,1") == [3.0, 4.0]


@pytest.mark.parametrize("installed", [True, False])
def test_a_monitored_deployment_hands_rows_and_answers_to_the_data_collector(
    load: Any, model_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: bool
) -> None:
    pytest.importorskip("pandas")
    collected: list[tuple[str, Any, Any]] = []

    class Collector:
        def __init__(self, name: str) -> None:
            self.name = name

        def collect(self, frame: Any, context: Any = None) -> str:
            collected.append((self.name, frame, context))
            return f"context-of-{self.name}"

    package = ModuleType("azureml.ai.monitoring")
    package.Collector = Collector  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "azureml.ai.monitoring", package if installed else None)
    registered = tmp_path / "azureml-models" / "housing" / "1"
    registered.mkdir(parents=True)
    with tarfile.open(model_archive / "model.tar.gz") as tar:
        tar.extractall(registered / "model", filter="data")
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(registered))
    monkeypatch.setenv("SM2AML_CONTENT_TYPE", "text/csv")
    monkeypatch.setenv("SM2AML_ACCEPT", "application/json")
    monkeypatch.setenv("SM2AML_COLLECT", "1")
    entry = load()
    assert entry.run("1,0\n0,1") == [3.0, 4.0], "the answer is the same with or without collection"
    if not installed:
        assert collected == []
        return
    [(inputs_name, inputs, first), (outputs_name, outputs, context)] = collected
    assert (inputs_name, first, outputs_name, context) == (
        "model_inputs",
        None,
        "model_outputs",
        "context-of-model_inputs",
    )
    assert list(inputs.columns) == ["Column1", "Column2"] and inputs.values.tolist() == [[1, 0], [0, 1]]
    assert outputs["prediction"].tolist() == [3.0, 4.0]


def test_a_repacked_model_brings_its_inference_script(load: Any, model_archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "repacked"
    with tarfile.open(model_archive / "model.tar.gz") as tar:
        tar.extractall(folder, filter="data")
    (folder / "code").mkdir()
    (folder / "code" / "inference.py").write_text(HANDLERS)
    data = _data(tmp_path, {"a.csv": b"1,0\n"})
    entry = load(*_args(folder, data, tmp_path / "out", "--program", "inference.py", "--split-type", "Line"))
    entry.run([str(data / "a.csv")])
    assert (tmp_path / "out" / "a.csv.out").read_text() == "3.00"


@pytest.mark.parametrize(
    ("record", "path", "content_type", "expected"),
    [
        pytest.param(b"a,b,c", "$[1:]", "text/csv", b"b,c", id="csv-slice"),
        pytest.param(b"a,b,c", "$[0,2]", "text/csv", b"a,c", id="csv-indexes"),
        pytest.param(b"a,b,c", "$[-1]", "text/csv", b"c", id="csv-last"),
        pytest.param(b'"x,y",b', "$[0]", "text/csv", b'"x,y"', id="csv-quoted"),
        pytest.param(b'{"features": [1, 2], "id": 7}', "$.features", "application/json", b"[1, 2]", id="json-key"),
        pytest.param(b'{"a": {"b": [5, 6]}}', "$.a.b[1]", "application/json", b"6", id="json-chain"),
        pytest.param(b"[1, 2, 3]", "$[:2]", "application/json", b"[1, 2]", id="json-slice"),
    ],
)
def test_jsonpath_filters(record: bytes, path: str, content_type: str, expected: bytes, tmp_path: Path) -> None:
    (tmp_path / "entry.py").write_text(runtime.source("inference"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("entry_filters", tmp_path / "entry.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.select(record, path, content_type) == expected
