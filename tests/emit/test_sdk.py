"""The SDK target beyond the golden cases: hostile values, AutoML and placeholder nodes, names that would
shadow what pipeline.py uses, what it refuses, and the command line."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.emit.test_filters import SPECIAL
from tests.rules.model_steps import training
from tests.rules.test_aws_only import AUTOML, CASES, processing
from tests.test_golden_sdk import ROOT, job_dicts

from sm2aml import aml, load
from sm2aml.emit import emit, write
from sm2aml.emit.sdk import SdkUnsupported
from sm2aml.rules import convert
from sm2aml.validate import validate

# Hostile text: quotes, triple quotes, backslashes, newlines, Azure ML binding markers, code, any unicode
# (no lone surrogates: the YAML target writes UTF-8 files, which cannot hold them).
PIECES = [*SPECIAL.replace("\ud800", "").replace("\udfff", ""), '"""', "'''", "${{", "}}", "\\", "\n"]
PIECES += ["${{parent.inputs.x}}", '");import os;os.system("x', "')\nimport os\n('", "é€😀", "x" * 40]
HOSTILE = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join),
)


def _definition(name: str, default: str, env: str, hyper: str) -> str:
    step = training(name)
    step["Arguments"]["HyperParameters"]["hostile_hp"] = json.dumps(hyper)
    step["Arguments"]["HyperParameters"]["param_hp"] = {"Get": "Parameters.Hostile"}
    step["Arguments"]["Environment"] = {"HOSTILE_VAR": env}
    parameters = [{"Name": "Hostile", "Type": "String", "DefaultValue": default}]
    return json.dumps({"Version": "2020-12-01", "Parameters": parameters, "Steps": [step]})


def _constants(tree: ast.Module) -> dict[str, Any]:
    """The values pipeline.py writes for the display name, parameter default, variable and hyperparameter."""
    found: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute):
            if node.targets[0].attr == "display_name":
                found["display_name"] = ast.literal_eval(node.value)
            if node.targets[0].attr == "environment_variables":
                found["env"] = ast.literal_eval(node.value)["HOSTILE_VAR"]
        if isinstance(node, ast.FunctionDef) and node.args.kwonlyargs:
            defaults = dict(zip((a.arg for a in node.args.kwonlyargs), node.args.kw_defaults, strict=True))
            found["default"] = ast.literal_eval(defaults["hostile"])  # type: ignore[arg-type]
        if isinstance(node, ast.keyword) and node.arg == "hostile_hp":
            found["hyper"] = ast.literal_eval(node.value)
    return found


def _shape(tree: ast.AST) -> list[str]:
    """The code's structure with every name and value left out."""
    return [type(n).__name__ for n in ast.walk(tree)]


def _ruff_format_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "--diff", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# (a variable's value with "${{" is set in the command instead: tests/rules/test_rules.py)
@given(name=HOSTILE, default=HOSTILE, env=HOSTILE.filter(lambda text: "${{" not in text), hyper=HOSTILE)
def test_hostile_strings_round_trip_into_python_exactly(
    tmp_path_factory: pytest.TempPathFactory, name: str, default: str, env: str, hyper: str
) -> None:
    pytest.importorskip("azure.ai.ml")
    pytest.importorskip("ruff")
    project, _ = convert(load(_definition(name, default, env, hyper)))
    (node,) = project.pipeline.nodes
    out = tmp_path_factory.mktemp("hostile")
    write(emit(project, "both"), out)
    source = (out / "pipeline.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert _constants(tree) == {
        "display_name": node.display_name,
        "default": default,
        "env": env,
        "hyper": hyper,
    }
    assert node.display_name == name
    benign, _ = convert(load(_definition("Benign", "x", "x", "x")))
    assert _shape(tree) == _shape(ast.parse(next(f.text for f in emit(benign, "sdk") if f.path == "pipeline.py")))
    formatted = _ruff_format_check(out / "pipeline.py")
    assert formatted.returncode == 0, formatted.stdout
    yaml_job, sdk_job, _ = job_dicts(out)
    assert sdk_job == yaml_job


def _equal_jobs(project: aml.Project, out: Path) -> None:
    write(emit(project, "both"), out)
    yaml_job, sdk_job, _ = job_dicts(out)
    assert sdk_job == yaml_job
    assert sorted(sdk_job["jobs"]) == sorted(n.name for n in project.pipeline.nodes)


def test_automl_and_aws_only_placeholders_build_the_same_job(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    upstream = {"Get": "Steps.First.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"}
    steps: list[dict[str, Any]] = [processing("First")]
    for i, (step_type, args, extra, _, _) in enumerate(CASES):
        steps.append({"Name": f"Aws{i}", "Type": step_type, "Arguments": {**args, "upstream": upstream}, **extra})
    regression = json.loads(json.dumps(AUTOML))
    regression["Name"] = "AutoRegression"
    regression["Arguments"].update(ProblemType="Regression", AutoMLJobObjective={"MetricName": "MSE"})
    regression["Arguments"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = upstream
    steps += [AUTOML, regression]
    last = processing("Last")
    last["DependsOn"] = [s["Name"] for s in steps]
    steps.append(last)
    project, _ = convert(load(json.dumps({"Version": "2020-12-01", "Parameters": [], "Steps": steps})))
    assert {n.kind for n in project.pipeline.nodes} >= {"automl", "command"}
    _equal_jobs(project, tmp_path / "out")
    source = (tmp_path / "out" / "pipeline.py").read_text(encoding="utf-8")
    assert "automl.classification(" in source and "automl.regression(" in source
    assert "training_data=first.outputs.out" in source


def test_names_that_would_shadow_what_pipeline_py_uses_are_renamed(tmp_path: Path) -> None:
    """Pipeline inputs called automl, float, inputs, overrides and dsl; a node called like an input."""
    pytest.importorskip("azure.ai.ml")
    names = ["Automl", "Float", "Inputs", "Overrides", "Dsl", "First"]
    parameters: list[dict[str, Any]] = [{"Name": n, "Type": "String", "DefaultValue": n} for n in names]
    first = processing("First")
    first["Arguments"]["Environment"] = {n.upper(): {"Get": f"Parameters.{n}"} for n in names}
    steps = [first, json.loads(json.dumps(AUTOML))]
    definition = {"Version": "2020-12-01", "Parameters": parameters, "Steps": steps}
    project, _ = convert(load(json.dumps(definition)))
    _equal_jobs(project, tmp_path / "out")
    source = (tmp_path / "out" / "pipeline.py").read_text(encoding="utf-8")
    assert "automl as automl_function" in source and "automl_function.classification(" in source
    assert "        float: str = " in source and "float=float," in source
    assert 'first_2.name = "first"' in source  # the pipeline input `first` keeps its name


def test_an_unknown_node_kind_is_refused_not_guessed() -> None:
    job = aml.PipelineJob(name="p", display_name="p", nodes=(aml.Node(name="n", component="", kind="do_while"),))
    with pytest.raises(SdkUnsupported, match="do_while"):
        emit(aml.Project(name="p", source="x", pipeline=job), "sdk")
    node = aml.Node(name="n", component="c", kind="command", settings={"queue_settings": {"job_tier": "spot"}})
    component = aml.Component(name="c", display_name="c", description="", command="echo", environment="e")
    job = aml.PipelineJob(name="p", display_name="p", nodes=(node,))
    with pytest.raises(SdkUnsupported, match="queue_settings"):
        emit(aml.Project(name="p", source="x", pipeline=job, components=(component,)), "sdk")


def _sm2aml(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sm2aml", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )


def test_cli_target_sdk_and_both(tmp_path: Path) -> None:
    case = ROOT / "tests" / "cases" / "tuning" / "input.json"
    sdk = _sm2aml("convert", case, "-o", tmp_path / "sdk", "--target", "sdk", "-q")
    assert sdk.returncode == 0, sdk.stderr
    assert (tmp_path / "sdk" / "pipeline.py").is_file() and not (tmp_path / "sdk" / "pipeline.yml").exists()
    assert "python submit.py" in (tmp_path / "sdk" / "README.md").read_text(encoding="utf-8")
    both = _sm2aml("convert", case, "-o", tmp_path / "both", "--target", "both", "-q")
    assert both.returncode == 0, both.stderr
    assert (tmp_path / "both" / "pipeline.py").is_file() and (tmp_path / "both" / "pipeline.yml").is_file()
    checked = _sm2aml("validate", tmp_path / "sdk")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    bad = _sm2aml("convert", case, "-o", tmp_path / "x", "--target", "python")
    assert bad.returncode == 2


def test_validate_builds_an_sdk_project_and_reports_what_azure_ai_ml_rejects(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    project, _ = convert(load(ROOT / "tests" / "cases" / "tuning" / "input.json"))
    write(emit(project, "sdk"), tmp_path / "out")
    assert [d.one_line() for d in validate(tmp_path / "out", azure=True)] == []
    pipeline = tmp_path / "out" / "pipeline.py"
    pipeline.write_text(pipeline.read_text(encoding="utf-8").replace('goal="maximize"', 'goal="upwards"'))
    found = validate(tmp_path / "out", azure=True)
    assert [d.code for d in found] == ["SM2AML505"]
    assert "upwards" in found.items[0].message and found.items[0].where == "pipeline.py"


def test_submit_py_explains_what_is_missing_and_takes_the_workspace_from_the_environment(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    pytest.importorskip("azure.identity")
    project, _ = convert(load(ROOT / "tests" / "cases" / "tuning" / "input.json"))
    out = tmp_path / "out"
    write(emit(project, "sdk"), out)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "AZUREML_"))}

    def submit(*args: str, env: dict[str, str] = clean) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, *args]
        return subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, check=False, timeout=300)

    unconfigured = submit("submit.py")
    assert unconfigured.returncode == 2
    assert "no workspace" in unconfigured.stderr and "AZUREML_WORKSPACE_NAME" in unconfigured.stderr
    unknown = submit("submit.py", "no_such_input=1")
    assert unknown.returncode == 2 and "no_such_input" in unknown.stderr
    named = {"AZURE_SUBSCRIPTION_ID": "sub", "AZURE_RESOURCE_GROUP": "group", "AZUREML_WORKSPACE_NAME": "ws"}
    script = (
        "import json, submit; c = submit.workspace_client(); "
        "print(json.dumps([c.subscription_id, c.resource_group_name, c.workspace_name, "
        "submit.overrides(['a=1', 'b=text', 'c=\"q\"', 'd=true'])]))"
    )
    built = submit("-c", script, env={**clean, **named})  # builds the client; sends nothing
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout.splitlines()[-1]) == [
        "sub",
        "group",
        "ws",
        {"a": 1, "b": "text", "c": "q", "d": True},
    ]
