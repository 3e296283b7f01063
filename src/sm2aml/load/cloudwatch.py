"""CloudWatch alarms and dashboards (`aws cloudwatch describe-alarms` / `get-dashboard` JSON) → Watch values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from sm2aml.diagnostics import CODES, Diagnostic, LoadError


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()
    statistic: str = ""  # Average, Sum, …, or an extended statistic such as p99


@dataclass(frozen=True, slots=True, kw_only=True)
class Watch:
    """One CloudWatch alarm or dashboard the SageMaker workload is watched with."""

    kind: str  # alarm | composite_alarm | dashboard
    name: str
    where: str  # <file name>#/MetricAlarms/0
    metrics: tuple[Metric, ...] = ()
    threshold: float | None = None
    operator: str = ""
    evaluation_periods: int | None = None
    period: int | None = None  # seconds
    rule: str = ""  # a composite alarm's AlarmRule


def read(path: Path) -> tuple[Watch, ...]:
    """Every alarm and dashboard in one file; LoadError (SM2AML112) with the place when it is malformed."""
    label = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        _fail(str(path), "", f"cannot read the CloudWatch file: {exc.strerror or exc}", "SM2AML111")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        _fail(str(path), "", f"not JSON: {exc}")
    if not isinstance(doc, dict) or not ({"MetricAlarms", "CompositeAlarms", "DashboardBody"} & set(doc)):
        _fail(
            str(path),
            "",
            "expected the JSON of `aws cloudwatch describe-alarms` (MetricAlarms, CompositeAlarms) or "
            "`aws cloudwatch get-dashboard` (DashboardName, DashboardBody)",
        )
    found: list[Watch] = []
    for i, alarm in enumerate(_list(doc, "MetricAlarms", str(path))):
        found.append(_alarm(alarm, str(path), label, f"/MetricAlarms/{i}"))
    for i, alarm in enumerate(_list(doc, "CompositeAlarms", str(path))):
        at = f"/CompositeAlarms/{i}"
        found.append(
            Watch(
                kind="composite_alarm",
                name=_text(alarm, "AlarmName", str(path), at),
                where=f"{label}#{at}",
                rule=_text(alarm, "AlarmRule", str(path), at, required=False),
            )
        )
    if "DashboardBody" in doc:
        found.append(_dashboard(doc, str(path), label))
    return tuple(found)


def _alarm(alarm: Any, source: str, label: str, at: str) -> Watch:
    if not isinstance(alarm, dict):
        _fail(source, at, "an alarm is not a JSON object")
    name = _text(alarm, "AlarmName", source, at)
    metrics: list[Metric] = []
    if "MetricName" in alarm:
        metrics.append(
            Metric(
                namespace=_text(alarm, "Namespace", source, at),
                name=_text(alarm, "MetricName", source, at),
                dimensions=_dimensions(alarm.get("Dimensions"), source, f"{at}/Dimensions"),
                statistic=str(alarm.get("Statistic") or alarm.get("ExtendedStatistic") or ""),
            )
        )
    for j, query in enumerate(_list(alarm, "Metrics", source, at)):
        stat = query.get("MetricStat") if isinstance(query, dict) else None
        if not isinstance(stat, dict):
            continue  # a metric math expression: its inputs are listed beside it
        where = f"{at}/Metrics/{j}/MetricStat/Metric"
        metric = stat.get("Metric")
        if not isinstance(metric, dict):
            _fail(source, where, "MetricStat has no Metric object")
        metrics.append(
            Metric(
                namespace=_text(metric, "Namespace", source, where),
                name=_text(metric, "MetricName", source, where),
                dimensions=_dimensions(metric.get("Dimensions"), source, f"{where}/Dimensions"),
                statistic=str(stat.get("Stat") or ""),
            )
        )
    if not metrics:
        _fail(source, at, f"alarm {name!r} has neither MetricName nor Metrics")
    return Watch(
        kind="alarm",
        name=name,
        where=f"{label}#{at}",
        metrics=tuple(metrics),
        threshold=_number(alarm, "Threshold", source, at),
        operator=str(alarm.get("ComparisonOperator") or ""),
        evaluation_periods=_integer(alarm, "EvaluationPeriods", source, at),
        period=_integer(alarm, "Period", source, at),
    )


def _dashboard(doc: dict[str, Any], source: str, label: str) -> Watch:
    body = doc["DashboardBody"]
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError as exc:
            _fail(source, "/DashboardBody", f"the dashboard body is not JSON: {exc}")
    if not isinstance(body, dict) or not isinstance(body.get("widgets", []), list):
        _fail(source, "/DashboardBody", "the dashboard body has no widgets list")
    metrics: list[Metric] = []
    for i, widget in enumerate(body.get("widgets", [])):
        rows = widget.get("properties", {}).get("metrics") if isinstance(widget, dict) else None
        previous: list[Any] = []
        for j, row in enumerate(rows if isinstance(rows, list) else []):
            at = f"/DashboardBody/widgets/{i}/properties/metrics/{j}"
            if not isinstance(row, list):
                _fail(source, at, "a widget metric is not a list")
            words = [w for w in row if not isinstance(w, dict)]
            if any(not isinstance(w, str) for w in words):
                _fail(source, at, "a widget metric holds a value that is not text")
            words = [previous[k] if w == "." and k < len(previous) else w for k, w in enumerate(words)]
            previous = words
            if len(words) < 2 or len(words) % 2:
                if any(isinstance(w, dict) and "expression" in w for w in row):
                    continue  # a metric math expression
                _fail(source, at, "a widget metric is not [namespace, metric name, dimension, value, …]")
            options = next((w for w in row if isinstance(w, dict)), {})
            pairs = tuple((words[k], words[k + 1]) for k in range(2, len(words), 2))
            metric = Metric(namespace=words[0], name=words[1], dimensions=pairs, statistic=str(options.get("stat", "")))
            if metric not in metrics:
                metrics.append(metric)
    name = doc.get("DashboardName")
    return Watch(
        kind="dashboard",
        name=name if isinstance(name, str) else Path(source).stem,
        where=f"{label}#/DashboardBody",
        metrics=tuple(metrics),
    )


def _list(doc: dict[str, Any], key: str, source: str, at: str = "") -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        _fail(source, f"{at}/{key}", f"{key} is not a list")
    return value


def _text(doc: dict[str, Any], key: str, source: str, at: str, *, required: bool = True) -> str:
    value = doc.get(key)
    if isinstance(value, str) and (value or not required):
        return value
    if value is None and not required:
        return ""
    _fail(source, f"{at}/{key}", f"{key} is {'missing' if value is None else 'not text'}")


def _number(doc: dict[str, Any], key: str, source: str, at: str) -> float | None:
    value = doc.get(key)
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    _fail(source, f"{at}/{key}", f"{key} is not a number")


def _integer(doc: dict[str, Any], key: str, source: str, at: str) -> int | None:
    value = doc.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return value
    _fail(source, f"{at}/{key}", f"{key} is not a positive whole number")


def _dimensions(value: Any, source: str, at: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        _fail(source, at, "Dimensions is not a list")
    pairs = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            _fail(source, f"{at}/{i}", "a dimension is not an object")
        pairs.append((_text(item, "Name", source, f"{at}/{i}"), _text(item, "Value", source, f"{at}/{i}")))
    return tuple(pairs)


def _fail(source: str, where: str, message: str, code: str = "SM2AML112") -> NoReturn:
    diagnostic = Diagnostic(code=code, severity=CODES[code].severity, message=message, where=where)
    raise LoadError(diagnostic, source)
