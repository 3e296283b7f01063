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
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

REGION = "us-east-1"
BUCKET = "sm2aml-test-artifacts"
ROLE = "arn:aws:iam::111122223333:role/service-role/SageMakerExecutionRole"
TIMESTAMP = "2024-01-01-00-00-00-000"
ENV = {
    "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def _upload_data(self: Any, path: str, bucket: str | None = None, key_prefix: str = "data", **_: Any) -> str:
    prefix = f"s3://{bucket or BUCKET}/{key_prefix.strip('/')}"
    return prefix if os.path.isdir(path) else f"{prefix}/{os.path.basename(path)}"


def _s3_upload(local_path: str, desired_s3_uri: str, *_: Any, **__: Any) -> str:
    prefix = desired_s3_uri.rstrip("/")
    return prefix if os.path.isdir(local_path) else f"{prefix}/{os.path.basename(local_path)}"


def _s3_upload_string(body: Any, desired_s3_uri: str, *_: Any, **__: Any) -> str:
    return desired_s3_uri


def _tar_and_upload_dir(
    session: Any, bucket: str, s3_key_prefix: str, script: str, directory: str | None = None, **_: Any
) -> Any:
    from sagemaker.fw_utils import UploadedCode

    if directory and directory.lower().startswith("s3://"):
        return UploadedCode(s3_prefix=directory, script_name=script)
    name = script if directory else os.path.basename(script)
    return UploadedCode(s3_prefix=f"s3://{bucket}/{s3_key_prefix}/sourcedir.tar.gz", script_name=name)


def _portable_hash(base: Path) -> Any:
    def digest(paths: list[str]) -> str:
        sha = hashlib.sha256()
        for path in sorted(Path(p).resolve() for p in paths):
            for file in [path] if path.is_file() else sorted(path.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    sha.update((file.relative_to(base) if file.is_relative_to(base) else file).as_posix().encode())
                    sha.update(file.read_bytes())
        return sha.hexdigest()

    return digest


def _no_aws(self: Any, operation_model: Any, request_dict: Any) -> Any:
    raise RuntimeError(f"unexpected AWS API call while building offline: {operation_model.name}")


@contextlib.contextmanager
def offline_sdk(base: Path) -> Iterator[None]:
    """Patch every SDK call that would reach AWS or read the clock."""
    patches = [
        mock.patch("botocore.endpoint.Endpoint.make_request", _no_aws),
        mock.patch("sagemaker.session.Session.default_bucket", lambda self: BUCKET),
        mock.patch("sagemaker.session.Session.upload_data", _upload_data),
        mock.patch("sagemaker.s3.S3Uploader.upload", staticmethod(_s3_upload)),
        mock.patch("sagemaker.s3.S3Uploader.upload_string_as_file_body", staticmethod(_s3_upload_string)),
        mock.patch("sagemaker.s3.S3Uploader.upload_bytes", staticmethod(_s3_upload_string)),
        mock.patch("sagemaker.fw_utils.tar_and_upload_dir", _tar_and_upload_dir),
        mock.patch("sagemaker.estimator.tar_and_upload_dir", _tar_and_upload_dir),
        mock.patch("sagemaker.telemetry.telemetry_logging._send_telemetry_request"),
        mock.patch("sagemaker.workflow.utilities.hash_files_or_dirs", _portable_hash(base)),
        mock.patch("sagemaker.utils.sagemaker_timestamp", lambda: TIMESTAMP),
    ]
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.dict(os.environ, ENV))
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            os.environ.pop(name, None)
        for patch in patches:
            stack.enter_context(patch)
        logging.getLogger("sagemaker").setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield


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
            sagemaker_config={"SchemaVersion": "1.0"},
        )
        pipeline = module.build(session=session, role=ROLE, bucket=BUCKET)
        definition = json.loads(pipeline.definition())
    return json.dumps(definition, indent=2) + "\n"


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        target = Path(folder) / "input.json"
        target.write_text(build_case(Path(folder)), encoding="utf-8")
        print(f"wrote {target}")
