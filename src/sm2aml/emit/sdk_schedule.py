"""The SDK target's schedule.py: the project's job schedules as azure-ai-ml JobSchedule objects.

The YAML target writes schedules/<name>.yml, whose create_job is pipeline.yml; the SDK target has no
pipeline.yml, so schedule.py builds the same schedules around build_pipeline() of pipeline.py.
"""

from __future__ import annotations

from typing import Any

from sm2aml import __version__, aml
from sm2aml.emit import File
from sm2aml.emit.jinja import render
from sm2aml.emit.pycode import Call, call


def schedule_file(project: aml.Project) -> File | None:
    """schedule.py, when the pipeline has schedules."""
    if not project.schedules:
        return None
    used: set[str] = set()
    built = [_schedule(s, used) for s in project.schedules]
    entities = ", ".join(sorted((used - {"Input"}) | {"JobSchedule"}))
    imports = [
        *(["from azure.ai.ml import Input"] if "Input" in used else []),
        f"from azure.ai.ml.entities import {entities}",
        "from pipeline import build_pipeline",
        "from submit import workspace_client",
    ]
    disabled = [s.name for s in project.schedules if not s.enabled]
    text = render("sdk/schedule.py.j2", version=__version__, imports=imports, schedules=built, disabled=disabled)
    return File("schedule.py", text)


def _schedule(s: aml.Schedule, used: set[str]) -> Call:
    times = {"start_time": s.start_time, "end_time": s.end_time, "time_zone": s.time_zone}
    if s.cron:
        used.add("CronTrigger")
        trigger = call("CronTrigger", expression=s.cron, **times)
    else:
        used.add("RecurrenceTrigger")
        trigger = call("RecurrenceTrigger", frequency=s.frequency, interval=s.interval, **times)
    inputs = {name: _input(value, used) for name, value in sorted(s.inputs.items())}
    return call(
        "JobSchedule",
        name=s.name,
        display_name=s.display_name or None,
        description=s.description or None,
        trigger=trigger,
        create_job=Call("build_pipeline", (), tuple(inputs.items())),
    )


def _input(value: Any, used: set[str]) -> Any:
    """A scalar as it is; a data input ({type, path, mode}) as Input(...)."""
    if isinstance(value, dict):
        used.add("Input")
        return call("Input", **{k: value.get(k) for k in ("type", "path", "mode")})
    return value
