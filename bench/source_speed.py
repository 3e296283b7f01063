"""Reading pipeline code statically versus executing it with the SageMaker SDK (the source front end).

For each pipeline file (a 5-step one from the test cases and the NYC taxi example, 8 steps with branches):
- cold, in fresh processes of this interpreter (median of N after a warm-up run):
  static   `sm2aml convert FILE -o TMP` (libcst; nothing executed; the whole conversion, files written);
  SDK      `python -m sm2aml.load.execute FILE` — import sagemaker, run the file and its factory offline,
           `Pipeline.definition()`: executing the code with the SDK and nothing else;
  --exec   `sm2aml convert FILE --exec -o TMP` (the SDK run above, then the conversion);
- warm, in this process (median of N): the static read + conversion + rendering, against the SDK's
  factory call + definition() with sagemaker already imported and the module already loaded.
Prints medians and the SDK/static ratios; asserts nothing. Processes are timed with bytecode caching on,
as an installed package runs, even when the calling shell sets PYTHONDONTWRITEBYTECODE.

    .venv/bin/python bench/source_speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLE = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"
FILES = {
    "5 steps (tests/cases/model_register_transform/build.py)": (
        ROOT / "tests" / "cases" / "model_register_transform" / "build.py",
        {"role": ROLE, "bucket": "sm2aml-bench", "region": "us-east-1"},
    ),
    "NYC taxi, 8 steps (examples/sagemaker_nyc_taxi/pipeline.py)": (
        ROOT / "examples" / "sagemaker_nyc_taxi" / "pipeline.py",
        {"role": ROLE, "default_bucket": "sm2aml-bench"},
    ),
}
TIMED_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=TIMED_ENV)
    return time.perf_counter() - started


def cold(command: list[str], runs: int) -> float:
    seconds(command)  # warm-up: file and bytecode caches
    return statistics.median(seconds(command) for _ in range(runs))


def warm(work: Callable[[], object], runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_process(path: Path, args: dict[str, str], runs: int) -> tuple[float, float]:
    from sm2aml.config import Options
    from sm2aml.emit import emit
    from sm2aml.load import load
    from sm2aml.load.execute import ASSUMED_REGION, TIMESTAMP
    from sm2aml.load.offline import Offline
    from sm2aml.rules import convert

    def static() -> object:
        project, _ = convert(load(path, args=args), Options())
        return emit(project)

    static_s = warm(static, runs)
    bucket = args.get("default_bucket") or args["bucket"]
    offline = Offline(region=args.get("region", ASSUMED_REGION), bucket=bucket, timestamp=TIMESTAMP)
    with offline.active():
        spec = importlib.util.spec_from_file_location("bench_pipeline", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.parent))
        spec.loader.exec_module(module)
        factory = getattr(module, "get_pipeline", None) or module.build
        if factory.__name__ == "build":
            kwargs: dict[str, object] = {"session": offline.session(), "role": ROLE, "bucket": bucket}
        else:
            kwargs = dict(args)
        sdk_s = warm(lambda: factory(**kwargs).definition(), runs)
    return static_s, sdk_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    python = [sys.executable]
    with tempfile.TemporaryDirectory() as tmp:
        for label, (path, args) in FILES.items():
            flags = [f"--arg={k}={v}" for k, v in args.items()]
            out = str(Path(tmp, "out"))
            static = [*python, "-m", "sm2aml", "convert", str(path), "-o", out, "--force", "-q", *flags]
            sdk = [*python, "-m", "sm2aml.load.execute", str(path), json.dumps(args), str(Path(tmp, "def.json"))]
            static_s, sdk_s, exec_s = cold(static, runs), cold(sdk, runs), cold([*static, "--exec"], runs)
            warm_static, warm_sdk = in_process(path, args, runs)
            print(label)
            print(f"  cold  static convert {static_s:.3f} s | SDK run {sdk_s:.3f} s | convert --exec {exec_s:.3f} s")
            print(f"        ratio SDK run / static convert: {sdk_s / static_s:.1f}x")
            print(
                f"  warm  static read+convert+render {warm_static * 1000:.1f} ms | SDK factory+definition "
                f"{warm_sdk * 1000:.1f} ms | ratio {warm_sdk / warm_static:.1f}x"
            )
    print(f"(medians of {runs} runs each)")


if __name__ == "__main__":
    main()
