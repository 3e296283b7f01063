"""The local runner on its own: binding resolution, ordering, failure handling, skips."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sm2aml.run import RunError, plan, run, substitute


def _project(
    root: Path, jobs: dict[str, Any], components: dict[str, dict[str, Any]], inputs: dict[str, Any] | None = None
) -> Path:
    for name, comp in components.items():
        folder = root / "components" / name
        (folder / "src").mkdir(parents=True)
        doc = {
            "type": "command",
            "name": name,
            "code": "./src",
            "environment": "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
            **comp,
        }
        (folder / "component.yml").write_text(yaml.safe_dump(doc))
    pipeline = {
        "type": "pipeline",
        "inputs": inputs or {},
        "jobs": {
            k: {"type": "command", "component": f"./components/{v.pop('uses')}/component.yml", **v}
            for k, v in jobs.items()
        },
    }
    (root / "pipeline.yml").write_text(yaml.safe_dump(pipeline))
    return root


WRITE = {
    "inputs": {"text": {"type": "string"}},
    "outputs": {"out": {"type": "uri_folder"}},
    "command": "echo ${{inputs.text}} > ${{outputs.out}}/f.txt",
}
COPY = {
    "inputs": {
        "src": {"type": "uri_folder"},
        "suffix": {"type": "string", "default": "!"},
        "extra": {"type": "string", "optional": True},
    },
    "outputs": {"out": {"type": "uri_folder"}},
    "command": "cat ${{inputs.src}}/f.txt | sed 's/$/${{inputs.suffix}}/' > ${{outputs.out}}/f.txt"
    " $[[&& echo ${{inputs.extra}} >> ${{outputs.out}}/f.txt]]",
}


def test_substitute_drops_optional_blocks_without_values() -> None:
    assert substitute("a ${{inputs.x}} $[[--y ${{inputs.y}}]]", {"inputs.x": "1"}) == "a 1 "
    assert substitute("a $[[--y ${{inputs.y}}]]", {"inputs.y": "2"}) == "a --y 2"
    with pytest.raises(RunError, match=r"inputs\.z"):
        substitute("${{inputs.z}}", {})


def test_nodes_run_in_dependency_order_and_outputs_flow(tmp_path: Path) -> None:
    project = _project(
        tmp_path / "p",
        {
            "second": {"uses": "copy", "inputs": {"src": "${{parent.jobs.first.outputs.out}}"}},
            "first": {"uses": "write", "inputs": {"text": "${{parent.inputs.greeting}}"}},
        },
        {"write": WRITE, "copy": COPY},
        inputs={"greeting": "hello"},
    )
    assert [n.name for n in plan(project)] == ["first", "second"]
    results = run(project, tmp_path / "run")
    assert [(r.node, r.status) for r in results] == [("first", "succeeded"), ("second", "succeeded")]
    assert (tmp_path / "run" / "second" / "outputs" / "out" / "f.txt").read_text() == "hello!\n"


def test_input_overrides_and_literal_bindings(tmp_path: Path) -> None:
    project = _project(
        tmp_path / "p",
        {
            "first": {"uses": "write", "inputs": {"text": "${{parent.inputs.greeting}}"}},
            "second": {
                "uses": "copy",
                "inputs": {"src": "${{parent.jobs.first.outputs.out}}", "suffix": "?", "extra": "more"},
            },
        },
        {"write": WRITE, "copy": COPY},
        inputs={"greeting": "hello"},
    )
    run(project, tmp_path / "run", inputs={"greeting": "bye"})
    assert (tmp_path / "run" / "second" / "outputs" / "out" / "f.txt").read_text() == "bye?\nmore\n"


def test_data_inputs_come_from_datastores_or_paths(tmp_path: Path) -> None:
    data = tmp_path / "lake" / "raw"
    data.mkdir(parents=True)
    (data / "f.txt").write_text("from the lake\n")
    project = _project(
        tmp_path / "p",
        {"copy": {"uses": "copy", "inputs": {"src": "${{parent.inputs.raw}}"}}},
        {"copy": COPY},
        inputs={"raw": {"type": "uri_folder", "path": "azureml://datastores/lake/paths/raw"}},
    )
    with pytest.raises(RunError, match="--datastore lake=FOLDER"):
        run(project, tmp_path / "run1")
    run(project, tmp_path / "run2", datastores={"lake": tmp_path / "lake"})
    assert (tmp_path / "run2" / "copy" / "outputs" / "out" / "f.txt").read_text() == "from the lake!\n"
    run(project, tmp_path / "run3", inputs={"raw": str(data)})
    assert (tmp_path / "run3" / "copy" / "outputs" / "out" / "f.txt").read_text() == "from the lake!\n"


def test_first_failure_stops_the_run(tmp_path: Path) -> None:
    failing = {"outputs": {"out": {"type": "uri_folder"}}, "command": "echo broken >&2; exit 3"}
    project = _project(
        tmp_path / "p",
        {
            "bad": {"uses": "failing"},
            "after": {"uses": "copy", "inputs": {"src": "${{parent.jobs.bad.outputs.out}}"}},
        },
        {"failing": failing, "copy": COPY},
    )
    results = run(project, tmp_path / "run")
    assert [(r.node, r.status) for r in results] == [("bad", "failed"), ("after", "not run")]
    assert results[0].log is not None and "broken" in results[0].log.read_text()


def test_unknown_inputs_and_skips_are_refused(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"first": {"uses": "write", "inputs": {"text": "x"}}}, {"write": WRITE})
    with pytest.raises(RunError, match="unknown pipeline input"):
        run(project, tmp_path / "run", inputs={"nope": "1"})
    with pytest.raises(RunError, match="--skip names unknown"):
        run(project, tmp_path / "run", skip=frozenset({"ghost"}))


def test_nodes_that_cannot_run_locally_stop_the_run_unless_skipped(tmp_path: Path) -> None:
    project = _project(
        tmp_path / "p",
        {
            "tune": {"uses": "write", "inputs": {"text": "x"}},
            "after": {"uses": "copy", "inputs": {"src": "${{parent.jobs.tune.outputs.out}}"}},
        },
        {"write": WRITE, "copy": COPY},
    )
    pipeline = yaml.safe_load((project / "pipeline.yml").read_text())
    pipeline["jobs"]["tune"]["type"] = "sweep"
    pipeline["jobs"]["tune"]["trial"] = pipeline["jobs"]["tune"].pop("component")
    (project / "pipeline.yml").write_text(yaml.safe_dump(pipeline))
    assert [r.status for r in run(project, tmp_path / "run1")] == ["cannot run locally", "not run"]
    statuses = [r.status for r in run(project, tmp_path / "run2", skip=frozenset({"tune"}))]
    assert statuses[0] == "skipped (--skip)"


def test_python_in_commands_is_this_interpreter(tmp_path: Path) -> None:
    probe = {
        "outputs": {"out": {"type": "uri_folder"}},
        "command": "python -c 'import sys; print(sys.prefix)' > ${{outputs.out}}/prefix.txt",
    }
    project = _project(tmp_path / "p", {"probe": {"uses": "probe"}}, {"probe": probe})
    run(project, tmp_path / "run")
    assert (tmp_path / "run" / "probe" / "outputs" / "out" / "prefix.txt").read_text().strip() == sys.prefix


def test_cli_run_exits_1_with_the_log_tail_on_failure(tmp_path: Path) -> None:
    failing = {"outputs": {"out": {"type": "uri_folder"}}, "command": "echo the reason >&2; exit 1"}
    project = _project(tmp_path / "p", {"bad": {"uses": "failing"}}, {"failing": failing})
    result = subprocess.run(
        [sys.executable, "-m", "sm2aml", "run", str(project), "--run-dir", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert "the reason" in result.stderr and "FAILED" in result.stderr


def test_a_gated_node_that_ran_is_not_reported_as_skipped(tmp_path: Path) -> None:
    gated = {
        "outputs": {"out": {"type": "uri_folder"}},
        "command": "if true; then echo working; else echo 'x skipped: its condition branch was not taken'; fi",
    }
    project = _project(tmp_path / "p", {"g": {"uses": "gated"}}, {"gated": gated})
    (result,) = run(project, tmp_path / "run")
    assert result.status == "succeeded"
    assert (tmp_path / "run" / "g" / "command.sh").read_text().startswith("if true")
