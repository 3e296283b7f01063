"""A commented starter mapping file (sm2aml.toml) holding the default choice for everything the inputs name."""

from __future__ import annotations

from typing import Any

from sm2aml.emit.jinja import render


def starter(doc: dict[str, Any]) -> str:
    """sm2aml.toml pre-filled from a report document: every bucket, role, instance type and image, once each."""
    kinds: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in ("buckets", "roles", "instance_types", "images")}
    for p in doc["pipelines"]:
        for kind, entries in kinds.items():
            for item in p["inventory"][kind]:
                entries.setdefault(item["source"], item)
    accounts = sorted({b["storage_account"] for b in kinds["buckets"].values()})
    return render(
        "mapping/sm2aml.toml.j2",
        pipelines=doc["pipelines"],
        suggested_account=accounts[0] if accounts else "stmigrated",
        **{kind: [entries[k] for k in sorted(entries)] for kind, entries in kinds.items()},
    )
