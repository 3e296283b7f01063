"""CloudWatch alarms and dashboards (--alarms) → Azure Monitor guidance, one finding each, and inventory rows."""

from __future__ import annotations

from typing import Any

from sm2aml import aml
from sm2aml.data import table
from sm2aml.load.cloudwatch import Metric, Watch
from sm2aml.rules.context import Context


def convert(ctx: Context) -> tuple[aml.SourceResource, ...]:
    """A finding per alarm (SM2AML313) and dashboard (SM2AML314); the inventory's alarm/dashboard rows."""
    out: list[aml.SourceResource] = []
    endpoint = _endpoint(ctx)
    for watch in ctx.options.alarms:
        metrics = [(m, _lookup(m)) for m in watch.metrics]
        if watch.kind == "dashboard":
            target = "an Azure Monitor workbook (or Azure dashboard) of metric charts"
            ctx.diags.add(
                "SM2AML314",
                f"CloudWatch dashboard {watch.name!r} becomes {target} with "
                + ("; ".join(_metric_text(m, found, endpoint) for m, found in metrics) or "no SageMaker metric"),
                where=watch.where,
            )
            kind = "dashboard"
        elif watch.kind == "composite_alarm":
            target = "an Azure Monitor alert processing rule or a log search alert combining the alerts below"
            ctx.diags.add(
                "SM2AML313",
                f"CloudWatch composite alarm {watch.name!r} ({watch.rule or 'no rule'}) becomes {target}; Azure "
                "Monitor metric alerts do not combine other alerts, so recreate each alarm it names",
                where=watch.where,
            )
            kind = "alarm"
        else:
            target = "an Azure Monitor metric alert"
            ctx.diags.add("SM2AML313", _alarm_text(watch, metrics, endpoint), where=watch.where)
            kind = "alarm"
        out.append(
            aml.SourceResource(
                kind=kind,
                source=watch.name,
                target=target,
                where=watch.where,
                details={
                    "metrics": [
                        {
                            "namespace": m.namespace,
                            "metric": m.name,
                            "azure_metric": (found or {}).get("azure", ""),
                            "match": (found or {}).get("match", "none"),
                        }
                        for m, found in metrics
                    ]
                },
            )
        )
    return tuple(out)


def _endpoint(ctx: Context) -> str:
    """The online endpoint SageMaker endpoint metrics move to, when the project has exactly one."""
    names = sorted(ctx.online_endpoints)
    return f"online endpoint {names[0]!r}" if len(names) == 1 else "the online endpoint that replaces it"


def _lookup(metric: Metric) -> dict[str, Any] | None:
    namespaces: dict[str, dict[str, Any]] = table("cloudwatch")["namespaces"]
    spaces = {k.lower(): v for k, v in namespaces.items()}
    found = spaces.get(metric.namespace.lower())
    if found is None:
        return None
    entry: dict[str, Any] | None = found.get(metric.name) or found.get("*")
    return entry


def _metric_text(metric: Metric, found: dict[str, Any] | None, endpoint: str) -> str:
    dims = ", ".join(f"{k}={v}" for k, v in metric.dimensions)
    source = f"{metric.namespace} {metric.name}" + (f" ({dims})" if dims else "")
    if found is None:
        return f"{source}: no Azure ML metric is known for it (not a SageMaker metric, or a custom one)"
    resources: dict[str, str] = table("cloudwatch")["resources"]
    where = resources[found["resource"]]
    if found["resource"] in ("endpoint", "deployment"):
        where += f" ({endpoint})"
    azure = found["azure"]
    if azure == "RequestLatency" and metric.statistic.lower() in ("p50", "p90", "p95", "p99"):
        azure = f"RequestLatency_{metric.statistic.upper()}"
    note = f"; {found['note']}" if found.get("note") else ""
    return f"{source} → {azure} of the {where} ({found['match']}{note})"


def _alarm_text(watch: Watch, metrics: list[tuple[Metric, dict[str, Any] | None]], endpoint: str) -> str:
    words: dict[str, Any] = table("cloudwatch")
    condition = ""
    if len(metrics) == 1 and metrics[0][1] is not None and watch.threshold is not None:
        metric, found = metrics[0]
        assert found is not None
        statistic = words["statistics"].get(metric.statistic, "avg")
        operator = words["operators"].get(watch.operator)
        threshold = watch.threshold * float(found.get("scale", 1))
        if operator and found["resource"] != "monitor":
            expression = f"{statistic} {found['azure']} {operator} {threshold:g}"
            condition = f'; e.g. az monitor metrics alert create --condition "{expression}"'
            if watch.period and watch.evaluation_periods:
                minutes = max(1, watch.period * watch.evaluation_periods // 60)
                condition += f" --window-size {minutes}m"
        elif not operator and watch.operator:
            condition = f"; {watch.operator} (anomaly detection) becomes a dynamic-threshold condition"
    rule = (
        f" when {watch.operator} {watch.threshold:g}"
        + (f" for {watch.evaluation_periods}x{watch.period} s" if watch.period and watch.evaluation_periods else "")
        if watch.threshold is not None
        else ""
    )
    return (
        f"CloudWatch alarm {watch.name!r}{rule} becomes an Azure Monitor metric alert on "
        + "; ".join(_metric_text(m, found, endpoint) for m, found in metrics)
        + condition
    )
