"""Schedules given to the converter: PipelineSchedule in pipeline code (checked against the real SDK), and
`--schedule` files (the `aws` CLI's JSON), down to the Azure ML schedule they become."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.sdk_offline import BUCKET, REGION, ROLE

from sm2aml import ir
from sm2aml.diagnostics import LoadError
from sm2aml.load import load
from sm2aml.load.schedule_files import read_schedules
from sm2aml.rules import convert

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests" / "cases" / "schedule"
ARGS = {"role": ROLE, "bucket": BUCKET, "region": REGION}


def test_the_static_reading_of_put_triggers_is_what_the_sdk_resolves() -> None:
    pytest.importorskip("sagemaker")
    import importlib.util

    spec = importlib.util.spec_from_file_location("sm2aml_schedule_case", CASE / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = [
        (t.resolve_trigger_name("NightlyRefresh"), t.resolve_schedule_expression(), t.resolve_trigger_state())
        for t in module.schedules()
    ]
    found = load(CASE / "build.py", args=ARGS).schedules
    assert [(s.name, s.expression, "ENABLED" if s.enabled else "DISABLED") for s in found] == expected
    assert found[0].start == module.schedules()[0].start_date.isoformat()


def _code(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pipe.py"
    path.write_text(
        "from datetime import datetime\n"
        "from sagemaker.mlops.workflow.triggers import PipelineSchedule\n"
        "from sagemaker.workflow.pipeline import Pipeline\n"
        "from sagemaker.workflow.fail_step import FailStep\n"
        "pipeline = Pipeline(name='Daily', steps=[FailStep(name='Stop')])\n" + body,
        encoding="utf-8",
    )
    return path


def test_v3_import_path_default_name_and_naive_at_time(tmp_path: Path) -> None:
    path = _code(tmp_path, "pipeline.put_triggers([PipelineSchedule(at=datetime(2025, 5, 1, 6, 30))], role_arn='r')\n")
    (schedule,) = load(path).schedules
    assert (schedule.name, schedule.expression, schedule.enabled, schedule.start) == (
        "Daily",
        "at(2025-05-01T06:30:00)",
        True,
        None,
    )


def test_a_schedule_with_two_kinds_is_left_out_and_reported(tmp_path: Path) -> None:
    path = _code(tmp_path, "pipeline.put_triggers(triggers=[PipelineSchedule(cron='0 1 * * ? *', rate=(1, 'day'))])\n")
    pipeline = load(path)
    assert pipeline.schedules == ()
    assert [d.code for d in pipeline.diagnostics] == ["SM2AML122"]


def _write(tmp_path: Path, name: str, doc: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_rule_and_targets_files_make_one_schedule(tmp_path: Path) -> None:
    targets = _write(
        tmp_path,
        "targets.json",
        {"Targets": [{"SageMakerPipelineParameters": {"PipelineParameterList": [{"Name": "A", "Value": "1"}]}}]},
    )
    rule = _write(tmp_path, "rule.json", {"Name": "r", "ScheduleExpression": "rate(1 day)", "State": "DISABLED"})
    (schedule,) = read_schedules([targets, rule])
    assert (schedule.name, schedule.expression, schedule.enabled, schedule.parameters) == (
        "r",
        "rate(1 day)",
        False,
        {"A": "1"},
    )


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ({"Name": "x"}, ""),
        ({"Name": "x", "ScheduleExpression": 5}, "#/ScheduleExpression"),
        ({"Name": "x", "ScheduleExpression": "rate(1 day)", "State": "PAUSED"}, "#/State"),
        ({"Targets": {}}, "#/Targets"),
        (
            {"Name": "x", "ScheduleExpression": "rate(1 day)", "Target": {"SageMakerPipelineParameters": {
                "PipelineParameterList": [{"Name": "A"}]}}},
            "#/Target/SageMakerPipelineParameters/PipelineParameterList/0",
        ),
    ],
)  # fmt: skip
def test_malformed_schedule_files_are_located_errors(tmp_path: Path, doc: object, where: str) -> None:
    path = _write(tmp_path, "bad.json", doc)
    with pytest.raises(LoadError) as raised:
        read_schedules([path])
    assert raised.value.one_line().startswith(f"{path}{where}: error SM2AML160: ")


def test_a_targets_file_alone_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="needs the describe-rule file"):
        read_schedules([_write(tmp_path, "t.json", {"Targets": []})])


def _converted(schedule: ir.Schedule) -> tuple[object, list[str]]:
    import dataclasses

    pipeline = load(ROOT / "tests" / "cases" / "processing_only" / "input.json")
    project, diags = convert(dataclasses.replace(pipeline, schedules=(schedule,)))
    codes = [d.code for d in diags if d.code.startswith("SM2AML42")]
    return (project.schedules[0] if project.schedules else None), codes


def test_time_zone_and_dates_become_windows_zone_and_wall_clock_times() -> None:
    made, codes = _converted(
        ir.Schedule(
            name="s",
            expression="cron(0 9 ? * MON *)",
            timezone="America/New_York",
            start="2025-07-01T00:00:00Z",
            end="2025-12-01T12:00:00+00:00",
            parameters={"MinRows": "42"},
        )
    )
    assert made is not None and codes == []
    assert (made.time_zone, made.start_time, made.end_time) == (
        "Eastern Standard Time",
        "2025-06-30T20:00:00",  # EDT, UTC-4
        "2025-12-01T07:00:00",  # EST, UTC-5
    )
    assert made.inputs == {"min_rows": 42}


def test_an_unknown_zone_runs_in_utc_and_an_invalid_expression_writes_nothing() -> None:
    made, codes = _converted(ir.Schedule(name="s", expression="cron(0 9 ? * MON *)", timezone="Mars/Olympus"))
    assert made is not None and made.time_zone == "UTC" and codes == ["SM2AML423"]
    made, codes = _converted(ir.Schedule(name="s", expression="cron(0 9 * * *)"))
    assert made is None and codes == ["SM2AML422"]


def test_the_scheduled_time_becomes_the_trigger_time_and_bad_values_are_reported() -> None:
    import dataclasses

    pipeline = load(CASE / "build.py", args=ARGS)
    schedule = ir.Schedule(
        name="s",
        expression="rate(1 day)",
        start="2025-01-01T00:00:00Z",
        parameters={
            "RunDate": "<aws.scheduler.scheduled-time>",
            "ExtractData": "<aws.scheduler.scheduled-time>",
            "MinRows": "many",
            "Nope": "1",
        },
    )
    project, diags = convert(dataclasses.replace(pipeline, schedules=(schedule,)))
    assert project.schedules[0].inputs == {"min_rows": "many", "run_date": "${{creation_context.trigger_time}}"}
    assert [d.code for d in diags if d.code.startswith("SM2AML42")] == [
        "SM2AML424",  # ExtractData: a data location
        "SM2AML424",  # MinRows: not an integer
        "SM2AML424",  # Nope: no such parameter
        "SM2AML428",
    ]
