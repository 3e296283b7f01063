"""The SDK target's schedule.py: the same schedules as schedules/*.yml, built around build_pipeline()."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.test_golden import _options, load_case

from sm2aml.emit import emit, write
from sm2aml.rules import convert

CASES = ("schedule", "schedule_events")
VALUE = (
    "def value(item):\n    data = getattr(item, '_data', item)\n    return str(getattr(data, 'path', None) or data)\n"
)


def _trigger(schedule: object) -> dict[str, object]:
    trigger = schedule.trigger  # type: ignore[attr-defined]
    keys = ("type", "expression", "frequency", "interval", "start_time", "end_time", "time_zone")
    return {k: str(getattr(trigger, k, None)) for k in keys}


def _times(trigger: dict[str, object]) -> dict[str, object]:
    """Start and end as the same text (the YAML loader reads them as datetimes, the SDK keeps the string)."""
    return {k: str(v).replace("T", " ") if k.endswith("_time") else v for k, v in trigger.items()}


@pytest.mark.parametrize("case", CASES)
def test_schedule_py_builds_the_schedules_the_yaml_files_describe(case: str, tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.entities._load_functions import load_schedule

    project, _ = convert(load_case(case), _options(case))
    write(emit(project, "both"), tmp_path)
    script = (
        "import json, sys\n"
        "sys.path.insert(0, '.')\n"
        "from schedule import DISABLED, schedules\n"
        f"{VALUE}"
        "keys = ('type', 'expression', 'frequency', 'interval', 'start_time', 'end_time', 'time_zone')\n"
        "out = {s.name: {'trigger': {k: str(getattr(s.trigger, k, None)) for k in keys},\n"
        "                'inputs': {k: value(v) for k, v in s.create_job.inputs.items()}}\n"
        "       for s in schedules()}\n"
        "print(json.dumps({'schedules': out, 'disabled': sorted(DISABLED)}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    built = json.loads(run.stdout.splitlines()[-1])
    assert built["disabled"] == sorted(s.name for s in project.schedules if not s.enabled)
    assert sorted(built["schedules"]) == sorted(s.name for s in project.schedules)
    for path in sorted((tmp_path / "schedules").glob("*.yml")):
        loaded = load_schedule(path)
        assert _times(built["schedules"][loaded.name]["trigger"]) == _times(_trigger(loaded)), path.name
        namespace: dict[str, object] = {}
        exec(VALUE, namespace)  # the same reading of an input as in the script above
        yaml_inputs = {k: namespace["value"](v) for k, v in (loaded.create_job.inputs or {}).items()}  # type: ignore[operator]
        sdk_inputs = built["schedules"][loaded.name]["inputs"]
        assert {k: sdk_inputs[k] for k in yaml_inputs} == yaml_inputs, "the trigger's inputs are the same"
    check = subprocess.run(
        [sys.executable, "schedule.py", "--check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0 and f"{len(project.schedules)} schedules build" in check.stdout, check.stderr
