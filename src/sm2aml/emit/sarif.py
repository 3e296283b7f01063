"""The report document as a SARIF 2.1.0 log, so code scanning shows findings on the pipeline's source lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sm2aml import __version__
from sm2aml.diagnostics import CODES, Severity

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
DOCS = "docs/diagnostics.md"


def to_sarif(doc: dict[str, Any], *, root: Path | None = None, docs_url: str | None = None) -> dict[str, Any]:
    """One run; rule ids are diagnostic codes; locations are files (relative to `root`) with line and column.

    `docs_url` is the absolute address of docs/diagnostics.md; without it the rules carry the relative link in
    their help text only, since SARIF's helpUri must be absolute.
    """
    root = root or Path.cwd()
    findings = list(_findings(doc))
    codes = sorted({d["code"] for d, _, _ in findings})
    index = {code: i for i, code in enumerate(codes)}
    uris: dict[str, str] = {}  # one file's many findings resolve its path once

    def uri(file: str) -> str:
        if file not in uris:
            uris[file] = _uri(file, root)
        return uris[file]

    results = [_result(d, index, fallback, props, uri) for d, fallback, props in findings]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sm2aml",
                        "version": __version__,
                        "rules": [_rule(code, docs_url) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"schema_version": doc["schema_version"], "portfolio": _summary(doc)},
            }
        ],
    }


def _findings(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, dict[str, Any]]]:
    """(diagnostic, the file it belongs to when it has no place of its own, extra properties)."""
    for p in doc["pipelines"]:
        for d in p["diagnostics"]:
            yield d, p["input"], {"pipeline": p["name"], "step": d["step"]}
    for f in doc["failed"]:
        for d in f["diagnostics"]:
            yield d, f["input"], {"failed_input": True}
    mapping = doc.get("mapping") or {}
    for d in mapping.get("diagnostics", []):
        yield d, mapping["source"], {}


def _result(
    d: dict[str, Any], index: dict[str, int], fallback: str, props: dict[str, Any], uri: Callable[[str], str]
) -> dict[str, Any]:
    location = d.get("location")
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(location["file"] if location else fallback)}}
    if location:
        physical["region"] = {"startLine": location["line"], "startColumn": location["column"]}
    result: dict[str, Any] = {
        "ruleId": d["code"],
        "ruleIndex": index[d["code"]],
        "level": LEVELS[d["severity"]],
        "message": {"text": d["message"] + (f" — {d['hint']}" if d["hint"] else "")},
        "locations": [{"physicalLocation": physical}],
        "properties": {**{k: v for k, v in props.items() if v is not None}, "where": d["where"]},
    }
    if d["where"].startswith("/"):
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": d["where"], "kind": "member"}]
    return result


def _rule(code: str, docs_url: str | None) -> dict[str, Any]:
    entry = CODES.get(code)
    title = entry.title if entry else code
    level = LEVELS[str(entry.severity if entry else Severity.WARNING)]
    anchor = f"#{code.lower()}"
    rule: dict[str, Any] = {
        "id": code,
        "name": "".join(w[:1].upper() + w[1:] for w in title.replace("-", " ").split() if w.isalnum()) or code,
        "shortDescription": {"text": title},
        "help": {
            "text": f"{entry.hint if entry else ''} See {DOCS}{anchor}.".strip(),
            "markdown": f"{entry.hint if entry else ''} See [{code}]({docs_url or DOCS}{anchor}).".strip(),
        },
        "defaultConfiguration": {"level": level},
    }
    if docs_url:
        rule["helpUri"] = f"{docs_url}{anchor}"
    return rule


def _uri(file: str, root: Path) -> str:
    """A relative URI for files under `root` (what code scanning resolves against the checkout), else file://."""
    path = Path(file)
    try:
        return quote(path.resolve().relative_to(root.resolve()).as_posix())
    except (OSError, ValueError):
        return path.as_uri() if path.is_absolute() else quote(path.as_posix())


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    p = doc["portfolio"]
    return {k: p[k] for k in ("pipelines", "failed", "skipped", "steps", "outcomes", "findings")}
