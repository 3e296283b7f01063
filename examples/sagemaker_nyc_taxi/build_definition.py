"""Render ``pipeline.json`` from ``pipeline.py`` with the SageMaker SDK, fully offline.

The SDK normally talks to AWS while a pipeline is defined: it looks up (or creates)
the default bucket, uploads processing scripts and the training ``source_dir``, and
sends telemetry. Those calls are replaced by fakes that return the S3 URIs the SDK
would have written, so the definition can be built without credentials or network
and is byte-for-byte reproducible.

Usage:
    python build_definition.py           # (re)write pipeline.json
    python build_definition.py --check   # exit 1 if pipeline.json is stale
"""

import argparse
import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import sys
import warnings
from pathlib import Path
from unittest import mock

HERE = os.path.dirname(os.path.realpath(__file__))
DEFINITION_PATH = os.path.join(HERE, "pipeline.json")

REGION = "us-east-1"
BUCKET = "sm2aml-example-artifacts"
ROLE_ARN = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"
FIXED_TIMESTAMP = "2016-01-31-00-00-00-000"

# Dummy credentials: nothing is sent, but boto3 refuses to build clients without them.
OFFLINE_ENV = {
    "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
# An empty SDK defaults config, so a local ~/.config/sagemaker/config.yaml is ignored.
SDK_CONFIG = {"SchemaVersion": "1.0"}


def _fake_upload_data(self, path, bucket=None, key_prefix="data", **_):
    """Return the URI ``Session.upload_data`` would produce, without uploading."""
    bucket = bucket or BUCKET
    key_prefix = key_prefix.strip("/")
    if os.path.isdir(path):
        return f"s3://{bucket}/{key_prefix}"
    return f"s3://{bucket}/{key_prefix}/{os.path.basename(path)}"


def _fake_s3_upload(local_path, desired_s3_uri, **_):
    """Return the URI ``S3Uploader.upload`` would produce, without uploading."""
    prefix = desired_s3_uri.rstrip("/")
    if os.path.isdir(local_path):
        return prefix
    return f"{prefix}/{os.path.basename(local_path)}"


def _fake_tar_and_upload_dir(session, bucket, s3_key_prefix, script, directory=None, **kwargs):
    """Return the ``sourcedir.tar.gz`` location ``tar_and_upload_dir`` would produce."""
    from sagemaker.fw_utils import UploadedCode

    if directory and directory.lower().startswith("s3://"):
        return UploadedCode(s3_prefix=directory, script_name=script)
    script_name = script if directory else os.path.basename(script)
    return UploadedCode(s3_prefix=f"s3://{bucket}/{s3_key_prefix}/sourcedir.tar.gz", script_name=script_name)


def _portable_hash(paths: list[str]) -> str:
    """Hash code files like ``hash_files_or_dirs`` but independently of the checkout.

    The SDK's hash mixes in each file's absolute path (and any ``__pycache__``), so
    the ``.../code/<hash>/...`` S3 keys would change with the folder the example
    lives in. This hashes paths relative to this folder and skips bytecode caches.
    """
    sha256 = hashlib.sha256()
    for path in sorted(Path(p).resolve() for p in paths):
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if not file.is_file() or "__pycache__" in file.parts:
                continue
            name = file.relative_to(HERE) if file.is_relative_to(HERE) else file
            sha256.update(Path(name).as_posix().encode())
            sha256.update(file.read_bytes())
    return sha256.hexdigest()


def _no_aws_calls(self, operation_model, request_dict):
    """Fail loudly if anything still tries to reach an AWS endpoint."""
    raise RuntimeError(f"unexpected AWS API call during offline build: {operation_model.name}")


@contextlib.contextmanager
def offline_sdk():
    """Patch every SDK entry point that would otherwise reach AWS or read the clock."""
    patches = [
        mock.patch("botocore.endpoint.Endpoint.make_request", _no_aws_calls),
        mock.patch("sagemaker.session.Session.default_bucket", lambda self: BUCKET),
        mock.patch("sagemaker.session.Session.upload_data", _fake_upload_data),
        mock.patch("sagemaker.s3.S3Uploader.upload", staticmethod(_fake_s3_upload)),
        mock.patch("sagemaker.fw_utils.tar_and_upload_dir", _fake_tar_and_upload_dir),
        mock.patch("sagemaker.estimator.tar_and_upload_dir", _fake_tar_and_upload_dir),
        mock.patch("sagemaker.telemetry.telemetry_logging._send_telemetry_request"),
        # Code upload keys embed a content hash; make it location independent.
        mock.patch("sagemaker.workflow.utilities.hash_files_or_dirs", _portable_hash),
        # Default names are "<base>-<timestamp>" (e.g. the model's code prefix); pin it.
        mock.patch("sagemaker.utils.sagemaker_timestamp", lambda: FIXED_TIMESTAMP),
    ]
    with contextlib.ExitStack() as stack:
        # Environment first: the SDK reads it when the patch targets are imported.
        stack.enter_context(mock.patch.dict(os.environ, OFFLINE_ENV))
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            os.environ.pop(name, None)  # restored on exit by patch.dict
        for patch in patches:
            stack.enter_context(patch)
        yield


def build_definition() -> str:
    """Build the pipeline with the real SDK and return its JSON definition."""
    with offline_sdk():
        import boto3
        from sagemaker.workflow.pipeline_context import PipelineSession

        # Load pipeline.py by path so another module named "pipeline" cannot shadow it.
        spec = importlib.util.spec_from_file_location("sagemaker_nyc_taxi_pipeline", os.path.join(HERE, "pipeline.py"))
        nyc_taxi_pipeline = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(nyc_taxi_pipeline)

        session = PipelineSession(
            boto_session=boto3.Session(region_name=REGION),
            default_bucket=BUCKET,
            sagemaker_config=SDK_CONFIG,
        )
        pipeline = nyc_taxi_pipeline.get_pipeline(
            region=REGION, role=ROLE_ARN, default_bucket=BUCKET, sagemaker_session=session
        )
        definition = json.loads(pipeline.definition())
    return json.dumps(definition, indent=2, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if pipeline.json is stale")
    args = parser.parse_args()

    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("sagemaker").setLevel(logging.ERROR)
    logging.getLogger("sagemaker.config").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    text = build_definition()
    if args.check:
        try:
            with open(DEFINITION_PATH, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"{DEFINITION_PATH} is out of date; run build_definition.py", file=sys.stderr)
            return 1
        print(f"{DEFINITION_PATH} is up to date")
        return 0

    with open(DEFINITION_PATH, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {DEFINITION_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
