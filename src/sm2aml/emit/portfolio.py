"""The report document: pipeline reports, failed and skipped inputs, and the portfolio they add up to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sm2aml import __version__
from sm2aml.diagnostics import CODES, Diagnostic
from sm2aml.emit.report import EFFORT_FORMULA, OUTCOMES, READINESS_FORMULA, REPORT_SCHEMA_VERSION, SEVERITIES

TOP_BLOCKERS = 10


def document(
    pipelines: Sequence[dict[str, Any]],
    *,
    failed: Sequence[dict[str, Any]] = (),
    skipped: Sequence[dict[str, Any]] = (),
    mapping: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole report (docs/report.schema.json); pipeline reports come from report.pipeline_report."""
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "sm2aml", "version": __version__},
        "formulas": {"effort": EFFORT_FORMULA, "readiness": READINESS_FORMULA},
        "mapping": mapping,
        "pipelines": list(pipelines),
        "failed": list(failed),
        "skipped": list(skipped),
        "portfolio": portfolio(pipelines, failed=len(failed), skipped=len(skipped)),
    }


def mapping_section(source: str, diagnostics: Iterable[Diagnostic]) -> dict[str, Any]:
    return {"source": source, "diagnostics": [d.to_json() for d in diagnostics]}


def portfolio(pipelines: Sequence[dict[str, Any]], *, failed: int = 0, skipped: int = 0) -> dict[str, Any]:
    outcomes: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    types: dict[str, Counter[str]] = {}
    for p in pipelines:
        for step in p["steps"]:
            outcomes[step["outcome"]] += 1
            types.setdefault(step["type"], Counter())[step["outcome"]] += 1
        findings.update(d["severity"] for d in p["diagnostics"])
    buckets, identities, compute, environments = _platform(pipelines)
    steps = sum(outcomes.values())
    platform_days = 0.25 * sum(1 for b in buckets if b["copy_prefixes"]) + 0.25 * len(identities)
    platform_days += 0.5 * sum(1 for e in environments if e["custom"])
    days = sum(p["effort"]["days"] for p in pipelines) + platform_days
    weighted = sum(p["readiness"]["score"] * p["summary"]["steps"] for p in pipelines)
    return {
        "pipelines": len(pipelines),
        "failed": failed,
        "skipped": skipped,
        "steps": steps,
        "outcomes": {k: outcomes.get(k, 0) for k in OUTCOMES},
        "findings": {s: findings.get(s, 0) for s in SEVERITIES},
        "step_types": [
            {"type": t, "count": sum(c.values()), **{k: c.get(k, 0) for k in OUTCOMES}}
            for t, c in sorted(types.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        "blockers": _blockers(pipelines),
        "buckets": buckets,
        "identities": identities,
        "compute": compute,
        "environments": environments,
        "readiness": {
            "score": round(weighted / steps) if steps else 0,
            "levels": dict(Counter(p["readiness"]["level"] for p in pipelines)),
        },
        "effort": {
            "days": round(days, 2),
            "pipelines_days": round(days - platform_days, 2),
            "platform_days": platform_days,
        },
    }


def _blockers(pipelines: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The most frequent error and warning codes, with how many pipelines they touch."""
    count: Counter[str] = Counter()
    touched: dict[str, set[str]] = {}
    severity: dict[str, str] = {}
    for p in pipelines:
        for d in p["diagnostics"]:
            if d["severity"] in ("error", "warning"):
                count[d["code"]] += 1
                touched.setdefault(d["code"], set()).add(p["input"])
                severity.setdefault(d["code"], d["severity"])
    ranked = sorted(count.items(), key=lambda kv: (severity[kv[0]] != "error", -kv[1], kv[0]))[:TOP_BLOCKERS]
    return [
        {
            "code": code,
            "title": CODES[code].title if code in CODES else code,
            "severity": severity[code],
            "count": n,
            "pipelines": len(touched[code]),
        }
        for code, n in ranked
    ]


def _platform(
    pipelines: Sequence[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Buckets to copy, identities to create, compute to provision, environments to build: merged across pipelines."""
    buckets: dict[str, dict[str, Any]] = {}
    identities: dict[str, dict[str, Any]] = {}
    compute: dict[str, dict[str, Any]] = {}
    environments: dict[str, dict[str, Any]] = {}
    for p in pipelines:
        inv, name = p["inventory"], p["name"]
        for b in inv["buckets"]:
            entry = buckets.setdefault(
                f"{b['source']}\n{b['storage_account']}\n{b['container']}",  # one entry per destination
                {
                    "bucket": b["source"],
                    "datastore": b["target"],
                    "storage_account": b["storage_account"],
                    "container": b["container"],
                    "copy_prefixes": [],
                    "pipelines": [],
                },
            )
            entry["copy_prefixes"] = sorted(set(entry["copy_prefixes"]) | set(b["copy_prefixes"]))
            _add(entry["pipelines"], name)
        for r in inv["roles"]:
            entry = identities.setdefault(
                r["target"], {"identity": r["target"], "roles": [], "role_assignments": r["role_assignments"]}
            )
            _add(entry["roles"], r["source"])
            entry.setdefault("pipelines", [])
            _add(entry["pipelines"], name)
        for t in inv["instance_types"]:
            sku = t["target"] or "(no Azure size known)"
            entry = compute.setdefault(
                sku,
                {"sku": sku, **{k: t[k] for k in ("vcpus", "memory_gib", "gpus") if k in t}, "instance_types": []},
            )
            _add(entry["instance_types"], t["source"])
            entry["steps"] = entry.get("steps", 0) + len(t["steps"])
            entry.setdefault("pipelines", [])
            _add(entry["pipelines"], name)
            if "cluster" in t:
                entry["cluster"] = t["cluster"]
        for i in inv["images"]:
            entry = environments.setdefault(
                i["target"], {"environment": i["target"], "custom": i["custom"], "images": []}
            )
            _add(entry["images"], i["source"])
            entry.setdefault("pipelines", [])
            _add(entry["pipelines"], name)
    for b in buckets.values():
        b["azcopy"] = [
            {
                "from": f"https://s3.amazonaws.com/{b['bucket']}/{prefix}",
                "to": f"https://{b['storage_account']}.blob.core.windows.net/{b['container']}/{prefix}",
            }
            for prefix in b["copy_prefixes"]
        ]
    return (
        [buckets[k] for k in sorted(buckets)],
        [identities[k] for k in sorted(identities)],
        [compute[k] for k in sorted(compute)],
        [environments[k] for k in sorted(environments)],
    )


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
