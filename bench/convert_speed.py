#!/usr/bin/env python3
"""How long `sm2aml convert` takes, against the floor any Python converter of this shape must pay.

    .venv/bin/python bench/convert_speed.py [--runs N] [--sizes 5,50,200] [--json PATH]

For each size it generates a synthetic SageMaker pipeline definition (seeded, so the same every
time), runs `sm2aml convert` in a fresh process N times after one warm-up run, and runs a floor
program as often: the same interpreter reading the same JSON, importing jinja2 and pyyaml, and
writing as many files as sm2aml wrote, each rendered from a jinja2 template to sm2aml's mean file
size, with one yaml.safe_dump per file adding up to as much YAML as sm2aml's .yml files hold. The
ratio sm2aml/floor is what the converter itself costs on top of start-up, imports and I/O. It
also times `sm2aml --help` against a bare `python -c pass`.

Wall-clock medians only; nothing is asserted. Results go to bench/results/convert_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results" / "convert_speed.json"
SEED = 20240601

ACCOUNT = "683313688378"
REGION = "us-east-1"
SKLEARN_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"
PIPELINE = "BenchPipeline"
ARTIFACTS = "bench-artifacts"
DATA_BUCKETS = ("bench-raw-data", "bench-reference-data", "bench-partner-feeds")
OUTPUT_NAMES = ("train", "validation", "test", "features", "baseline", "report")

PARAMETERS: list[dict[str, Any]] = [
    {"Name": "InputDataUrl", "Type": "String", "DefaultValue": "s3://bench-raw-data/input/latest"},
    {"Name": "ProcessingInstanceType", "Type": "String", "DefaultValue": "ml.m5.xlarge"},
    {"Name": "ProcessingInstanceCount", "Type": "Integer", "DefaultValue": 1},
    {"Name": "TrainingInstanceType", "Type": "String", "DefaultValue": "ml.m5.2xlarge"},
    {"Name": "TestSplitRatio", "Type": "Float", "DefaultValue": 0.2},
    {"Name": "LearningRate", "Type": "Float", "DefaultValue": 0.1},
    {"Name": "MaxDepth", "Type": "Integer", "DefaultValue": 6},
]


Upstream = list[tuple[str, str, str]]  # (step, step type, output name) a later step can read
Run = subprocess.CompletedProcess[str]

# Processes are timed the way an installed package runs: pip compiles bytecode at install time, so
# a shell that sets PYTHONDONTWRITEBYTECODE would otherwise charge sm2aml (an editable install) for
# compiling its own source on every run while the floor's libraries load from bytecode.
TIMED_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


# --- synthetic definitions -------------------------------------------------------------------


def _get(path: str) -> dict[str, str]:
    return {"Get": path}


def _join(on: str, values: list[Any]) -> dict[str, Any]:
    return {"Std:Join": {"On": on, "Values": values}}


def _output_ref(step: str, output: str) -> dict[str, str]:
    return _get(f"Steps.{step}.ProcessingOutputConfig.Outputs['{output}'].S3Output.S3Uri")


def _s3_input(name: str, uri: Any, local: str) -> dict[str, Any]:
    return {
        "InputName": name,
        "AppManaged": False,
        "S3Input": {
            "S3Uri": uri,
            "LocalPath": local,
            "S3DataType": "S3Prefix",
            "S3InputMode": "File",
            "S3DataDistributionType": "FullyReplicated",
            "S3CompressionType": "None",
        },
    }


def _code_uri(rng: random.Random, file: str) -> str:
    return f"s3://{ARTIFACTS}/{PIPELINE}/code/{rng.getrandbits(256):064x}/{file}"


def _processing_step(rng: random.Random, i: int, name: str, upstream: Upstream) -> dict[str, Any]:
    """A ScriptProcessor/SKLearnProcessor step as Pipeline.definition() writes it."""
    inputs: list[dict[str, Any]] = []
    sources: list[Any] = []
    if not upstream or rng.random() < 0.15:
        sources.append(_get("Parameters.InputDataUrl"))
    if upstream:
        picks = rng.sample(upstream[-8:], k=min(len(upstream), rng.randint(1, 2)))
        for step, kind, output in picks:
            if kind == "Training":
                sources.append(_get(f"Steps.{step}.ModelArtifacts.S3ModelArtifacts"))
            else:
                sources.append(_output_ref(step, output))
    if rng.random() < 0.3:
        bucket = rng.choice(DATA_BUCKETS)
        sources.append(f"s3://{bucket}/tables/t{rng.randint(1, 40):02d}/")
    for k, uri in enumerate(sources, start=1):
        inputs.append(_s3_input(f"input-{k}", uri, f"/opt/ml/processing/input/data{k}"))
    code = _code_uri(rng, f"step_{i}.py")
    inputs.append(_s3_input("code", code, "/opt/ml/processing/input/code"))
    outputs = [
        {
            "OutputName": out,
            "AppManaged": False,
            "S3Output": {
                "S3Uri": _join(
                    "/",
                    [
                        "s3:/",
                        ARTIFACTS,
                        PIPELINE,
                        _get("Execution.PipelineExecutionId"),
                        name,
                        "output",
                        out,
                    ],
                ),
                "LocalPath": f"/opt/ml/processing/output/{out}",
                "S3UploadMode": "EndOfJob",
            },
        }
        for out in rng.sample(OUTPUT_NAMES, k=rng.randint(1, 3))
    ]
    count: Any = _get("Parameters.ProcessingInstanceCount") if rng.random() < 0.5 else 1
    return {
        "Name": name,
        "Type": "Processing",
        "Arguments": {
            "ProcessingResources": {
                "ClusterConfig": {
                    "InstanceType": _get("Parameters.ProcessingInstanceType"),
                    "InstanceCount": count,
                    "VolumeSizeInGB": 30,
                }
            },
            "AppSpecification": {
                "ImageUri": SKLEARN_IMAGE,
                "ContainerEntrypoint": ["python3", f"/opt/ml/processing/input/code/step_{i}.py"],
                "ContainerArguments": [
                    "--test-split-ratio",
                    _get("Parameters.TestSplitRatio"),
                    "--partition",
                    str(i),
                ],
            },
            "RoleArn": ROLE,
            "ProcessingInputs": inputs,
            "ProcessingOutputConfig": {"Outputs": outputs},
        },
    }


def _training_step(rng: random.Random, i: int, name: str, upstream: Upstream) -> dict[str, Any]:
    """A scikit-learn or XGBoost estimator's TrainingStep as Pipeline.definition() writes it."""
    processed = [u for u in upstream if u[1] == "Processing"]
    channels = []
    for channel, (step, _, output) in zip(
        ("train", "validation", "test"),
        rng.sample(processed[-6:], k=min(len(processed), rng.randint(1, 2))),
        strict=False,
    ):
        uri = _output_ref(step, output)
        channels.append(
            {
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": uri,
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
                "ContentType": "text/csv",
                "ChannelName": channel,
            }
        )
    xgboost = rng.random() < 0.4
    hyperparameters: dict[str, Any] = {
        "max_depth": _join("", [_get("Parameters.MaxDepth")]),
        "learning_rate": _join("", [_get("Parameters.LearningRate")]),
        "n_estimators": json.dumps(rng.choice((100, 200, 400))),
        "objective": json.dumps("reg:squarederror" if xgboost else "squared_error"),
        "early_stopping": json.dumps(rng.random() < 0.5),
        "sagemaker_submit_directory": json.dumps(
            f"s3://{ARTIFACTS}/{PIPELINE}/code/{rng.getrandbits(256):064x}/sourcedir.tar.gz"
        ),
        "sagemaker_program": json.dumps(f"train_{i}.py"),
        "sagemaker_container_log_level": "20",
        "sagemaker_region": json.dumps(REGION),
    }
    output_path = f"s3://{ARTIFACTS}/{PIPELINE}/{name}"
    return {
        "Name": name,
        "Type": "Training",
        "Arguments": {
            "AlgorithmSpecification": {
                "TrainingInputMode": "File",
                "TrainingImage": XGBOOST_IMAGE if xgboost else SKLEARN_IMAGE,
            },
            "OutputDataConfig": {"S3OutputPath": output_path},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
            "ResourceConfig": {
                "VolumeSizeInGB": 30,
                "InstanceCount": 1,
                "InstanceType": _get("Parameters.TrainingInstanceType"),
            },
            "RoleArn": ROLE,
            "InputDataConfig": channels,
            "HyperParameters": hyperparameters,
            "DebugHookConfig": {"S3OutputPath": output_path, "CollectionConfigurations": []},
            "ProfilerConfig": {"S3OutputPath": output_path, "DisableProfiler": False},
        },
    }


def definition(steps: int, seed: int = SEED) -> dict[str, Any]:
    """A pipeline of `steps` Processing and Training steps wired into a DAG by their outputs."""
    rng = random.Random(seed * 1000 + steps)
    upstream: Upstream = []
    out: list[dict[str, Any]] = []
    for i in range(1, steps + 1):
        has_data = any(u[1] == "Processing" for u in upstream)
        if has_data and rng.random() < 0.3:
            name = f"Train{i:03d}"
            step = _training_step(rng, i, name, upstream)
            upstream.append((name, "Training", "model"))
        else:
            name = f"Process{i:03d}"
            step = _processing_step(rng, i, name, upstream)
            outputs = step["Arguments"]["ProcessingOutputConfig"]["Outputs"]
            upstream += [(name, "Processing", o["OutputName"]) for o in outputs]
        if len(out) >= 2 and rng.random() < 0.1:
            step["DependsOn"] = [rng.choice(out[:-1])["Name"]]
        if rng.random() < 0.3:
            step["CacheConfig"] = {"Enabled": True, "ExpireAfter": "P30D"}
        out.append(step)
    return {
        "Version": "2020-12-01",
        "Metadata": {},
        "Parameters": PARAMETERS,
        "PipelineExperimentConfig": {
            "ExperimentName": _get("Execution.PipelineName"),
            "TrialName": _get("Execution.PipelineExecutionId"),
        },
        "Steps": out,
    }


# --- the floor -------------------------------------------------------------------------------

FLOOR_PROGRAM = r'''
import json
import shutil
import sys
from pathlib import Path

import jinja2
import yaml

TEMPLATE = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: {{ name }}
display_name: {{ display_name | tojson }}
description: {{ description | tojson }}
is_deterministic: {{ deterministic | lower }}
{% if code %}
code: {{ code | tojson }}
{% endif %}
environment: {{ environment | tojson }}
{% for section, ports in [("inputs", inputs), ("outputs", outputs)] if ports %}
{{ section }}:
{% for key, port in ports | dictsort %}
  {{ key }}:
    type: {{ port.type }}
{% if port.default is not none %}
    default: {{ port.default | tojson }}
{% endif %}
{% if port.description %}
    description: {{ port.description | tojson }}
{% endif %}
{% endfor %}
{% endfor %}
command: {{ command | tojson }}
"""


def ports(step, count):
    return {
        f"port_{k}": {
            "type": "uri_folder",
            "default": None if k % 2 else k,
            "description": f"{step['Type']} port {k} of {step['Name']} at /opt/ml/{k}",
        }
        for k in range(count)
    }


def main():
    source, out = sys.argv[1], Path(sys.argv[2])
    files, text_bytes, yaml_bytes = (int(a) for a in sys.argv[3:6])
    doc = json.loads(Path(source).read_text(encoding="utf-8"))
    steps = doc["Steps"]
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)
    template = env.from_string(TEMPLATE)
    text_rows = max(0, (text_bytes - 330) // 103)
    yaml_rows = max(0, (yaml_bytes - 200) // 95)
    if out.exists():
        shutil.rmtree(out)
    written = dumped = 0
    for i in range(files):
        step = steps[i % len(steps)]
        name = step["Name"].lower()
        context = {
            "name": name, "display_name": step["Name"], "description": f"{step['Type']} step",
            "deterministic": bool(i % 2), "code": "./src", "environment": "azureml:sklearn:1",
            "inputs": ports(step, text_rows), "outputs": {}, "command": f"python main.py {name}",
        }
        text = template.render(**context)
        dumped += len(yaml.safe_dump({**context, "inputs": ports(step, yaml_rows)},
                                     sort_keys=False))
        path = out / f"part_{i % 8}" / f"file_{i}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        written += path.write_text(text, encoding="utf-8", newline="\n")
    print(json.dumps({"text_bytes": written, "yaml_bytes": dumped}))


main()
'''


# --- timing ----------------------------------------------------------------------------------


def sm2aml_command() -> list[str]:
    """The console script beside this interpreter, else the one on PATH, else `python -m sm2aml`."""
    bindir = Path(sys.executable).parent
    for name in ("sm2aml", "sm2aml.exe"):
        if (bindir / name).is_file():
            return [str(bindir / name)]
    found = shutil.which("sm2aml")
    return [found] if found else [sys.executable, "-m", "sm2aml"]


def timed(argv: list[str], *, allowed: tuple[int, ...] = (0,)) -> tuple[float, Run]:
    """Wall-clock seconds of one fresh process; stops the benchmark when it fails."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, env=TIMED_ENV)
    elapsed = time.perf_counter() - start
    if proc.returncode not in allowed or "Traceback (most recent call last)" in proc.stderr:
        output = proc.stdout[-2000:] + proc.stderr[-4000:]
        sys.exit(f"failed (exit {proc.returncode}): {' '.join(argv)}\n{output}")
    return elapsed, proc


def median_of(argv: list[str], runs: int) -> tuple[float, list[float]]:
    timed(argv)  # warm-up
    times = [timed(argv)[0] for _ in range(runs)]
    return statistics.median(times), times


def tree_stats(folder: Path) -> tuple[int, int, int]:
    """(files, bytes, bytes of .yml files) under a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    sizes = {p: p.stat().st_size for p in files}
    return len(files), sum(sizes.values()), sum(n for p, n in sizes.items() if p.suffix == ".yml")


def bench_size(steps: int, runs: int, work: Path, floor: Path) -> dict[str, Any]:
    source = work / f"pipeline_{steps}.json"
    source.write_text(json.dumps(definition(steps), indent=2), encoding="utf-8")
    out = work / f"out_{steps}"
    convert = [*sm2aml_command(), "convert", str(source), "-o", str(out), "--force", "-q"]
    _, first = timed(convert, allowed=(0, 1))  # warm-up, and the output the floor must match
    files, size, yaml_size = tree_stats(out)
    # Every floor file is as long as sm2aml's mean file; the YAML it dumps adds up to the YAML
    # sm2aml wrote (launcher copies, reports and scripts are written but are not YAML).
    floor_argv = [
        sys.executable,
        str(floor),
        str(source),
        str(work / f"floor_{steps}"),
        str(files),
        str(size // max(files, 1)),
        str(yaml_size // max(files, 1)),
    ]
    timed(floor_argv)  # warm-up
    sm_times: list[float] = []
    floor_times: list[float] = []
    for _ in range(runs):  # interleaved, so drift in machine load hits both alike
        sm_times.append(timed(convert, allowed=(0, 1))[0])
        elapsed, proc = timed(floor_argv)
        floor_times.append(elapsed)
    floor_out = json.loads(proc.stdout)
    sm_median, floor_median = statistics.median(sm_times), statistics.median(floor_times)
    return {
        "steps": steps,
        "files": files,
        "bytes": size,
        "yaml_bytes": yaml_size,
        "exit_code": first.returncode,
        "summary": first.stdout.strip(),
        "validation_findings": first.stderr.strip() if first.returncode else "",
        "floor_files": tree_stats(work / f"floor_{steps}")[0],
        "floor_bytes": floor_out["text_bytes"],
        "floor_yaml_bytes": floor_out["yaml_bytes"],
        "sm2aml_median_s": round(sm_median, 4),
        "floor_median_s": round(floor_median, 4),
        "ratio": round(sm_median / floor_median, 2),
        "sm2aml_runs_s": [round(t, 4) for t in sm_times],
        "floor_runs_s": [round(t, 4) for t in floor_times],
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument(
        "--sizes",
        default="5,50,200",
        help="pipeline sizes in steps, comma-separated (default 5,50,200)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write results (default {DEFAULT_JSON})",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be integers separated by commas, not {args.sizes!r}")
    if args.runs < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--runs and every size must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sm2aml = sm2aml_command()
    work = Path(tempfile.mkdtemp(prefix="sm2aml-bench-"))
    try:
        floor = work / "floor.py"
        floor.write_text(FLOOR_PROGRAM, encoding="utf-8")
        rows = []
        for steps in args.sizes:
            rows.append(bench_size(steps, args.runs, work, floor))
            sm, fl = rows[-1]["sm2aml_median_s"], rows[-1]["floor_median_s"]
            progress = f"  {steps} steps: sm2aml {sm:.3f} s, floor {fl:.3f} s"
            print(progress, file=sys.stderr, flush=True)
        help_s, help_runs = median_of([*sm2aml, "--help"], args.runs)
        bare_s, bare_runs = median_of([sys.executable, "-c", "pass"], args.runs)
        imports = [sys.executable, "-c", "import jinja2, yaml"]
        imports_s, imports_runs = median_of(imports, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'steps':>6} {'files':>6} {'sm2aml s':>9} {'floor s':>8} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['steps']:>6} {row['files']:>6} {row['sm2aml_median_s']:>9.3f} "
            f"{row['floor_median_s']:>8.3f} {row['ratio']:>6.2f}"
        )
    print(f"\nsm2aml --help               {help_s:.3f} s")
    print(f"python -c pass              {bare_s:.3f} s")
    print(f"python -c 'import jinja2, yaml' {imports_s:.3f} s")
    print(f"(median of {args.runs} fresh processes each, after one warm-up run)")

    results = {
        "benchmark": "convert_speed",
        "runs": args.runs,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sm2aml": " ".join(sm2aml),
        "sizes": rows,
        "help": {
            "sm2aml_help_median_s": round(help_s, 4),
            "python_pass_median_s": round(bare_s, 4),
            "python_import_jinja2_yaml_median_s": round(imports_s, 4),
            "sm2aml_help_runs_s": [round(t, 4) for t in help_runs],
            "python_pass_runs_s": [round(t, 4) for t in bare_runs],
            "python_import_jinja2_yaml_runs_s": [round(t, 4) for t in imports_runs],
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {args.json}")


if __name__ == "__main__":
    main()
