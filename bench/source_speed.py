"""Static reading of pipeline code versus executing it with the SageMaker SDK (issue: source front end).

Both run in fresh processes of the same interpreter, on the NYC taxi example (6 steps, 8 with branches):
- static: `sm2aml inspect examples/sagemaker_nyc_taxi/pipeline.py --json` (libcst, nothing executed);
- SDK: `build_definition.py --check`, which imports sagemaker and runs get_pipeline() offline.
Prints the medians and their ratio; asserts nothing.

    .venv/bin/python bench/source_speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sagemaker_nyc_taxi"
# Timed as an installed package runs: with bytecode caching on (pip compiles at install time), even
# when the calling shell sets PYTHONDONTWRITEBYTECODE; the warm-up run writes the caches.
TIMED_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def seconds(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=TIMED_ENV)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    static = [sys.executable, "-m", "sm2aml", "inspect", str(EXAMPLE / "pipeline.py"), "--json"]
    sdk = [sys.executable, "build_definition.py", "--check"]
    seconds(static, ROOT)
    seconds(sdk, EXAMPLE)  # warm-up: file caches
    static_s = statistics.median(seconds(static, ROOT) for _ in range(runs))
    sdk_s = statistics.median(seconds(sdk, EXAMPLE) for _ in range(runs))
    print(f"static (sm2aml inspect pipeline.py): {static_s:.3f} s")
    print(f"SDK (import sagemaker, run get_pipeline): {sdk_s:.3f} s")
    print(f"ratio SDK / static: {sdk_s / static_s:.1f}x   (median of {runs} fresh processes each)")


if __name__ == "__main__":
    main()
