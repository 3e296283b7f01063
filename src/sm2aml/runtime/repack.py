"""Repack a model with its inference code, as SageMaker's _RepackModelStep does, without /opt/ml paths.

The model (model.tar.gz, alone in a folder or the file itself) is unpacked into --model-dir; the inference
script beside this launcher goes into <model>/code (with its whole folder for --source-dir, and each
--dependency into code/lib); --model-dir is then packed into <--artifacts>/model.tar.gz, which is what
SageMaker's repack job produced. The SageMaker repack scripts themselves are not needed and not copied.

usage: python sm2aml_repack.py --model PATH --inference-script inference.py --model-dir DIR --artifacts DIR
       [--source-dir] [--dependency PATH ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tarfile

SKIP = {"__pycache__", "_repack_model.py", "_repack_script_launcher.sh"}


def unpack(path: str, target: str) -> None:
    archive = path if os.path.isfile(path) else os.path.join(path, "model.tar.gz")
    if not os.path.isfile(archive):
        raise SystemExit(f"sm2aml_repack: no model.tar.gz at {path}")
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:  # Python before 3.10.12
            tar.extractall(target)


def copy(source: str, folder: str) -> None:
    target = os.path.join(folder, os.path.basename(source.rstrip("/")))
    if os.path.isdir(source):
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sm2aml_repack")
    parser.add_argument("--model", required=True)
    parser.add_argument("--inference-script", required=True)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--source-dir", action="store_true", help="copy the whole code folder, not only the script")
    parser.add_argument("--dependency", action="append", default=[])
    args = parser.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, args.inference_script)
    if not os.path.isfile(script):
        raise SystemExit(f"sm2aml_repack: {args.inference_script} is not beside {os.path.basename(__file__)}")
    unpack(args.model, args.model_dir)
    code = os.path.join(args.model_dir, "code")
    os.makedirs(code, exist_ok=True)
    names = sorted(os.listdir(here)) if args.source_dir else [args.inference_script]
    for name in names:
        if name not in SKIP and not name.startswith("sm2aml_"):
            copy(os.path.join(here, name), code)
    for dependency in args.dependency:
        os.makedirs(os.path.join(code, "lib"), exist_ok=True)
        copy(os.path.join(here, dependency), os.path.join(code, "lib"))
    os.makedirs(args.artifacts, exist_ok=True)
    with tarfile.open(os.path.join(args.artifacts, "model.tar.gz"), "w:gz") as tar:
        for name in sorted(os.listdir(args.model_dir)):
            tar.add(os.path.join(args.model_dir, name), arcname=name)
    print(f"sm2aml_repack: {len(names)} code file(s) added; model.tar.gz written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
