"""The names the SDK derives while defining a pipeline: S3 keys, job names, code hashes.

Time stamps are fixed (TIMESTAMP) so a conversion is reproducible; the SDK uses the clock.
"""

from __future__ import annotations

import hashlib
import re
from functools import reduce
from pathlib import Path
from urllib.parse import unquote, urlparse

TIMESTAMP = "1970-01-01-00-00-00-000"
_BUF = 65536


def s3_path_join(*args: str | None, with_end_slash: bool = False) -> str:
    """sagemaker.s3_utils.s3_path_join."""
    delimiter = "/"
    merged = ""
    for index, path in enumerate(a for a in args if a is not None and a != ""):
        if index == 0 or (merged and merged[-1] == delimiter) or (path and path[0] == delimiter):
            merged += path
        else:
            merged += delimiter + path
    if with_end_slash and merged and merged[-1] != delimiter:
        merged += delimiter
    if merged:

        def squash(sequence: str, char: str) -> str:
            return sequence if sequence[-1] == delimiter and char == delimiter else sequence + char

        merged = reduce(squash, merged[5:], merged[:5]) if merged.startswith("s3://") else reduce(squash, merged)
    merged = merged.lstrip(delimiter)
    if not with_end_slash and merged != "s3://":
        merged = merged.rstrip(delimiter)
    return merged


def parse_s3_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        raise ValueError(f"expecting an s3:// URL, got {url}")
    return parsed.netloc, parsed.path.lstrip("/")


def is_s3(value: object) -> bool:
    return isinstance(value, str) and urlparse(value).scheme == "s3"


def is_local(value: object) -> bool:
    return isinstance(value, str) and urlparse(value).scheme in ("", "file")


def local_file(value: str) -> str:
    """A local path as the SDK reads it (file:// URLs unwrapped)."""
    return unquote(urlparse(value).path) if value.lower().startswith("file://") else value


def upload_uri(local: str, desired: str, *, is_dir: bool) -> str:
    """Session.upload_data: a folder lands at the prefix, a file under it by its name."""
    bucket, prefix = parse_s3_url(desired)
    base = f"s3://{bucket}/{prefix.strip('/')}" if prefix.strip("/") else f"s3://{bucket}"
    return base if is_dir else f"{base}/{Path(local).name}"


def name_from_base(base: str, max_length: int = 63) -> str:
    return f"{base[: max_length - len(TIMESTAMP) - 1]}-{TIMESTAMP}"


def base_name_from_image(image: str) -> str:
    match = re.match(r"^(.+/)?([^:/]+)(:[^:]+)?$", image)
    return match.group(2) if match else image


def hash_files_or_dirs(paths: list[str], base_dir: str) -> str:
    """sagemaker.workflow.utilities.hash_files_or_dirs: the paths as given, then each file's bytes."""
    sha256 = hashlib.sha256()
    for path in sorted(paths):
        sha256.update(local_file(path).encode())
        disk = Path(local_file(path))
        disk = disk if disk.is_absolute() else Path(base_dir, disk)
        if disk.is_dir():
            _hash_dir(disk, sha256)
        elif disk.is_file():
            _hash_file(disk, sha256)
    return sha256.hexdigest()


def _hash_dir(directory: Path, sha256: hashlib._Hash) -> None:
    for path in sorted(directory.iterdir()):
        sha256.update(path.name.encode())
        if path.is_file():
            _hash_file(path, sha256)
        elif path.is_dir():
            _hash_dir(path, sha256)


def _hash_file(file: Path, sha256: hashlib._Hash) -> None:
    with file.open("rb") as handle:
        while data := handle.read(_BUF):
            sha256.update(data)


def hash_object(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
