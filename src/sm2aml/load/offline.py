"""The SageMaker SDK, offline: what `--exec` (and the test harness that builds definitions) runs it under.

While a pipeline is defined the SDK looks up the default bucket, uploads code, sends telemetry and reads
the clock. Under `Offline.active()` none of that happens: credentials are fake, an AWS API call raises
(naming the operation), uploads return the S3 URI the SDK would have written and are recorded
(URI → local file or folder), telemetry is a no-op and time stamps are fixed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

ENV = {"SAGEMAKER_SUPPRESS_V2_WARNING": "1", "AWS_ACCESS_KEY_ID": "offline", "AWS_SECRET_ACCESS_KEY": "offline"}


class AwsCallError(RuntimeError):
    """The pipeline code asked AWS for something; offline there is no answer."""


class Offline:
    def __init__(
        self, *, region: str, bucket: str, timestamp: str, file_hash: Callable[[list[str]], str] | None = None
    ) -> None:
        self.region = region
        self.bucket = bucket
        self.timestamp = timestamp
        self.file_hash = file_hash  # replaces the SDK's code hash (which mixes in absolute paths) when given
        self.uploads: dict[str, str] = {}
        self.bucket_asked = False

    def session(self) -> Any:
        """A PipelineSession on the offline boto session, for factories that need one given."""
        import boto3  # type: ignore[import-untyped]
        from sagemaker.workflow.pipeline_context import PipelineSession

        # No sagemaker_config: the SDK reads the user's defaults files as their own code would (and giving
        # one costs seconds: the SDK validates it against its JSON schema).
        return PipelineSession(boto_session=boto3.Session(region_name=self.region), default_bucket=self.bucket)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        patches = {
            "botocore.endpoint.Endpoint.make_request": _no_aws,
            # Functions, not bound methods, where they replace a method: the session comes first.
            "sagemaker.session.Session.default_bucket": lambda session: self._default_bucket(session),  # noqa: PLW0108
            "sagemaker.session.Session.upload_data": lambda s, *a, **k: self._upload_data(s, *a, **k),  # noqa: PLW0108
            "sagemaker.s3.S3Uploader.upload": staticmethod(self._upload),
            "sagemaker.s3.S3Uploader.upload_string_as_file_body": staticmethod(_uri_only),
            "sagemaker.s3.S3Uploader.upload_bytes": staticmethod(_uri_only),
            "sagemaker.fw_utils.tar_and_upload_dir": self._tar_and_upload_dir,
            "sagemaker.estimator.tar_and_upload_dir": self._tar_and_upload_dir,
            "sagemaker.telemetry.telemetry_logging._send_telemetry_request": lambda *a, **k: None,
            "sagemaker.utils.sagemaker_timestamp": lambda: self.timestamp,
        }
        if self.file_hash is not None:
            patches["sagemaker.workflow.utilities.hash_files_or_dirs"] = self.file_hash
        with contextlib.ExitStack() as stack:
            stack.enter_context(mock.patch.dict(os.environ, {**ENV, "AWS_DEFAULT_REGION": self.region}))
            for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
                os.environ.pop(name, None)  # restored on exit by patch.dict
            for target, replacement in patches.items():
                with contextlib.suppress(ImportError, AttributeError):  # not in every SDK version
                    stack.enter_context(mock.patch(target, replacement))
            self._fix_bound_time_stamps(stack)
            for logger in ("sagemaker", "botocore"):
                logging.getLogger(logger).setLevel(logging.ERROR)
            stack.enter_context(warnings.catch_warnings())
            warnings.simplefilter("ignore")
            yield

    def _fix_bound_time_stamps(self, stack: contextlib.ExitStack[Any]) -> None:
        """Modules imported before now hold the SDK's clock under their own name
        (`from sagemaker.utils import sagemaker_timestamp`, as the steps compiler does): fix those too."""
        import sys

        for name, module in list(sys.modules.items()):
            clock = getattr(module, "sagemaker_timestamp", None) if name.startswith("sagemaker.") else None
            if name != "sagemaker.utils" and getattr(clock, "__module__", None) == "sagemaker.utils":
                stack.enter_context(mock.patch.object(module, "sagemaker_timestamp", lambda: self.timestamp))

    def _default_bucket(self, session: Any) -> str:
        given = getattr(session, "_default_bucket_name_override", None)
        if given:
            return str(given)
        self.bucket_asked = True
        return self.bucket

    def _record(self, local: str, uri: str) -> str:
        if os.path.exists(local):
            self.uploads[uri] = os.path.abspath(local)
        return uri

    def _upload_data(
        self, session: Any, path: str, bucket: str | None = None, key_prefix: str = "data", **_: Any
    ) -> str:
        prefix = f"s3://{bucket or self.bucket}/{key_prefix.strip('/')}"
        return self._record(path, prefix if os.path.isdir(path) else f"{prefix}/{os.path.basename(path)}")

    def _upload(self, local_path: str, desired_s3_uri: str, *_: Any, **__: Any) -> str:
        prefix = desired_s3_uri.rstrip("/")
        uri = prefix if os.path.isdir(local_path) else f"{prefix}/{os.path.basename(local_path)}"
        return self._record(local_path, uri)

    def _tar_and_upload_dir(
        self, session: Any, bucket: str, s3_key_prefix: str, script: str, directory: str | None = None, **_: Any
    ) -> Any:
        from sagemaker.fw_utils import UploadedCode

        if directory and directory.lower().startswith("s3://"):
            return UploadedCode(s3_prefix=directory, script_name=script)
        uri = f"s3://{bucket}/{s3_key_prefix}/sourcedir.tar.gz"
        self._record(directory or script, uri)
        return UploadedCode(s3_prefix=uri, script_name=script if directory else os.path.basename(script))


def _no_aws(endpoint: Any, operation_model: Any, request_dict: Any) -> Any:
    raise AwsCallError(f"the code calls AWS ({operation_model.name}), which --exec does not reach")


def _uri_only(body: Any, desired_s3_uri: str, *_: Any, **__: Any) -> str:
    return desired_s3_uri
