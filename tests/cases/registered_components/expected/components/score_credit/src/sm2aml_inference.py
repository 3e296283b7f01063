"""Serve a SageMaker model in Azure ML the way SageMaker's framework containers serve it.

Shipped as sm2aml_inference.py: the entry script of a parallel job (a converted batch transform) and the
scoring script of an online deployment. Standard library only; the model's framework is imported when used.

- The model is a folder, or model.tar.gz (the file itself or alone in a folder), unpacked as /opt/ml/model is.
- The inference script (SAGEMAKER_PROGRAM) is looked for beside this file and in <model>/code/; its
  model_fn, input_fn, predict_fn and output_fn are used where defined, defaults otherwise (joblib, pickle
  or xgboost loading; CSV and JSON decoding and encoding), as the scikit-learn and XGBoost containers do.
- Parallel job: run(mini_batch) gets file paths. Each file's records (SplitType Line: one per line, None: the
  whole file) go to the model in requests of at most --max-payload-mb (BatchStrategy MultiRecord) or one at a
  time (SingleRecord); the answers go to <output>/<path relative to --data>.out, joined as AssembleWith says.
- Online deployment: run(raw_data) answers one request body; the content types come from SM2AML_CONTENT_TYPE
  and SM2AML_ACCEPT, the model folder from AZUREML_MODEL_DIR. With SM2AML_COLLECT=1 (a deployment whose data
  collector a model monitor reads) each request's rows and answers also go to azureml-ai-monitoring's
  Collector as model_inputs and model_outputs, when the environment has that package (and pandas); header-less
  CSV columns are named Column1, Column2, … as an MLTable names them.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import io
import json
import os
import pickle
import sys
import tarfile
import tempfile
from types import ModuleType
from typing import Any


class State:
    """What init() prepares for run(): the options, the loaded model and the inference script's handlers."""

    options: argparse.Namespace
    model: Any = None
    handlers: ModuleType | None = None
    skip = ""  # why this job does nothing (a condition branch that was not taken)
    collectors: tuple[Any, Any] | None = None  # (model_inputs, model_outputs) Collectors of a monitored deployment


STATE = State()


def options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sm2aml_inference")
    parser.add_argument("--model", default=os.environ.get("AZUREML_MODEL_DIR", "."))
    parser.add_argument("--data", default="", help="the input folder; outputs keep paths relative to it")
    parser.add_argument("--prefix", default="", help="only files whose path below --data starts with this")
    parser.add_argument("--output", default="")
    parser.add_argument("--program", default=os.environ.get("SAGEMAKER_PROGRAM", ""))
    parser.add_argument("--content-type", default=os.environ.get("SM2AML_CONTENT_TYPE", "text/csv"))
    parser.add_argument("--accept", default=os.environ.get("SM2AML_ACCEPT", ""))
    parser.add_argument("--split-type", default="None", choices=["Line", "None"])
    parser.add_argument("--assemble-with", default="None", choices=["Line", "None"])
    parser.add_argument("--batch-strategy", default="MultiRecord", choices=["MultiRecord", "SingleRecord"])
    parser.add_argument("--max-payload-mb", type=float, default=6.0)
    parser.add_argument("--compression", default="None", choices=["None", "Gzip"])
    parser.add_argument("--input-filter", default="$")
    parser.add_argument("--output-filter", default="$")
    parser.add_argument("--join-source", default="None", choices=["None", "Input"])
    parser.add_argument("--gate", action="append", default=[], help="FOLDER=true|false: run only if it holds that")
    args, _unknown = parser.parse_known_args(argv)  # the parallel runtime adds arguments of its own
    args.accept = args.accept or args.content_type
    return args


def init() -> None:
    STATE.options = options(sys.argv[1:])
    STATE.skip = skipped(STATE.options.gate)
    if STATE.skip:
        print(f"sm2aml_inference: {STATE.skip}; nothing is scored")
        return
    model_dir = unpack(STATE.options.model)
    here = os.path.dirname(os.path.abspath(__file__))
    STATE.handlers = handlers(STATE.options.program, [here, os.path.join(model_dir, "code")])
    load = getattr(STATE.handlers, "model_fn", None) or default_model_fn
    STATE.model = load(model_dir)
    if os.environ.get("SM2AML_COLLECT") == "1":
        STATE.collectors = collectors()


def collectors() -> tuple[Any, Any] | None:
    try:
        collector = importlib.import_module("azureml.ai.monitoring").Collector
    except ImportError:
        print("sm2aml_inference: add azureml-ai-monitoring (and pandas) to the environment to collect data")
        return None
    return collector(name="model_inputs"), collector(name="model_outputs")


def collect(body: bytes, answer: str) -> None:
    """Hand a request's rows and its answers to the data collector; never fails the request."""
    if STATE.collectors is None:
        return
    try:
        pd = importlib.import_module("pandas")
        if "json" in STATE.options.content_type:
            inputs = pd.DataFrame(json.loads(body))
        else:
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            inputs = pd.DataFrame(rows, columns=[f"Column{i + 1}" for i in range(len(rows[0]) if rows else 0)])
            for column in inputs.columns:  # numbers as numbers, as the baseline's MLTable reads them
                try:
                    inputs[column] = pd.to_numeric(inputs[column])
                except (TypeError, ValueError):
                    pass
        try:
            predictions: Any = json.loads(answer)
        except ValueError:
            predictions = [line for line in answer.splitlines() if line]
        outputs = pd.DataFrame({"prediction": predictions if isinstance(predictions, list) else [predictions]})
        context = STATE.collectors[0].collect(inputs)
        STATE.collectors[1].collect(outputs, context)
    except Exception as exc:  # collection is best effort: the answer still goes out
        print(f"sm2aml_inference: data collection failed: {exc}")


def run(batch: Any) -> Any:
    """A list of files (parallel job) gives one summary line per file; a request body gives the answer."""
    if isinstance(batch, list):
        if STATE.skip:
            return [f"{path}: skipped" for path in batch]
        return [transform_file(str(path)) for path in batch]
    body = batch.encode() if isinstance(batch, str) else bytes(batch)
    answer = respond([body])
    collect(body, answer)
    return json.loads(answer) if "json" in STATE.options.accept else answer


def skipped(gates: list[str]) -> str:
    for gate in gates:
        folder, _, expected = gate.rpartition("=")
        try:
            with open(os.path.join(folder, "outcome"), encoding="utf-8") as f:
                outcome = f.read().strip()
        except OSError:
            outcome = ""
        if outcome != expected:
            return f"its condition branch was not taken ({folder} says {outcome or 'nothing'})"
    return ""


def unpack(path: str) -> str:
    """The model folder: model.tar.gz is unpacked; a folder holding only one folder is entered."""
    while os.path.isdir(path) and len(os.listdir(path)) == 1:
        only = os.path.join(path, os.listdir(path)[0])
        if not (os.path.isdir(only) or only.endswith(".tar.gz")):
            break
        path = only
    if os.path.isfile(path) and path.endswith(".tar.gz"):
        target = tempfile.mkdtemp(prefix="sm2aml_model_")
        with tarfile.open(path) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:  # Python before 3.10.12
                tar.extractall(target)
        return target
    return path


def handlers(program: str, folders: list[str]) -> ModuleType | None:
    if not program:
        return None
    name = program if program.endswith(".py") else f"{program}.py"
    for folder in folders:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            sys.path.insert(0, folder)
            spec = importlib.util.spec_from_file_location(name[:-3], path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise SystemExit(f"sm2aml_inference: inference script {name} is in none of {folders}")


def default_model_fn(model_dir: str) -> Any:
    files = sorted(f for f in os.listdir(model_dir) if os.path.isfile(os.path.join(model_dir, f)))
    if len(files) != 1:
        raise SystemExit(f"sm2aml_inference: no model_fn and {len(files)} files in {model_dir}; add a model_fn")
    path = os.path.join(model_dir, files[0])
    try:
        import joblib

        return joblib.load(path)
    except Exception:  # not a joblib file, or joblib is not installed
        pass
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # an xgboost model saved in its own format
        import xgboost

        booster = xgboost.Booster()
        booster.load_model(path)
        return booster


def default_input_fn(body: bytes, content_type: str) -> Any:
    import numpy

    text = body.decode("utf-8")
    if content_type == "text/csv":
        rows = [[float(v) if v.strip() else numpy.nan for v in row] for row in csv.reader(io.StringIO(text)) if row]
        return numpy.array(rows)
    if content_type == "application/json":
        return numpy.array(json.loads(text))
    if content_type in ("application/jsonlines", "application/x-jsonlines"):
        return numpy.array([json.loads(line) for line in text.splitlines() if line.strip()])
    raise ValueError(f"content type {content_type} needs an input_fn in the inference script")


def default_predict_fn(data: Any, model: Any) -> Any:
    if type(model).__module__.startswith("xgboost") and type(model).__name__ == "Booster":
        import xgboost

        return model.predict(xgboost.DMatrix(data))
    return model.predict(data)


def default_output_fn(prediction: Any, accept: str) -> str:
    values = prediction.tolist() if hasattr(prediction, "tolist") else prediction
    if accept == "text/csv":
        rows = [v if isinstance(v, list) else [v] for v in values]
        return "\n".join(",".join(str(x) for x in row) for row in rows)
    if accept in ("application/jsonlines", "application/x-jsonlines"):
        return "\n".join(json.dumps(v) for v in values)
    return json.dumps(values)


def respond(records: list[bytes]) -> str:
    """One request to the model holding these records, answered as SageMaker's container would."""
    body = b"\n".join(records)
    decode = getattr(STATE.handlers, "input_fn", None) or default_input_fn
    predict = getattr(STATE.handlers, "predict_fn", None) or default_predict_fn
    encode = getattr(STATE.handlers, "output_fn", None) or default_output_fn
    answer = encode(predict(decode(body, STATE.options.content_type), STATE.model), STATE.options.accept)
    if isinstance(answer, tuple):  # output_fn may return (body, content type)
        answer = answer[0]
    return answer.decode("utf-8") if isinstance(answer, bytes) else str(answer)


def transform_file(path: str) -> str:
    rel = os.path.relpath(path, STATE.options.data) if STATE.options.data else os.path.basename(path)
    if STATE.options.prefix and not rel.startswith(STATE.options.prefix.strip("/")):
        return f"{rel}: not under prefix {STATE.options.prefix}"
    with open(path, "rb") as f:
        data = f.read()
    if STATE.options.compression == "Gzip":
        data = gzip.decompress(data)
    records = data.splitlines() if STATE.options.split_type == "Line" else [data]
    records = [r for r in records if r.strip()]
    answers: list[str] = []
    for group in requests(records):
        answer = respond([select(r, STATE.options.input_filter, STATE.options.content_type) for r in group])
        if STATE.options.join_source == "Input":
            lines = answer.splitlines() if len(group) > 1 else [answer]
            if len(lines) != len(group):
                raise ValueError(f"{rel}: {len(group)} records gave {len(lines)} answers; cannot join them")
            answer = "\n".join(join(r, a) for r, a in zip(group, lines, strict=True))
        if STATE.options.output_filter != "$":
            lines = answer.splitlines()
            answer = "\n".join(
                select(line.encode(), STATE.options.output_filter, STATE.options.accept).decode() for line in lines
            )
        answers.append(answer)
    target = os.path.join(STATE.options.output, rel + ".out")
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        f.write(("\n" if STATE.options.assemble_with == "Line" else "").join(answers))
        f.write("\n" if STATE.options.assemble_with == "Line" and answers else "")
    return f"{rel}: {len(records)} records"


def requests(records: list[bytes]) -> list[list[bytes]]:
    if STATE.options.batch_strategy == "SingleRecord":
        return [[r] for r in records]
    limit = STATE.options.max_payload_mb * 1024 * 1024 if STATE.options.max_payload_mb > 0 else float("inf")
    groups: list[list[bytes]] = []
    size = 0
    for record in records:
        if groups and size + len(record) + 1 <= limit:
            groups[-1].append(record)
            size += len(record) + 1
        else:
            groups.append([record])
            size = len(record)
    return groups


def select(record: bytes, path: str, content_type: str) -> bytes:
    """The part of one CSV or JSON record a JSONPath filter keeps: $, $[i], $[i,j], $[a:b], $.key."""
    if path == "$":
        return record
    text = record.decode("utf-8")
    is_json = "json" in content_type or text.lstrip().startswith(("{", "["))
    value: Any = json.loads(text) if is_json else next(csv.reader([text]))
    rest = path[1:]
    while rest:
        if rest.startswith("."):
            key = rest[1:].split(".")[0].split("[")[0]
            value, rest = value[key], rest[1 + len(key) :]
        elif rest.startswith("["):
            inside, rest = rest[1:].split("]", 1)
            if ":" in inside:
                start, stop = (int(p) if p.strip() else None for p in inside.split(":", 1))
                value = value[start:stop]
            elif "," in inside:
                value = [value[int(i)] for i in inside.split(",")]
            else:
                value = value[int(inside)]
        else:
            raise ValueError(f"JSONPath {path} is not supported by sm2aml_inference")
    if is_json:
        return json.dumps(value).encode()
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(value if isinstance(value, list) else [value])
    return out.getvalue().encode()


def join(record: bytes, answer: str) -> str:
    """JoinSource Input: CSV answers follow the input columns; JSON ones go under SageMakerOutput."""
    text = record.decode("utf-8")
    if text.lstrip().startswith("{"):
        joined = json.loads(text)
        joined["SageMakerOutput"] = json.loads(answer)
        return json.dumps(joined)
    return f"{text},{answer}"
