"""The deploy plan and what is made from it: deploy.sh, the GitHub Actions workflow, azure-pipelines.yml,
and the content-derived versions of registered components."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from tests.test_golden import INPUTS, _options, load_case
from typer.testing import CliRunner

from sm2aml import aml, load
from sm2aml.cli import app
from sm2aml.config import Options
from sm2aml.emit import deploy, emit, write
from sm2aml.rules import convert
from sm2aml.validate import validate

ROOT = Path(__file__).resolve().parents[2]
LEGACY = ROOT / "tests" / "cases" / "legacy_steps" / "input.json"
TUNING = ROOT / "tests" / "cases" / "tuning" / "input.json"
MODELS = ROOT / "tests" / "cases" / "model_register_transform" / "input.json"
WORKFLOW_SCHEMAS = {
    deploy.WORKFLOW: ["--builtin-schema", "vendor.github-workflows"],
    deploy.AZURE_PIPELINE: [
        "--builtin-schema",
        "vendor.azure-pipelines",
        "--data-transform",
        "azure-pipelines",
        "--regex-variant",
        "nonunicode",
    ],
}


def _project(path: Path = LEGACY, **options: object) -> aml.Project:
    project, _ = convert(load(path), Options(**options))  # type: ignore[arg-type]
    return project


def _schema_check(path: Path, args: list[str]) -> tuple[int, str]:
    """check-jsonschema's own command, run in this process."""
    from check_jsonschema.cli.main_command import main
    from click.testing import CliRunner as ClickRunner

    result = ClickRunner().invoke(main, [*args, str(path)])
    return result.exit_code, result.output


# --- the plan ---------------------------------------------------------------------------------------


def test_stages_come_in_dependency_order() -> None:
    schedule = aml.Schedule(name="nightly", cron="0 2 * * *")
    monitor = aml.Monitor(name="drift_monitor")
    project = dataclasses.replace(
        _project(MODELS, register_components=True), schedules=(schedule,), monitors=(monitor,)
    )
    steps = deploy.plan(project)
    stages = [s.stage for s in steps]
    assert stages == sorted(stages, key=deploy.STAGES.index), "steps follow STAGES"
    first = {stage: stages.index(stage) for stage in stages}
    assert first["identities"] < first["datastores"] < first["components"] < first["job"]
    assert first["job"] < first["schedules"] < first["endpoints"]
    commands = [s.command for s in steps]
    assert "az ml schedule create --file schedules/nightly.yml" in commands
    assert "az ml schedule create --file schedules/drift_monitor.yml" in commands
    assert {s.command for s in steps if s.once} == {
        "bash identity/create_identities.sh",
        "bash data_migration/azcopy.sh",
    }
    assert {s.switch for s in steps if s.stage == "endpoints"} == {"endpoints"}


def test_components_are_created_only_when_registered() -> None:
    anonymous = deploy.plan(_project())
    registered = deploy.plan(_project(register_components=True))
    assert not [s for s in anonymous if s.stage == "components"]
    names = [c.name for c in _project().components]
    assert [s.command for s in registered if s.stage == "components"] == [
        f"az ml component create --file components/{n}/component.yml" for n in names
    ]


def test_sdk_target_submits_with_submit_py_and_schedules_with_schedule_py() -> None:
    project = dataclasses.replace(_project(), schedules=(aml.Schedule(name="nightly", cron="0 2 * * *"),))
    steps = deploy.plan(project, "sdk")
    assert [s.command for s in steps if s.stage == "job"][-1].endswith("python submit.py")
    schedules = [s.command for s in steps if s.stage == "schedules"]  # no pipeline.yml: built around build_pipeline
    assert len(schedules) == 1 and schedules[0].endswith("python schedule.py")
    assert "schedule.py" in {f.path for f in emit(project, "sdk")}
    assert [s.command for s in deploy.plan(project, "both") if s.stage == "job"] == [
        "az ml job create --file pipeline.yml"
    ]


def test_a_disabled_schedule_is_disabled_after_it_is_created() -> None:
    project = dataclasses.replace(_project(), schedules=(aml.Schedule(name="weekly", cron="0 0 * * 0", enabled=False),))
    commands = [s.command for s in deploy.plan(project) if s.stage == "schedules"]
    assert commands == ["az ml schedule create --file schedules/weekly.yml", "az ml schedule disable --name weekly"]


def test_readme_deploy_script_and_workflows_list_the_same_commands() -> None:
    project = _project(MODELS, register_components=True)
    files = {f.path: f.text for f in emit(project)}
    steps = deploy.plan(project)
    workflow = yaml.safe_load(str(files[deploy.WORKFLOW]))
    gh_runs = [s["run"] for s in workflow["jobs"]["deploy"]["steps"] if "run" in s and "name" in s][2:]
    assert gh_runs == [s.command for s in steps]
    pipeline = yaml.safe_load(str(files[deploy.AZURE_PIPELINE]))
    ado_runs = [t["inputs"]["inlineScript"].strip().splitlines()[-1] for t in pipeline["steps"][2:]]
    assert ado_runs == [s.line for s in steps]
    script = str(files["deploy.sh"])
    positions = [script.index(f"\n{s.line}\n") if not s.switch else script.index(f"  {s.line}\n") for s in steps]
    assert positions == sorted(positions)
    readme = str(files["README.md"])
    assert all(f"`{s.line}`" in readme for s in steps)


# --- emitted files: format-aware checks -------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_workflows_pass_their_schemas_and_deploy_sh_parses(case: str, tmp_path: Path) -> None:
    pytest.importorskip("check_jsonschema")
    project, _ = convert(load_case(case), _options(case))
    for target in ("yaml", "sdk"):
        out = tmp_path / target
        write(emit(project, target), out)
        for rel, args in WORKFLOW_SCHEMAS.items():
            code, output = _schema_check(out / rel, args)
            assert code == 0, f"{target}: {rel}: {output}"
        parsed = subprocess.run(["bash", "-n", str(out / "deploy.sh")], capture_output=True, text=True, check=False)
        assert parsed.returncode == 0, parsed.stderr
        assert os.access(out / "deploy.sh", os.X_OK)
        if shutil.which("shellcheck"):
            checked = subprocess.run(
                ["shellcheck", str(out / "deploy.sh")], capture_output=True, text=True, check=False
            )
            assert checked.returncode == 0, checked.stdout


def test_the_schema_checks_catch_a_broken_workflow(tmp_path: Path) -> None:
    pytest.importorskip("check_jsonschema")
    write(emit(_project()), tmp_path / "out")
    for rel, args in WORKFLOW_SCHEMAS.items():
        path = tmp_path / "out" / rel
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if rel == deploy.WORKFLOW:
            doc["jobs"]["deploy"]["steps"][0]["uses"] = 42  # a step's action is a string
        else:
            doc["steps"][1]["inputs"] = "not a mapping"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        code, _ = _schema_check(path, args)
        assert code != 0, rel


def test_workflows_hold_no_secret_values(tmp_path: Path) -> None:
    project = _project(MODELS)
    files = {f.path: str(f.text) for f in emit(project)}
    workflow = yaml.safe_load(files[deploy.WORKFLOW])
    assert workflow["permissions"] == {"id-token": "write", "contents": "read"}
    login = next(s for s in workflow["jobs"]["deploy"]["steps"] if s.get("uses", "").startswith("azure/login@"))
    assert login["uses"] == "azure/login@v2"
    assert all(v.startswith("${{") for v in login["with"].values())
    assert "az extension add --name ml" in files[deploy.WORKFLOW]
    for step in workflow["jobs"]["deploy"]["steps"]:
        for name, value in (step.get("env") or {}).items():
            if deploy.VARIABLES.get(name, (False,))[0]:
                assert value == f"${{{{ secrets.{name} }}}}"
    pipeline = yaml.safe_load(files[deploy.AZURE_PIPELINE])
    tasks = [s for s in pipeline["steps"] if s.get("task") == "AzureCLI@2"]
    assert tasks and all(t["inputs"]["azureSubscription"] == "$(serviceConnection)" for t in tasks)


def test_deploy_sh_refuses_to_run_without_the_workspace(tmp_path: Path) -> None:
    write(emit(_project()), tmp_path / "out")
    env = {k: v for k, v in os.environ.items() if k not in ("RESOURCE_GROUP", "WORKSPACE", "SUBSCRIPTION")}
    env["PATH"] = str(tmp_path / "no-az") + os.pathsep + "/usr/bin:/bin"  # no az: nothing may run
    for missing in ("RESOURCE_GROUP", "WORKSPACE", "SUBSCRIPTION"):
        given = {k: "x" for k in ("RESOURCE_GROUP", "WORKSPACE", "SUBSCRIPTION") if k != missing}
        done = subprocess.run(
            ["bash", str(tmp_path / "out" / "deploy.sh")],
            env={**env, **given},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode != 0 and missing in done.stderr
    bad = subprocess.run(
        ["bash", str(tmp_path / "out" / "deploy.sh"), "--nope"],
        env={**env, "RESOURCE_GROUP": "g", "WORKSPACE": "w", "SUBSCRIPTION": "s"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "unknown argument --nope" in bad.stderr


# --- registered components -------------------------------------------------------------------------


def _versions(project: aml.Project) -> dict[str, str]:
    files = {f.path: str(f.text) for f in emit(project)}
    return {c.name: yaml.safe_load(files[f"components/{c.name}/component.yml"])["version"] for c in project.components}


def test_versions_are_derived_from_content() -> None:
    project = _project(register_components=True)
    first = _versions(project)
    assert first == _versions(_project(register_components=True)), "same content, same versions"
    assert all(v.startswith("v") and len(v) == 1 + deploy.VERSION_LENGTH and v[1:].isalnum() for v in first.values())
    changed = project.components[0]
    edited = dataclasses.replace(changed, src_files={**changed.src_files, "extra.py": "print('changed')\n"})
    second = _versions(dataclasses.replace(project, components=(edited, *project.components[1:])))
    assert second[changed.name] != first[changed.name], "changed src, new version"
    assert {k: v for k, v in second.items() if k != changed.name} == {
        k: v for k, v in first.items() if k != changed.name
    }


def test_an_environment_file_change_changes_the_components_that_use_it() -> None:
    project = _project(register_components=True)
    first = _versions(project)
    env = project.environments[0]
    users = {c.name for c in project.components if f"environments/{env.name}.yml" in c.environment}
    assert users, "the case has a component built on a custom environment"
    edited = dataclasses.replace(env, conda=(env.conda or "") + "# pinned differently\n")
    second = _versions(dataclasses.replace(project, environments=(edited, *project.environments[1:])))
    assert {n for n in first if first[n] != second[n]} == users


def test_code_found_locally_is_part_of_the_version() -> None:
    from sm2aml.emit import File

    project = _project(register_components=True)
    name = project.components[0].name
    plain = {f.path: f.text for f in emit(project)}
    found = {f.path: f.text for f in emit(project, "yaml", [File(f"components/{name}/src/found.py", b"x = 1\n")])}
    assert found[f"components/{name}/src/found.py"] == b"x = 1\n"
    assert plain[f"components/{name}/component.yml"] != found[f"components/{name}/component.yml"]


def test_registered_pipeline_refers_by_name_and_version_and_validates(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml import load_component, load_job

    for source in (LEGACY, TUNING):
        project = _project(source, register_components=True)
        out = tmp_path / source.parent.name
        write(emit(project), out)
        versions = _versions(project)
        doc = yaml.safe_load((out / "pipeline.yml").read_text(encoding="utf-8"))
        refs = {n: j.get("trial") or j.get("component") for n, j in doc["jobs"].items()}
        assert set(refs.values()) == {f"azureml:{n}:{v}" for n, v in versions.items()}
        for name, version in versions.items():
            component = load_component(source=out / "components" / name / "component.yml")
            assert (component.name, component.version) == (name, version)
        assert load_job(out / "pipeline.yml")._validate().passed
        assert [d.one_line() for d in validate(out, azure=True)] == []


def test_the_validator_checks_bindings_of_registered_nodes(tmp_path: Path) -> None:
    write(emit(_project(register_components=True)), tmp_path / "out")
    pipeline = tmp_path / "out" / "pipeline.yml"
    text = pipeline.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    node, job = next(iter(doc["jobs"].items()))
    job["inputs"]["not_declared"] = 1
    pipeline.write_text(yaml.safe_dump(doc), encoding="utf-8")
    found = [d.message for d in validate(tmp_path / "out", azure=False)]
    assert f"node {node!r} binds input 'not_declared' its component does not declare" in found
    pipeline.write_text(text.replace(job["component"], job["component"] + "0"), encoding="utf-8")
    found = [d.message for d in validate(tmp_path / "out", azure=False)]
    assert any("which is missing (no components/*/component.yml has that name and version)" in m for m in found)


# --- the switch: flag and mapping file -------------------------------------------------------------


def test_cli_flag_and_mapping_file_register_components(tmp_path: Path) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, ["convert", str(LEGACY), "-o", str(tmp_path / "a"), "-q"])
    flagged = runner.invoke(app, ["convert", str(LEGACY), "-o", str(tmp_path / "b"), "-q", "--register-components"])
    mapping = tmp_path / "sm2aml.toml"
    mapping.write_text("[defaults]\nregister_components = true\n", encoding="utf-8")
    mapped = runner.invoke(app, ["convert", str(LEGACY), "-o", str(tmp_path / "c"), "-q", "--mapping", str(mapping)])
    assert (plain.exit_code, flagged.exit_code, mapped.exit_code) == (0, 0, 0), plain.output + flagged.output
    assert 'component: "./components/' in (tmp_path / "a" / "pipeline.yml").read_text(encoding="utf-8")
    assert "az ml component create" not in (tmp_path / "a" / "deploy.sh").read_text(encoding="utf-8")
    for out in ("b", "c"):
        assert 'component: "azureml:' in (tmp_path / out / "pipeline.yml").read_text(encoding="utf-8")
        assert "az ml component create" in (tmp_path / out / "deploy.sh").read_text(encoding="utf-8")
    assert (tmp_path / "b" / "pipeline.yml").read_bytes() == (tmp_path / "c" / "pipeline.yml").read_bytes()


def test_mapping_file_register_components_must_be_true_or_false() -> None:
    from sm2aml.mapping import parse

    assert parse("[defaults]\nregister_components = true\n").register_components is True
    assert parse("").register_components is False
    bad = parse('[defaults]\nprefix = "x"\nregister_components = "yes"\n')
    assert [(d.code, d.where) for d in bad.diagnostics] == [("SM2AML152", "sm2aml.toml:3:1")]
    unknown = parse("[defaults]\nregister = true\n")
    assert "register_components" in unknown.diagnostics[0].message
