"""Build SageMaker pipeline definitions with the real SDK 2.x, offline, for golden cases.

A case folder holds `build.py` with `build(session, role, bucket) -> sagemaker.workflow.pipeline.Pipeline`;
`python -m tests.sdk_offline tests/cases/<case>` writes its `input.json`, and a test checks the
committed file is what the SDK builds (the SDK is the oracle of what the Python means).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sm2aml.load.offline import Offline

REGION = "us-east-1"
BUCKET = "sm2aml-test-artifacts"
ROLE = "arn:aws:iam::111122223333:role/service-role/SageMakerExecutionRole"
TIMESTAMP = "2024-01-01-00-00-00-000"


def _portable_hash(base: Path) -> Any:
    """The SDK's code hash mixes in absolute paths; hash paths relative to the case instead."""

    def digest(paths: list[str]) -> str:
        sha = hashlib.sha256()
        for path in sorted(Path(p).resolve() for p in paths):
            for file in [path] if path.is_file() else sorted(path.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    sha.update((file.relative_to(base) if file.is_relative_to(base) else file).as_posix().encode())
                    sha.update(file.read_bytes())
        return sha.hexdigest()

    return digest


@contextlib.contextmanager
def offline_sdk(base: Path) -> Iterator[Offline]:
    """The SDK with no AWS calls, recorded uploads, a fixed clock and a checkout-independent code hash."""
    offline = Offline(region=REGION, bucket=BUCKET, timestamp=TIMESTAMP, file_hash=_portable_hash(base))
    with offline.active():
        yield offline


def build_case(case: Path) -> str:
    """The definition JSON text that the case's build.py produces with the real SDK."""
    case = case.resolve()
    with offline_sdk(case):
        import boto3
        from sagemaker.workflow.pipeline_context import PipelineSession

        spec = importlib.util.spec_from_file_location(f"sm2aml_case_{case.name}", case / "build.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        session = PipelineSession(
            boto_session=boto3.Session(region_name=REGION),
            default_bucket=BUCKET,
            sagemaker_config={"SchemaVersion": "1.0"},  # no user defaults files
        )
        pipeline = module.build(session=session, role=ROLE, bucket=BUCKET)
        definition = json.loads(pipeline.definition())
    return json.dumps(definition, indent=2) + "\n"


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        target = Path(folder) / "input.json"
        target.write_text(build_case(Path(folder)), encoding="utf-8")
        print(f"wrote {target}")
