"""Register a model in the Azure ML workspace from a pipeline job, as a SageMaker RegisterModel step did.

Runs in a stock curated environment: MLflow with the azureml-mlflow plugin talks to the workspace's
model registry. The model folder (model.tar.gz is unpacked first) is logged with this job's run and
registered under --name with mlflow.register_model, which keeps the lineage to the job. --tag values
become tags of the new version (the SageMaker approval status among them), --metric files are logged
with the run (numbers in JSON files also as metrics), --description describes the version. Inference
code found beside this script (--program and its folder) goes into <model>/code, as SageMaker's repack
did, unless the model already has it. registration.json in --output says what was registered.

Without a tracking server (MLFLOW_TRACKING_URI unset, as in `sm2aml run` on a workstation) nothing is
registered: registration.json says so and lists what would have been.

usage: python sm2aml_register.py --name NAME --model PATH --output DIR [--description TEXT]
       [--tag KEY=VALUE ...] [--metric NAME=PATH ...] [--program inference.py]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tarfile
import tempfile
from typing import Any

LAUNCHER_PREFIX = "sm2aml_"
SKIP = {"__pycache__", "_repack_model.py", "_repack_script_launcher.sh"}


def pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"sm2aml_register: {what} must be KEY=VALUE, got {item!r}")
        out[key] = value
    return out


def model_folder(path: str, work: str) -> str:
    """A private copy of the model to register: model.tar.gz (alone or in a folder) is unpacked."""
    archive = path if os.path.isfile(path) else os.path.join(path, "model.tar.gz")
    target = os.path.join(work, "model")
    if archive.endswith(".tar.gz") and os.path.isfile(archive) and (os.path.isfile(path) or len(os.listdir(path)) == 1):
        os.makedirs(target)
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:  # Python before 3.10.12
                tar.extractall(target)
    elif os.path.isdir(path):
        shutil.copytree(path, target)
    else:
        raise SystemExit(f"sm2aml_register: no model at {path}")
    return target


def add_code(model: str, program: str, here: str) -> str:
    """Put the inference code beside this script into <model>/code; returns what happened."""
    if not program:
        return "no inference script"
    if os.path.isdir(os.path.join(model, "code")):
        return "the model already holds its code"
    if not os.path.isfile(os.path.join(here, program)):
        return f"{program} is not beside {os.path.basename(__file__)}: fetch the code (data_migration/fetch_code.sh)"
    code = os.path.join(model, "code")
    os.makedirs(code)
    for name in sorted(os.listdir(here)):
        if name in SKIP or name.startswith(LAUNCHER_PREFIX):
            continue
        source = os.path.join(here, name)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(code, name))
        else:
            shutil.copy2(source, code)
    return f"{program} and its folder copied into code/"


def numbers(value: Any, prefix: str) -> dict[str, float]:
    """Every number in a JSON document, keyed by its dotted path."""
    if isinstance(value, bool):
        return {}
    if isinstance(value, int | float):
        return {prefix: float(value)}
    if isinstance(value, dict):
        out: dict[str, float] = {}
        for key, item in value.items():
            out.update(numbers(item, f"{prefix}.{key}"))
        return out
    return {}


def metric_files(path: str) -> list[str]:
    if os.path.isfile(path):
        return [path]
    if os.path.isdir(path):
        return sorted(os.path.join(root, f) for root, _, files in os.walk(path) for f in files)
    raise SystemExit(f"sm2aml_register: metrics file {path} does not exist")


def register(args: argparse.Namespace, model: str, tags: dict[str, str], metrics: dict[str, str]) -> dict[str, Any]:
    import mlflow
    from mlflow.tracking import MlflowClient

    with mlflow.start_run() as run:  # inside an Azure ML job: the job's own run
        mlflow.log_artifacts(model, artifact_path="model")
        for name, path in sorted(metrics.items()):
            for file in metric_files(path):
                mlflow.log_artifact(file, artifact_path=f"model_metrics/{name}")
                if file.endswith(".json"):
                    with open(file, encoding="utf-8") as f:
                        for metric, number in sorted(numbers(json.load(f), name).items()):
                            mlflow.log_metric(metric, number)
        version = mlflow.register_model(f"runs:/{run.info.run_id}/model", args.name)
    client = MlflowClient()
    for key, value in sorted(tags.items()):
        client.set_model_version_tag(args.name, version.version, key, value)
    if args.description:
        client.update_model_version(args.name, version.version, description=args.description)
    return {"registered": True, "name": args.name, "version": str(version.version), "run_id": run.info.run_id}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sm2aml_register")
    parser.add_argument("--name", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--description", default="")
    parser.add_argument("--program", default="")
    parser.add_argument("--tag", action="append", default=[])
    parser.add_argument("--metric", action="append", default=[])
    args = parser.parse_args(argv)
    tags, metrics = pairs(args.tag, "--tag"), pairs(args.metric, "--metric")
    with tempfile.TemporaryDirectory(prefix="sm2aml_register_") as work:
        model = model_folder(args.model, work)
        code = add_code(model, args.program, os.path.dirname(os.path.abspath(__file__)))
        print(f"sm2aml_register: {code}")
        if os.environ.get("MLFLOW_TRACKING_URI"):
            record = register(args, model, tags, metrics)
        else:
            print("sm2aml_register: MLFLOW_TRACKING_URI is not set (not an Azure ML job): nothing is registered")
            record = {"registered": False, "name": args.name, "reason": "MLFLOW_TRACKING_URI is not set"}
        record.update(
            tags=tags,
            metrics=metrics,
            files=sorted(os.path.relpath(os.path.join(r, f), model) for r, _, fs in os.walk(model) for f in fs),
        )
    os.makedirs(args.output, exist_ok=True)
    with open(os.path.join(args.output, "registration.json"), "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, sort_keys=True)
    print(f"sm2aml_register: {json.dumps({k: record[k] for k in ('registered', 'name')})}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
