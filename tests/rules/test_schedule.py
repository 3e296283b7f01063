"""EventBridge schedule expressions → Azure ML triggers, against known equivalents (rules/schedule.py)."""

from __future__ import annotations

import pytest

from sm2aml.rules.schedule import ScheduleSyntaxError, translate

# (AWS expression, Azure cron, start_time, end_time, SM2AML codes reported)
CRON = [
    ("cron(0 12 * * ? *)", "0 12 * * *", None, None, []),
    ("cron(15 10 ? * 6L 2022-2023)", "15 10 * * 5", "2022-01-01T00:00:00", "2023-12-31T23:59:59", ["SM2AML421"]),
    ("cron(0 18 ? * MON-FRI *)", "0 18 * * 1-5", None, None, []),
    ("cron(0 8 1 * ? *)", "0 8 1 * *", None, None, []),
    ("cron(0/15 * * * ? *)", "*/15 * * * *", None, None, []),
    ("cron(0/10 * ? * MON-FRI *)", "*/10 * * * 1-5", None, None, []),
    ("cron(0/5 8-17 ? * MON-FRI *)", "*/5 8-17 * * 1-5", None, None, []),
    ("cron(0 9 ? * 2#1 *)", "0 9 * * 1", None, None, ["SM2AML421"]),
    ("cron(5/20 * * * ? *)", "5-59/20 * * * *", None, None, []),
    ("cron(30 2 ? * SUN *)", "30 2 * * 0", None, None, []),
    ("cron(30 2 ? * SAT *)", "30 2 * * 6", None, None, []),
    ("cron(30 2 ? * 1,7 *)", "30 2 * * 0,6", None, None, []),
    ("cron(30 2 ? * 1-7 *)", "30 2 * * *", None, None, []),
    ("cron(0 0 ? * 1/2 *)", "0 0 * * 0,2,4,6", None, None, []),
    ("cron(0 0 ? * 2-6/2 *)", "0 0 * * 1,3,5", None, None, []),
    ("cron(0 0 ? * SAT-MON *)", "0 0 * * 0,1,6", None, None, []),
    ("cron(0 0 ? * L *)", "0 0 * * 6", None, None, []),
    ("cron(5,35 14 * JAN,MAR ? *)", "5,35 14 * 1,3 *", None, None, []),
    ("cron(0 6 1-7 * ? *)", "0 6 1-7 * *", None, None, []),
    ("cron(0 6 2/10 * ? *)", "0 6 2-31/10 * *", None, None, []),
    ("cron(0 6 1/10 * ? *)", "0 6 */10 * *", None, None, []),
    ("cron(0 */4 * * ? *)", "0 */4 * * *", None, None, []),
    ("cron(0 6 ? jan-jun mon *)", "0 6 * 1-6 1", None, None, []),
    ("cron(0 0 1 1 ? 2030)", "0 0 1 1 *", "2030-01-01T00:00:00", "2030-12-31T23:59:59", []),
    ("cron(0 0 1 1 ? 2025,2026,2027)", "0 0 1 1 *", "2025-01-01T00:00:00", "2027-12-31T23:59:59", []),
    ("cron(0 0 1 1 ? 2024,2026)", "0 0 1 1 *", "2024-01-01T00:00:00", "2026-12-31T23:59:59", ["SM2AML421"]),
    ("cron(0 0 1 1 ? 2024/2)", "0 0 1 1 *", "2024-01-01T00:00:00", "2198-12-31T23:59:59", ["SM2AML421"]),
    ("cron(0 0 L * ? *)", "0 0 28 * *", None, None, ["SM2AML421"]),
    ("cron(0 0 L-3 * ? *)", "0 0 25 * *", None, None, ["SM2AML421"]),
    ("cron(0 0 LW * ? *)", "0 0 28 * *", None, None, ["SM2AML421"]),
    ("cron(0 9 15W * ? *)", "0 9 15 * *", None, None, ["SM2AML421"]),
    ("cron(0 9 ? * 6#3 *)", "0 9 * * 5", None, None, ["SM2AML421"]),
    ("cron(0 9 ? * 2L,6 *)", "0 9 * * 1,5", None, None, ["SM2AML421"]),
]
# (AWS expression, frequency, interval)
RATE = [
    ("rate(1 minute)", "minute", 1),
    ("rate(5 minutes)", "minute", 5),
    ("rate(7 minutes)", "minute", 7),
    ("rate(90 minutes)", "minute", 90),
    ("rate(1 hour)", "hour", 1),
    ("rate(12 hours)", "hour", 12),
    ("rate(1 day)", "day", 1),
    ("rate(3 days)", "day", 3),
]
INVALID = [
    "cron(0 12 * * *)",  # five fields
    "cron(0 12 * * * *)",  # neither day field is ?
    "cron(0 12 ? * ? *)",  # both are
    "cron(60 12 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 12 32 * ? *)",
    "cron(0 12 ? * 8 *)",
    "cron(0 12 ? FOO * *)",
    "cron(0 12 ? * 2#6 *)",
    "cron(0 12 * * ? 1969)",
    "cron(0 12 10-5 * ? *)",
    "cron(0/0 12 * * ? *)",
    "rate(0 minutes)",
    "rate(5 weeks)",
    "rate(five minutes)",
    "at(2025-02-30T10:00:00)",
    "at(tomorrow)",
    "every(5 minutes)",
    "0 12 * * ? *",
]


@pytest.mark.parametrize(("aws", "cron", "start", "end", "codes"), CRON, ids=[c[0] for c in CRON])
def test_cron_expressions_translate_to_their_known_equivalents(
    aws: str, cron: str, start: str | None, end: str | None, codes: list[str]
) -> None:
    got = translate(aws)
    assert (got.cron, got.frequency, got.start_time, got.end_time) == (cron, None, start, end)
    assert [i.code for i in got.issues] == codes


@pytest.mark.parametrize(("aws", "frequency", "interval"), RATE, ids=[r[0] for r in RATE])
def test_a_rate_becomes_a_recurrence_of_the_same_unit_and_interval(aws: str, frequency: str, interval: int) -> None:
    got = translate(aws)
    assert (got.cron, got.frequency, got.interval, got.issues) == (None, frequency, interval, ())


def test_a_one_time_schedule_becomes_a_cron_for_its_minute_bounded_around_it() -> None:
    got = translate("at(2025-12-31T23:59:30)")
    assert got.cron == "59 23 31 12 *"
    assert (got.start_time, got.end_time) == ("2025-12-31T23:58:00", "2026-01-01T00:00:00")
    assert [i.code for i in got.issues] == ["SM2AML426"]
    assert "30 s early" in got.issues[0].message


def test_a_one_time_schedule_on_the_minute_says_nothing_of_seconds() -> None:
    got = translate("at(2026-01-01T00:00:00)")
    assert got.cron == "0 0 1 1 *"
    assert (got.start_time, got.end_time) == ("2025-12-31T23:59:00", "2026-01-01T00:01:00")
    assert "early" not in got.issues[0].message


@pytest.mark.parametrize("aws", INVALID)
def test_expressions_aws_rejects_are_errors(aws: str) -> None:
    with pytest.raises(ScheduleSyntaxError):
        translate(aws)


def test_the_inexpressible_parts_say_what_azure_does_instead() -> None:
    messages = [i.message for i in translate("cron(0 9 ? * 6#3 2024,2026)").issues]
    assert messages == [
        "day-of-week 6#3 (the third FRI of the month): Azure has no L or #; every FRI is used",
        "year 2024,2026: Azure has no year field and only one start and end; the schedule runs every year from "
        "2024 to 2026",
    ]


def test_day_of_week_translations_fire_on_the_same_days() -> None:
    """AWS 1-7 = SUN-SAT and NCronTab 0-6 = SUN-SAT: every single day and every range agree by name."""
    names = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    for first in range(1, 8):
        by_number = translate(f"cron(0 0 ? * {first} *)").cron
        by_name = translate(f"cron(0 0 ? * {names[first - 1]} *)").cron
        assert by_number == by_name == f"0 0 * * {first - 1}"
        for last in range(first + 1, 8):
            days = translate(f"cron(0 0 ? * {first}-{last} *)").cron.split()[-1]
            expected = set(range(first - 1, last))
            assert _days(days) == (expected if len(expected) < 7 else set(range(7)))


def _days(field: str) -> set[int]:
    if field == "*":
        return set(range(7))
    out: set[int] = set()
    for part in field.split(","):
        low, _, high = part.partition("-")
        out.update(range(int(low), int(high or low) + 1))
    return out
