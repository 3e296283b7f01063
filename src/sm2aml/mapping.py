"""The user mapping file (sm2aml.toml): the names and choices a platform team fixes once for every run."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sm2aml.diagnostics import CODES, Diagnostic, Severity

FILE_NAME = "sm2aml.toml"
SERVERLESS = "serverless"

# What each table may hold: key -> the pattern a value must match (None: any string).
_ACCOUNT = re.compile(r"^[a-z0-9]{3,24}$")
_CONTAINER = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")
_DATASTORE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_IDENTITY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$")
_VM_SIZE = re.compile(r"^Standard_[A-Za-z0-9_]+$")
_CLUSTER = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,31}$")
_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)?$")
DEFAULTS_KEYS: dict[str, re.Pattern[str]] = {"compute": _CLUSTER, "prefix": _PREFIX, "storage_account": _ACCOUNT}
DEFAULTS_FLAGS = ("register_components",)  # the [defaults] keys that are true or false
BUCKET_KEYS: dict[str, re.Pattern[str]] = {
    "storage_account": _ACCOUNT,
    "container": _CONTAINER,
    "datastore": _DATASTORE,
}
TABLES = ("defaults", "buckets", "roles", "instance_types", "images")


@dataclass(frozen=True, slots=True, kw_only=True)
class BucketTarget:
    """Where one S3 bucket goes; None leaves the derived name."""

    storage_account: str | None = None
    container: str | None = None
    datastore: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Mapping:
    """The parsed mapping file; the empty Mapping changes nothing."""

    source: str = ""
    compute: str = SERVERLESS  # "serverless", or the name of an existing compute cluster for every node
    prefix: str = ""
    storage_account: str | None = None
    register_components: bool = False  # named component versions instead of anonymous ones
    buckets: dict[str, BucketTarget] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # IAM role ARN -> managed identity name
    instance_types: dict[str, str] = field(default_factory=dict)  # SageMaker instance type -> Azure VM size
    images: dict[str, str] = field(default_factory=dict)  # image URI or repository -> environment or image
    diagnostics: tuple[Diagnostic, ...] = ()
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, key) -> its line, for findings

    def image_for(self, image: str) -> str | None:
        """The override for an image: by full URI first, then by repository (the URI without its tag)."""
        if image in self.images:
            return self.images[image]
        repository = re.sub(r"[:@][^/]*$", "", image)
        return self.images.get(repository)

    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity >= Severity.ERROR]

    def unused(self, used: dict[str, set[str]]) -> list[Diagnostic]:
        """SM2AML154 for each entry that names nothing the inputs use (`used`: table -> names seen)."""
        out = []
        for table, entries in (
            ("buckets", self.buckets),
            ("roles", self.roles),
            ("instance_types", self.instance_types),
        ):
            for key in entries:
                if key not in used.get(table, set()):
                    out.append(self._unused(table, key))
        seen_images = used.get("images", set())
        for key in self.images:
            if not any(image == key or re.sub(r"[:@][^/]*$", "", image) == key for image in seen_images):
                out.append(self._unused("images", key))
        return out

    def _unused(self, table: str, key: str) -> Diagnostic:
        where = f"{self.source}:{self.lines.get((table, key), 1)}:1"
        return _diag("SM2AML154", f"[{table}] {key!r} matches nothing in the inputs", where)


def find(explicit: Path | None, folder: Path | None = None) -> Path | None:
    """The mapping file to use: the one given, else sm2aml.toml in the current folder, else none."""
    if explicit is not None:
        return explicit
    candidate = (folder or Path.cwd()) / FILE_NAME
    return candidate if candidate.is_file() else None


def read(path: Path) -> Mapping:
    """Parse a mapping file; every problem is a located diagnostic on the result (never an exception)."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Mapping(source=source, diagnostics=(_diag("SM2AML150", f"cannot read {path}: {reason}", source),))
    return parse(text, source)


def parse(text: str, source: str = FILE_NAME) -> Mapping:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        end = re.search(r"\(at end of document\)", message)
        if m:
            where = f"{source}:{m.group(1)}:{m.group(2)}"
        else:
            where = f"{source}:{max(1, len(text.splitlines()))}:1" if end else source
        cut = m or end
        reason = message[: cut.start()].strip() if cut else message
        return Mapping(source=source, diagnostics=(_diag("SM2AML150", f"not valid TOML: {reason}", where),))
    return _Reader(text, source).mapping(data)


class _Reader:
    """Checks the parsed tables; locates problems by finding the key's line in the text."""

    def __init__(self, text: str, source: str) -> None:
        self.lines = text.splitlines()
        self.source = source
        self.diags: list[Diagnostic] = []
        self._lines: dict[tuple[str, ...], int] | None = None

    def mapping(self, data: dict[str, Any]) -> Mapping:
        for key in data:
            if key not in TABLES:
                self.problem("SM2AML151", f"unknown table [{key}]; known: {', '.join(TABLES)}", (key,))
        flags = self.flags(data)
        defaults = self.strings(
            {"defaults": {k: v for k, v in self.table(data, "defaults").items() if k not in DEFAULTS_FLAGS}},
            "defaults",
            DEFAULTS_KEYS,
        )
        compute = defaults.get("compute", SERVERLESS)
        if compute.lower() == SERVERLESS:
            compute = SERVERLESS
        buckets: dict[str, BucketTarget] = {}
        for bucket, entry in self.table(data, "buckets").items():
            if not isinstance(entry, dict):
                self.problem("SM2AML152", f"[buckets] {bucket!r} must be a table", ("buckets", bucket))
                continue
            values = self.strings({bucket: entry}, bucket, BUCKET_KEYS, path=("buckets", bucket))
            buckets[bucket] = BucketTarget(**values)
        roles = self.names(data, "roles", _IDENTITY, "a managed identity name")
        if roles:
            for arn in roles:
                if not arn.startswith("arn:") or ":role/" not in arn:
                    self.problem("SM2AML153", f"[roles] key {arn!r} is not an IAM role ARN", ("roles", arn))
        sizes = self.names(data, "instance_types", _VM_SIZE, "an Azure VM size (Standard_...)")
        images = self.names(data, "images", None, "an environment or image")
        return Mapping(
            source=self.source,
            compute=compute,
            prefix=defaults.get("prefix", ""),
            storage_account=defaults.get("storage_account"),
            register_components=flags.get("register_components", False),
            buckets=buckets,
            roles=roles,
            instance_types=sizes,
            images=images,
            diagnostics=tuple(self.diags),
            lines={
                (table, key): self.line_of((table, key))
                for table, entries in (
                    ("buckets", buckets),
                    ("roles", roles),
                    ("instance_types", sizes),
                    ("images", images),
                )
                for key in entries
            },
        )

    def flags(self, data: dict[str, Any]) -> dict[str, bool]:
        """The true-or-false settings of [defaults]."""
        out: dict[str, bool] = {}
        table = data.get("defaults", {})
        for key in DEFAULTS_FLAGS if isinstance(table, dict) else ():
            if key not in table:
                continue
            if isinstance(table[key], bool):
                out[key] = table[key]
            else:
                self.problem("SM2AML152", f"defaults.{key} must be true or false", ("defaults", key))
        return out

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.problem("SM2AML152", f"[{name}] must be a table", (name,))
            return {}
        return value

    def strings(
        self, data: dict[str, Any], name: str, allowed: dict[str, re.Pattern[str]], path: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """The string settings of one table, each checked against its pattern."""
        path = path or (name,)
        out: dict[str, Any] = {}
        for key, value in self.table(data, name).items():
            if key not in allowed:
                known = ", ".join((*allowed, *(DEFAULTS_FLAGS if path == ("defaults",) else ())))
                self.problem("SM2AML151", f"unknown key {key!r} in [{'.'.join(path)}]; known: {known}", (*path, key))
            elif not isinstance(value, str):
                self.problem("SM2AML152", f"{'.'.join(path)}.{key} must be a string", (*path, key))
            elif not allowed[key].match(value):
                self.problem("SM2AML153", f"{'.'.join(path)}.{key} = {value!r} is not a legal name", (*path, key))
            else:
                out[key] = value
        return out

    def names(self, data: dict[str, Any], name: str, pattern: re.Pattern[str] | None, what: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in self.table(data, name).items():
            if not isinstance(value, str):
                self.problem("SM2AML152", f"[{name}] {key!r} must be a string ({what})", (name, key))
            elif pattern is not None and not pattern.match(value):
                self.problem("SM2AML153", f"[{name}] {key!r} = {value!r} is not {what}", (name, key))
            else:
                out[key] = value
        return out

    def problem(self, code: str, message: str, path: tuple[str, ...]) -> None:
        self.diags.append(_diag(code, message, f"{self.source}:{self.line_of(path)}:1"))

    def line_of(self, path: tuple[str, ...]) -> int:
        """The line that sets `path` ([a.b] header, dotted or plain key), else its table's, else 1."""
        if self._lines is None:
            self._lines = _index(self.lines)
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return 1


def _index(lines: list[str]) -> dict[tuple[str, ...], int]:
    """The first line of every table header and key in a TOML text, by its full key path."""
    out: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]", line)
        if header:
            table = _keys(header.group(1))
            out.setdefault(table, number)
            continue
        assign = re.match(r"^((?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_.\- ]+?)+)\s*=", line)
        if assign:
            path = (*table, *_keys(assign.group(1)))
            for end in range(len(table) + 1, len(path) + 1):
                out.setdefault(path[:end], number)
    return out


def _keys(dotted: str) -> tuple[str, ...]:
    """TOML key parts: a."b.c".d -> ('a', 'b.c', 'd')."""
    parts = re.findall(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([A-Za-z0-9_-]+)", dotted)
    return tuple(_unquote(a) if a else b or c for a, b, c in parts)


def _unquote(text: str) -> str:
    try:
        value = json.loads(f'"{text}"')
    except ValueError:
        return text
    return value if isinstance(value, str) else text


def _diag(code: str, message: str, where: str) -> Diagnostic:
    return Diagnostic(code=code, severity=CODES[code].severity, message=message, where=where, hint=CODES[code].hint)
