"""EventBridge schedule expressions → Azure ML schedule triggers. Pure: text in, a Translation out.

AWS (EventBridge rules and EventBridge Scheduler) writes `cron(minutes hours day-of-month month day-of-week
year)` with `?` in one of the two day fields, `L`, `W`, `#`, day-of-week 1-7 = SUN-SAT (or SUN…SAT) and
months 1-12 (or JAN…DEC); `rate(value unit)` counted from the schedule's start; `at(yyyy-mm-ddThh:mm:ss)` once.
Azure ML has a five-field cron trigger (NCronTab: day-of-week 0-6 = SUN-SAT, no `?`, `L`, `W`, `#` or year)
and a recurrence trigger (frequency minute|hour|day|week|month, interval).

Policy: a rate becomes a recurrence with the same unit and interval, because both count from the start time
(a cron `*/n` is aligned to the clock and cannot say "every 7 minutes" or "every 90 minutes"); a cron stays a
cron, field by field; a year becomes the start and end time; `at` becomes a cron for that minute bounded by a
start and end time around it. What Azure cannot say gets the closest choice and an SM2AML421 issue.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# field: (lowest, highest, names whose index + lowest is the value)
FIELDS: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "minutes": (0, 59, ()),
    "hours": (0, 23, ()),
    "day-of-month": (1, 31, ()),
    "month": (1, 12, MONTHS),
    "day-of-week": (1, 7, DAYS),
    "year": (1970, 2199, ()),
}
RATE_UNITS = {"minute": "minute", "minutes": "minute", "hour": "hour", "hours": "hour", "day": "day", "days": "day"}
EXPRESSION = re.compile(r"^\s*(cron|rate|at)\s*\((.*)\)\s*$", re.S)
ELEMENT = re.compile(r"^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:/(\d+))?$")
AT = "%Y-%m-%dT%H:%M:%S"


class ScheduleSyntaxError(ValueError):
    """An expression AWS itself would reject; the message says what is wrong."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    code: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Translation:
    """An Azure ML trigger: `cron`, or `frequency` + `interval`; start and end as wall-clock times."""

    cron: str | None = None
    frequency: str | None = None
    interval: int | None = None
    start_time: str | None = None  # yyyy-mm-ddThh:mm:ss in the schedule's time zone
    end_time: str | None = None
    issues: tuple[Issue, ...] = ()


def translate(expression: str) -> Translation:
    """The Azure ML trigger for an EventBridge schedule expression; ScheduleSyntaxError when AWS rejects it."""
    match = EXPRESSION.match(expression)
    if match is None:
        raise ScheduleSyntaxError(f"{expression!r} is not cron(...), rate(...) or at(...)")
    kind, body = match.group(1), match.group(2).strip()
    if kind == "rate":
        return _rate(body)
    if kind == "at":
        return _at(body)
    return _cron(body)


def _rate(body: str) -> Translation:
    parts = body.split()
    if len(parts) != 2 or not parts[0].isdigit() or parts[1].lower() not in RATE_UNITS:
        raise ScheduleSyntaxError(f"rate({body}) is not rate(value unit) with unit minute(s), hour(s) or day(s)")
    value = int(parts[0])
    if value < 1:
        raise ScheduleSyntaxError(f"rate({body}): the value must be a positive whole number")
    return Translation(frequency=RATE_UNITS[parts[1].lower()], interval=value)


def _at(body: str) -> Translation:
    try:
        when = dt.datetime.strptime(body, AT)
    except ValueError:
        raise ScheduleSyntaxError(f"at({body}) is not at(yyyy-mm-ddThh:mm:ss)") from None
    issues = []
    message = "a one-time schedule: a cron for that minute between a start and end time one minute either side"
    if when.second:
        message += f"; it fires at {when:%H:%M}:00, {when.second} s early (cron has no seconds)"
    issues.append(Issue(code="SM2AML426", message=message))
    minute = when.replace(second=0)
    return Translation(
        cron=f"{minute.minute} {minute.hour} {minute.day} {minute.month} *",
        start_time=(minute - dt.timedelta(minutes=1)).strftime(AT),
        end_time=(minute + dt.timedelta(minutes=1)).strftime(AT),
        issues=tuple(issues),
    )


def _cron(body: str) -> Translation:
    fields = body.upper().split()
    if len(fields) != 6:
        raise ScheduleSyntaxError(
            f"cron({body}) has {len(fields)} fields; AWS needs six: minutes hours day-of-month month day-of-week year"
        )
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleSyntaxError(f"cron({body}): exactly one of day-of-month and day-of-week must be '?'")
    issues: list[Issue] = []
    out_dom = "*" if dom == "?" else _day_of_month(dom, issues)
    out_dow = "*" if dow == "?" else _day_of_week(dow, issues)
    cron = " ".join([_plain(minutes, "minutes"), _plain(hours, "hours"), out_dom, _plain(month, "month"), out_dow])
    start, end = _years(year, issues)
    return Translation(cron=cron, start_time=start, end_time=end, issues=tuple(issues))


# --- fields --------------------------------------------------------------------------------------


def _value(text: str, name: str) -> int:
    low, high, names = FIELDS[name]
    if text in names:
        return names.index(text) + low
    if not text.isdigit():
        raise ScheduleSyntaxError(f"{name} field: {text!r} is not a value")
    value = int(text)
    if not low <= value <= high:
        raise ScheduleSyntaxError(f"{name} field: {value} is outside {low}-{high}")
    return value


def _element(text: str, name: str) -> tuple[int, int, int | None, bool]:
    """(first, last, step, written as a range or star) of one list element: *, a, a-b, with /n."""
    found = ELEMENT.match(text)
    if found is None:
        raise ScheduleSyntaxError(f"{name} field: {text!r} is not *, a value, a range or a step")
    low, high, _ = FIELDS[name]
    base, step_text = found.group(1), found.group(2)
    step = int(step_text) if step_text is not None else None
    if step is not None and step < 1:
        raise ScheduleSyntaxError(f"{name} field: the step in {text!r} must be positive")
    if base == "*":
        return low, high, step, True
    if "-" in base:
        first, last = (_value(v, name) for v in base.split("-"))
        return first, last, step, True
    first = _value(base, name)
    return (first, high, step, True) if step is not None else (first, first, None, False)


def _plain(text: str, name: str) -> str:
    """A field both grammars share (minutes, hours, month): names become numbers, `a/n` becomes `a-max/n`."""
    out = []
    for item in text.split(","):
        first, last, step, ranged = _element(item, name)
        low, high, _ = FIELDS[name]
        if first > last:
            raise ScheduleSyntaxError(f"{name} field: the range {item!r} runs backwards")
        if item.startswith("*") or (step and first == low and last == high):
            out.append(f"*/{step}" if step else "*")
        elif not ranged:
            out.append(str(first))
        else:
            out.append(f"{first}-{last}" + (f"/{step}" if step else ""))
    return ",".join(out)


def _day_of_month(text: str, issues: list[Issue]) -> str:
    if text in ("L", "LW") or text.startswith("L-") or re.fullmatch(r"\d+W", text):
        return _special_day_of_month(text, issues)
    return _plain(text, "day-of-month")


def _special_day_of_month(text: str, issues: list[Issue]) -> str:
    if text.endswith("W") and text != "LW":
        day = _value(text[:-1], "day-of-month")
        issues.append(
            Issue(
                code="SM2AML421",
                message=f"day-of-month {text} (the weekday nearest day {day}): Azure has no W; day {day} is used, "
                "weekend or not",
            )
        )
        return str(day)
    back = 0
    if text.startswith("L-"):
        if not text[2:].isdigit() or not 0 <= int(text[2:]) <= 30:
            raise ScheduleSyntaxError(f"day-of-month field: {text!r} is not L-n with n in 0-30")
        back = int(text[2:])
    day = max(1, 28 - back)
    what = {"L": "the last day of the month", "LW": "the last weekday of the month"}.get(
        text, f"{back} days before the last day of the month"
    )
    issues.append(
        Issue(
            code="SM2AML421",
            message=f"day-of-month {text} ({what}): Azure has no L; day {day} is used, the latest day every month has",
        )
    )
    return str(day)


def _day_of_week(text: str, issues: list[Issue]) -> str:
    """AWS 1-7 (SUN-SAT) → NCronTab 0-6, as an explicit sorted list or range."""
    if text == "L":
        return "6"  # L alone in day-of-week is its last day, Saturday
    days: set[int] = set()
    for item in text.split(","):
        special = re.fullmatch(r"([A-Z0-9]+)(L|#([1-5]))", item)
        if special is not None:
            day = _value(special.group(1), "day-of-week")
            if special.group(2) == "L":
                what = f"the last {DAYS[day - 1]} of the month"
            else:
                what = f"the {_ordinal(int(special.group(3)))} {DAYS[day - 1]} of the month"
            issues.append(
                Issue(
                    code="SM2AML421",
                    message=f"day-of-week {item} ({what}): Azure has no L or #; every {DAYS[day - 1]} is used",
                )
            )
            days.add(day - 1)
            continue
        if "#" in item or item.endswith("L"):
            raise ScheduleSyntaxError(f"day-of-week field: {item!r} is not d#n (n 1-5) or dL")
        first, last, step, _ = _element(item, "day-of-week")
        span = range(first, last + 1) if first <= last else [*range(first, 8), *range(1, last + 1)]
        days.update(d - 1 for d in list(span)[:: step or 1])
    return _compact(sorted(days)) if len(days) < 7 else "*"


def _compact(values: list[int]) -> str:
    """1,2,3,5 → 1-3,5."""
    out, i = [], 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(str(values[i]) if j - i < 2 else f"{values[i]}-{values[j]}")
        if j - i == 1:
            out.append(str(values[j]))
        i = j + 1
    return ",".join(out)


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}[n]


def _years(text: str, issues: list[Issue]) -> tuple[str | None, str | None]:
    if text == "*":
        return None, None
    years: set[int] = set()
    for item in text.split(","):
        first, last, step, _ = _element(item, "year")
        if first > last:
            raise ScheduleSyntaxError(f"year field: the range {item!r} runs backwards")
        years.update(range(first, last + 1, step or 1))
    low, high = min(years), max(years)
    if len(years) != high - low + 1:
        issues.append(
            Issue(
                code="SM2AML421",
                message=f"year {text}: Azure has no year field and only one start and end; the schedule runs every "
                f"year from {low} to {high}",
            )
        )
    return f"{low}-01-01T00:00:00", f"{high}-12-31T23:59:59"


def bounded(start: str | None, end: str | None, first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """The later start and the earlier end (all yyyy-mm-ddThh:mm:ss, which sort as text)."""
    starts = [s for s in (start, first) if s]
    ends = [e for e in (end, last) if e]
    return (max(starts) if starts else None), (min(ends) if ends else None)
