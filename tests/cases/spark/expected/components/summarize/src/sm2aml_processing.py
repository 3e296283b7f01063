"""Run a SageMaker processing script unchanged where Azure ML mounts its data.

SageMaker processing code reads and writes fixed container paths (/opt/ml/processing/...).
This launcher copies the code folder, points those literal paths at the folders Azure ML
mounted, reports each rewrite, and runs the original command. It never writes to /opt/ml.

With --metrics-json CONTAINER_FILE (a property file the pipeline reads, such as an evaluation
report) it logs the file's numeric values as MLflow metrics of the job once the command succeeds,
named by their JSON path (regression_metrics.mse.value), so they show in Azure ML.

usage: python sm2aml_processing.py [--map CONTAINER_PATH=LOCAL_PATH ...] [--metrics-json CONTAINER_FILE ...]
       -- COMMAND ARGS...
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize

TEXT_SUFFIXES = (".sh", ".txt", ".json", ".yaml", ".yml", ".cfg")


def parse(argv: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(container path → local path, property files to log as metrics, the command)."""
    if "--" not in argv:
        raise SystemExit("sm2aml_processing: expected '--' before the command")
    split = argv.index("--")
    mapping: dict[str, str] = {}
    metrics: list[str] = []
    options = argv[:split]
    for i in range(0, len(options), 2):
        if options[i] == "--metrics-json" and i + 1 < len(options):
            metrics.append(options[i + 1])
            continue
        if options[i] != "--map" or i + 1 >= len(options) or "=" not in options[i + 1]:
            raise SystemExit(f"sm2aml_processing: expected --map CONTAINER=LOCAL, got {options[i : i + 2]}")
        container, local = options[i + 1].split("=", 1)
        mapping[container.rstrip("/")] = local
    return mapping, metrics, argv[split + 1 :]


def numbers(value: object, path: str = "") -> list[tuple[str, float]]:
    """The numeric leaves of a JSON document with their dotted paths (booleans are not numbers)."""
    if isinstance(value, dict):
        return [n for key, item in value.items() for n in numbers(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [n for i, item in enumerate(value) for n in numbers(item, f"{path}.{i}" if path else str(i))]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [(re.sub(r"[^\w.\- /:]", "_", path) or "value", float(value))]
    return []


def log_metrics(files: list[str]) -> None:
    """Log the numbers of each property file (already a local path) as MLflow metrics."""
    found = []
    for file in files:
        try:
            with open(file, encoding="utf-8") as f:
                found += numbers(json.load(f))
        except (OSError, ValueError) as exc:
            print(f"sm2aml: {file}: not logged as metrics: {exc}", file=sys.stderr)
    if not found:
        return
    try:
        import mlflow
    except ImportError:
        print("sm2aml: mlflow is not installed; metrics are printed, not logged", file=sys.stderr)
        mlflow = None
    for name, value in found:
        if mlflow is not None:
            mlflow.log_metric(name, value)
        print(f"sm2aml: metric {name}={value}", file=sys.stderr)


def as_folder(container: str, local: str, scratch: str) -> str:
    """SageMaker puts a single-file input inside its folder; give a file mount the same shape."""
    if not os.path.isfile(local):
        os.makedirs(local, exist_ok=True)
        return os.path.abspath(local)
    folder = tempfile.mkdtemp(prefix="input-", dir=scratch)
    os.symlink(os.path.abspath(local), os.path.join(folder, os.path.basename(local)))
    return folder


STRING_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def rewrite_text(text: str, mapping: dict[str, str]) -> str:
    """Replace whole container paths (not parts of longer paths), longest first."""
    for container in sorted(mapping, key=len, reverse=True):
        pattern = r"(?<![\w./-])" + re.escape(container) + r"(?=[/'\"\s{]|$)"
        text = re.sub(pattern, mapping[container].replace("\\", "/"), text)  # no backslash left to expand
    return text


def rewrite_python(source: str, mapping: dict[str, str], name: str) -> str:
    """Replace container paths inside string literals only, and say where."""
    out = []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for tok in tokens:
        new = rewrite_text(tok.string, mapping) if tok.type in STRING_TOKENS else tok.string
        if new != tok.string:
            print(f"sm2aml: {name}:{tok.start[0]}:{tok.start[1] + 1}: {tok.string} -> {new}", file=sys.stderr)
        out.append(tok._replace(string=new))
    return tokenize.untokenize(out)


def rewrite_line(line: str, mapping: dict[str, str], name: str, number: int) -> str:
    new = rewrite_text(line, mapping)
    if new != line:
        print(f"sm2aml: {name}:{number}: {line.strip()} -> {new.strip()}", file=sys.stderr)
    return new


def copy_code(src: str, dst: str, mapping: dict[str, str]) -> None:
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        target = os.path.join(dst, os.path.relpath(root, src))
        os.makedirs(target, exist_ok=True)
        for file in files:
            path = os.path.join(root, file)
            rel = os.path.relpath(path, src)
            if file.endswith(".py"):
                with open(path, encoding="utf-8") as f:
                    text = rewrite_python(f.read(), mapping, rel)
            elif file.endswith(TEXT_SUFFIXES):
                with open(path, encoding="utf-8") as f:
                    text = "".join(rewrite_line(line, mapping, rel, n) for n, line in enumerate(f, 1))
            else:
                shutil.copy2(path, os.path.join(target, file))
                continue
            with open(os.path.join(target, file), "w", encoding="utf-8") as f:
                f.write(text)


def main(argv: list[str]) -> int:
    mapping, metric_files, command = parse(argv)
    if not command:
        raise SystemExit("sm2aml_processing: no command after '--'")
    scratch = tempfile.mkdtemp(prefix="sm2aml-")
    code = os.path.dirname(os.path.abspath(__file__))
    resolved = {c: (local if local == "." else as_folder(c, local, scratch)) for c, local in mapping.items()}
    copy = os.path.join(scratch, "code")
    code_maps = {c: copy for c, local in resolved.items() if local == "."}
    data_maps = {c: local for c, local in resolved.items() if local != "."}
    copy_code(code, copy, {**data_maps, **code_maps})
    args = [rewrite_text(a, {**data_maps, **code_maps}) for a in command]
    print("sm2aml: running " + " ".join(args), file=sys.stderr, flush=True)
    try:
        status = subprocess.call(args, cwd=copy)
        if status == 0:
            log_metrics([rewrite_text(f, data_maps) for f in metric_files])
        return status
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
