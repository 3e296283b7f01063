"""Run a SageMaker script-mode training script unchanged inside an Azure ML command job.

It sets the SM_* environment variables the SageMaker training toolkit would set, passes the
hyperparameters as --name value arguments, runs the entry point, and packs the model folder
into model.tar.gz as SageMaker does, so steps that open that archive keep working.

With --metrics FILE (the job's MetricDefinitions: [{"Name": ..., "Regex": ...}]) it reads the
script's output as SageMaker did, line by line, and logs the first group of every match as an
MLflow metric of the job (when mlflow is installed), so the metrics show in Azure ML and a sweep
can optimise them.

usage: python sm2aml_training.py --entry-point train.py --model-dir DIR --artifacts DIR
       [--output-data-dir DIR] [--output-archive DIR] [--channel NAME=PATH ...] [--hp NAME=VALUE ...]
       [--metrics FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile


def decode(value: str) -> object:
    """Hyperparameters arrive as text; SageMaker hands JSON-decodable values over decoded."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"sm2aml_training: {what} must be NAME=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        out[key] = value
    return out


def environment(args: argparse.Namespace, channels: dict[str, str], hps: dict[str, object]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SM_MODEL_DIR": args.model_dir,
            "SM_OUTPUT_DATA_DIR": args.output_data_dir,
            "SM_OUTPUT_DIR": args.output_data_dir,
            "SM_CHANNELS": json.dumps(sorted(channels)),
            "SM_HPS": json.dumps(hps),
            "SM_USER_ENTRY_POINT": args.entry_point,
            "SM_MODULE_DIR": os.getcwd(),
            "SM_CURRENT_HOST": "algo-1",
            "SM_HOSTS": json.dumps(["algo-1"]),
            "SM_NUM_CPUS": str(os.cpu_count() or 1),
            "SM_NUM_GPUS": env.get("SM_NUM_GPUS", "0"),
        }
    )
    for name, path in channels.items():
        env[f"SM_CHANNEL_{name.upper()}"] = path
    for name, value in hps.items():
        env[f"SM_HP_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def argv_for(hps: dict[str, object]) -> list[str]:
    out = []
    for name, value in hps.items():
        out += [f"--{name}", value if isinstance(value, str) else json.dumps(value)]
    return out


def as_folder(path: str) -> str:
    """SageMaker copies a single-file channel into a folder; give a file mount the same shape."""
    if not os.path.isfile(path):
        return path
    folder = tempfile.mkdtemp(prefix="channel-")
    os.symlink(os.path.abspath(path), os.path.join(folder, os.path.basename(path)))
    return folder


def pack(folder: str, into: str, name: str) -> str:
    """folder's content as into/name (a .tar.gz), the way SageMaker uploads model and output data."""
    os.makedirs(into, exist_ok=True)
    target = os.path.join(into, name)
    with tarfile.open(target, "w:gz") as tar:
        for entry in sorted(os.listdir(folder)):
            tar.add(os.path.join(folder, entry), arcname=entry)
    return target


class Metrics:
    """SageMaker's metric scraping: each regex against each output line; group 1 is the value."""

    def __init__(self, definitions: list[dict[str, str]]) -> None:
        self.patterns = [(d["Name"], re.compile(d["Regex"])) for d in definitions]
        self.steps: dict[str, int] = {}
        self.logger = None
        if self.patterns:
            try:
                import mlflow  # the Azure ML curated training images have it (with azureml-mlflow)

                self.logger = mlflow
            except ImportError:
                print("sm2aml: mlflow is not installed; metrics are printed, not logged", file=sys.stderr)

    def scan(self, line: str) -> None:
        for name, pattern in self.patterns:
            for match in pattern.finditer(line):
                text = match.group(1) if pattern.groups else match.group(0)
                try:
                    value = float(text)
                except (TypeError, ValueError):
                    continue
                step = self.steps.get(name, 0)
                self.steps[name] = step + 1
                if self.logger is not None:
                    self.logger.log_metric(name, value, step=step)
                print(f"sm2aml: metric {name}={value} (step {step})", file=sys.stderr, flush=True)


def run(command: list[str], env: dict[str, str], metrics: Metrics) -> int:
    """Run the entry point; with metrics to scrape, pass its output through line by line."""
    if not metrics.patterns:
        return subprocess.call(command, env=env)
    proc = subprocess.Popen(
        command,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        metrics.scan(line)
    return proc.wait()


def read_metrics(path: str | None) -> list[dict[str, str]]:
    if not path:
        return []
    with open(path, encoding="utf-8") as f:
        definitions = json.load(f)
    return [d for d in definitions if isinstance(d, dict) and "Name" in d and "Regex" in d]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sm2aml_training")
    parser.add_argument("--entry-point", required=True)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--output-data-dir", default=os.path.join(os.getcwd(), "output-data"))
    parser.add_argument("--output-archive", default=None)
    parser.add_argument("--channel", action="append", default=[])
    parser.add_argument("--hp", action="append", default=[])
    parser.add_argument("--metrics", default=None)
    args = parser.parse_args(argv)
    if not os.path.exists(args.entry_point):
        raise SystemExit(
            f"sm2aml_training: entry point {args.entry_point!r} is not in {os.getcwd()}; "
            "put the training code in this component's src/ folder"
        )
    channels = {k: as_folder(v) for k, v in pairs(args.channel, "--channel").items()}
    hps = {k: decode(v) for k, v in pairs(args.hp, "--hp").items()}
    for folder in (args.model_dir, args.output_data_dir):
        os.makedirs(folder, exist_ok=True)
    runner = ["bash"] if args.entry_point.endswith(".sh") else [sys.executable]
    command = [*runner, args.entry_point, *argv_for(hps)]
    print("sm2aml: running " + " ".join(command), file=sys.stderr, flush=True)
    code = run(command, environment(args, channels, hps), Metrics(read_metrics(args.metrics)))
    if code == 0:
        print(f"sm2aml: packed {pack(args.model_dir, args.artifacts, 'model.tar.gz')}", file=sys.stderr)
        if args.output_archive:
            packed = pack(args.output_data_dir, args.output_archive, "output.tar.gz")
            print(f"sm2aml: packed {packed}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
