"""The SDK target over every golden case.

- Files: tests/cases/<case>/expected_sdk/ holds the files `--target sdk` writes differently from the YAML
  target (pipeline.py, submit.py, requirements.txt, README.md); every other file must be the YAML target's.
  Regenerate one case with `pytest tests/test_golden_sdk.py -k <case> --update-golden` and review the diff.
- Meaning: the job pipeline.py builds offline equals the job azure-ai-ml loads from pipeline.yml
  (`PipelineJob._to_dict()`), after the normalisation in `normalised()`.
- Code: pipeline.py and submit.py are ruff format-clean and pass ruff check (default rules, and isort);
  importing pipeline.py does nothing; build_pipeline(**overrides) sets pipeline inputs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sm2aml import aml
from sm2aml.emit import emit, write
from sm2aml.rules import convert
from sm2aml.validate import validate
from tests.test_golden import CASES, INPUTS, ROOT, _options, _portable, load_case

PRIVATE_FEATURES = "AZURE_ML_CLI_PRIVATE_FEATURES_ENABLED"
PARALLEL_COPIED = frozenset({"task", "mini_batch_size", "input_data", "retry_settings", "logging_level"})
DEPLOY_FILES = ("deploy.sh", ".github/workflows/azureml-deploy.yml", "azure-pipelines.yml")


@dataclass(frozen=True)
class Emitted:
    case: str
    project: aml.Project
    yaml_files: dict[str, str | bytes]
    sdk_files: dict[str, str | bytes]
    both: Path  # the project written with --target both
    sdk: Path  # the project written with --target sdk


def _texts(files: list[Any]) -> dict[str, str | bytes]:
    return {f.path: _portable(f.text) if isinstance(f.text, str) else f.text for f in files}


@pytest.fixture(scope="module", params=sorted(INPUTS))
def emitted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Emitted:
    case = request.param
    project, _ = convert(load_case(case), _options(case))
    folder = tmp_path_factory.mktemp(case)
    write(emit(project, "both"), folder / "both")
    write(emit(project, "sdk"), folder / "sdk")
    return Emitted(
        case=case,
        project=project,
        yaml_files=_texts(emit(project, "yaml")),
        sdk_files=_texts(emit(project, "sdk")),
        both=folder / "both",
        sdk=folder / "sdk",
    )


def normalised(job: dict[str, Any], project: Path) -> dict[str, Any]:
    """What may differ between the two forms of one job, made equal:
    - azure-ai-ml names components referenced from pipeline.yml `azureml_anonymous` (version "1"), and
      those loaded with load_component by their component.yml name (no version);
    - code paths are absolute, so they name the folder the project is in."""
    data: dict[str, Any] = json.loads(json.dumps(job, default=str).replace(str(project.resolve()), "<project>"))
    for node in data.get("jobs", {}).values():
        for key in ("component", "trial"):
            if isinstance(node.get(key), dict):
                node[key].pop("name", None)
                node[key].pop("version", None)
    return data


def job_dicts(folder: Path | str) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The YAML job and the SDK job as dicts (normalised), and the SDK job's component names by node."""
    from azure.ai.ml import load_job

    from sm2aml.validate_sdk import load_module

    project = Path(folder)
    yaml_job = load_job(project / "pipeline.yml")
    sdk_job = load_module(project / "pipeline.py").build_pipeline()
    names = {}
    for name, node in sdk_job.jobs.items():
        component = getattr(node, "component", None) or getattr(node, "trial", None)
        if component is not None and not isinstance(component, str):
            names[name] = component.name
    yaml_dict, sdk_dict = yaml_job._to_dict(), sdk_job._to_dict()
    _as_registered(yaml_dict, sdk_dict)
    return normalised(yaml_dict, project), normalised(sdk_dict, project), names


def _as_registered(yaml_job: dict[str, Any], sdk_job: dict[str, Any]) -> None:
    """Registered components: pipeline.yml names them azureml:<name>:<version>, pipeline.py loads the same
    component.yml (name and version in it); the SDK node's component becomes that reference."""
    for name, node in yaml_job.get("jobs", {}).items():
        sdk_node = sdk_job.get("jobs", {}).get(name) or {}
        for key in ("component", "trial"):
            ref, loaded = node.get(key), sdk_node.get(key)
            if isinstance(ref, str) and ref.startswith("azureml:") and isinstance(loaded, dict):
                sdk_node[key] = f"azureml:{loaded.get('name')}:{loaded.get('version')}"
                # a parallel node built from a loaded component carries its settings (task, mini_batch_size…)
                for copied in set(sdk_node) - set(node):
                    if copied in loaded or (loaded.get(copied) is None and copied in PARALLEL_COPIED):
                        sdk_node.pop(copied)


@pytest.fixture(scope="module")
def jobs(emitted: Emitted) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    pytest.importorskip("azure.ai.ml")
    pipeline_yml = (emitted.both / "pipeline.yml").read_text(encoding="utf-8")
    if "type: if_else" in pipeline_yml and os.environ.get(PRIVATE_FEATURES) != "true":
        # azure-ai-ml reads the preview flag once, when it builds its schemas: load in a fresh interpreter
        script = (
            "import json, sys; from tests.test_golden_sdk import job_dicts; print(json.dumps(job_dicts(sys.argv[1])))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(emitted.both)],
            env={**os.environ, PRIVATE_FEATURES: "true"},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        yaml_job, sdk_job, names = json.loads(done.stdout.splitlines()[-1])
        return yaml_job, sdk_job, names
    return job_dicts(emitted.both)


def test_sdk_output_matches_golden(emitted: Emitted, update_golden: bool) -> None:
    yaml_files, sdk_files = emitted.yaml_files, emitted.sdk_files
    job_schedules = {f"schedules/{s.name}.yml" for s in emitted.project.schedules}  # their create_job is pipeline.yml
    assert set(yaml_files) - set(sdk_files) == {"pipeline.yml", *job_schedules}, (
        "the SDK target writes every other YAML file"
    )
    own = {path: text for path, text in sdk_files.items() if yaml_files.get(path) != text}
    sdk_own = {"pipeline.py", "submit.py", "requirements.txt", "README.md", *DEPLOY_FILES}  # the job is submit.py's
    if emitted.project.schedules:
        sdk_own.add("schedule.py")  # the job schedules, around build_pipeline()
    assert {"pipeline.py", "submit.py", "requirements.txt", "README.md"} <= set(own)
    assert set(own) - sdk_own == set(), (
        "components, environments, datastores, identities, compute and reports are the YAML target's"
    )
    expected_dir = CASES / emitted.case / "expected_sdk"
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, text in own.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_text(str(text), encoding="utf-8", newline="\n")
    expected = {
        p.relative_to(expected_dir).as_posix(): p.read_text("utf-8") for p in expected_dir.rglob("*") if p.is_file()
    }
    assert sorted(own) == sorted(expected), "SDK file list differs from the golden copy"
    for path, text in own.items():
        assert text == expected[path], f"{emitted.case}/{path} differs from expected_sdk/"


def test_both_writes_the_yaml_project_and_the_sdk_files(emitted: Emitted) -> None:
    written = {p.relative_to(emitted.both).as_posix() for p in emitted.both.rglob("*") if p.is_file()}
    assert {"pipeline.yml", "pipeline.py", "submit.py", "requirements.txt"} <= written
    assert not (emitted.sdk / "pipeline.yml").exists()


def test_sdk_job_equals_yaml_job(emitted: Emitted, jobs: tuple[dict[str, Any], dict[str, Any], dict[str, str]]) -> None:
    yaml_job, sdk_job, names = jobs
    assert sorted(sdk_job["jobs"]) == sorted(n.name for n in emitted.project.pipeline.nodes), "node names"
    assert sdk_job == yaml_job
    # what the normalisation hides: each node runs the component the YAML target names
    for node in emitted.project.pipeline.nodes:
        if node.component:
            assert names[node.name] == node.component


def _ruff(*args: str | Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("ruff")
    return subprocess.run([sys.executable, "-m", "ruff", *map(str, args)], capture_output=True, text=True, check=False)


def test_emitted_python_is_formatted_and_lint_clean(emitted: Emitted) -> None:
    files = [emitted.sdk / "pipeline.py", emitted.sdk / "submit.py"]
    formatted = _ruff("format", "--isolated", "--check", "--diff", *files)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    lint = _ruff("check", "--isolated", "--output-format", "concise", *files)  # default rules: F401 unused imports
    assert lint.returncode == 0, lint.stdout + lint.stderr
    ordered = _ruff("check", "--isolated", "--select", "I,E,W,F", "--output-format", "concise", *files)
    assert ordered.returncode == 0, ordered.stdout + ordered.stderr


def test_importing_pipeline_py_builds_nothing(emitted: Emitted, monkeypatch: pytest.MonkeyPatch) -> None:
    ml = pytest.importorskip("azure.ai.ml")
    from sm2aml.validate_sdk import load_module

    loaded: list[str] = []
    real = ml.load_component
    monkeypatch.setattr(ml, "load_component", lambda **kw: loaded.append(str(kw["source"])) or real(**kw))
    before = sorted(p.as_posix() for p in emitted.sdk.rglob("*"))
    module = load_module(emitted.sdk / "pipeline.py")
    assert loaded == [], "importing pipeline.py loaded components"
    if any(n.kind == "if_else" for n in emitted.project.pipeline.nodes) and os.environ.get(PRIVATE_FEATURES) != "true":
        return  # building is checked in a fresh interpreter (test_sdk_job_equals_yaml_job)
    job = module.build_pipeline()
    assert type(job).__name__ == "PipelineJob"
    assert len(loaded) == len({c.name for c in emitted.project.components})
    assert sorted(p.as_posix() for p in emitted.sdk.rglob("*") if "__pycache__" not in p.as_posix()) == [
        p for p in before if "__pycache__" not in p
    ]


def _other_value(port: aml.Port) -> Any:
    from azure.ai.ml import Input

    if port.type in aml.DATA_TYPES:
        return Input(type=port.type, path="azureml://datastores/elsewhere/paths/override/")
    return {"string": "override", "integer": 7, "number": 0.75, "boolean": not port.default}[port.type]


def test_build_pipeline_overrides_pipeline_inputs(emitted: Emitted) -> None:
    pytest.importorskip("azure.ai.ml")
    if any(n.kind == "if_else" for n in emitted.project.pipeline.nodes) and os.environ.get(PRIVATE_FEATURES) != "true":
        pytest.skip("if_else pipelines are built in a fresh interpreter (test_sdk_job_equals_yaml_job)")
    from sm2aml.validate_sdk import load_module

    module = load_module(emitted.sdk / "pipeline.py")
    ports = emitted.project.pipeline.inputs
    overrides = {name: _other_value(port) for name, port in ports.items()}
    inputs = module.build_pipeline(**overrides)._to_dict().get("inputs", {})
    for name, port in ports.items():
        if port.type in aml.DATA_TYPES:
            assert inputs[name]["path"] == "azureml://datastores/elsewhere/paths/override/"
        else:
            assert inputs[name] == overrides[name]
    with pytest.raises(Exception, match="no_such_input"):
        module.build_pipeline(no_such_input=1)


def test_sdk_project_passes_validation_with_azure_ai_ml(emitted: Emitted) -> None:
    pytest.importorskip("azure.ai.ml")
    assert [d.one_line() for d in validate(emitted.sdk, azure=True)] == []
