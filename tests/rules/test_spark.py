"""Spark processing steps become serverless Spark jobs; the entry launcher runs the application as __main__."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sm2aml import aml, load, runtime
from sm2aml.rules import convert, spark_submit

IMAGE = "173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.3-cpu"


def _spark_step(entry: list[Any], arguments: list[Any], **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.r5.xlarge", "InstanceCount": 3}},
        "AppSpecification": {"ImageUri": IMAGE, "ContainerEntrypoint": entry, "ContainerArguments": arguments},
        "ProcessingInputs": [
            {"InputName": "raw", "S3Input": {"S3Uri": "s3://b/raw/", "LocalPath": "/opt/ml/processing/input/raw"}},
            {
                "InputName": "code",
                "S3Input": {"S3Uri": "s3://b/code/job.py", "LocalPath": "/opt/ml/processing/input/code"},
            },
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {"OutputName": "out", "S3Output": {"S3Uri": "s3://b/out", "LocalPath": "/opt/ml/processing/output"}}
            ]
        },
        **extra,
    }
    return {"Name": "Spark", "Type": "Processing", "Arguments": args}


def _run(steps: list[dict[str, Any]]) -> tuple[aml.Project, Any]:
    return convert(load(json.dumps({"Version": "2020-12-01", "Steps": steps})))


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        pytest.param(
            ["--py-files", "a.py,b.zip", "--jars", "x.jar", "app.py", "--n", "1"],
            ("app.py", {"py_files": ["a.py", "b.zip"], "jars": ["x.jar"]}, {}, ["--n", "1"], None),
            id="pyspark",
        ),
        pytest.param(
            ["--class", "com.example.Main", "--conf", "spark.a=1", "--executor-memory=4g", "app.jar", "x"],
            ("app.jar", {}, {"spark.a": "1", "spark.executor.memory": "4g"}, ["x"], "com.example.Main"),
            id="jar",
        ),
        pytest.param(
            ["--verbose", "--deploy-mode", "cluster", "app.py", "--py-files", "not-an-option-here"],
            ("app.py", {}, {}, ["--py-files", "not-an-option-here"], None),
            id="options-after-the-app-are-its-arguments",
        ),
    ],
)
def test_spark_submit_command_lines_are_taken_apart(words: list[str], expected: tuple[Any, ...]) -> None:
    submit = spark_submit.parse(list(words))
    assert (submit.app, submit.deps, submit.conf, submit.args, submit.main_class) == expected


@pytest.mark.parametrize(
    ("instance_type", "count", "serverless", "cores", "memory"),
    [
        pytest.param("ml.m5.xlarge", 2, "standard_e4s_v3", 4, "16g", id="m5-xlarge"),
        pytest.param("ml.r5.xlarge", 1, "standard_e4s_v3", 4, "28g", id="memory-capped-to-the-node"),
        pytest.param("ml.m5.4xlarge", 5, "standard_e16s_v3", 16, "64g", id="m5-4xlarge"),
        pytest.param("ml.m5.24xlarge", 1, "standard_e64s_v3", 64, "384g", id="largest"),
    ],
)
def test_spark_sizes_follow_the_sagemaker_instances(
    instance_type: str, count: int, serverless: str, cores: int, memory: str
) -> None:
    step = _spark_step(["smspark-submit", "/opt/ml/processing/input/code/job.py"], [])
    step["Arguments"]["ProcessingResources"]["ClusterConfig"] = {"InstanceType": instance_type, "InstanceCount": count}
    project, _ = _run([step])
    (node,) = project.pipeline.nodes
    conf = project.components[0].settings["conf"]
    assert node.settings["resources"]["instance_type"] == serverless
    assert conf == {
        "spark.driver.cores": cores,
        "spark.driver.memory": memory,
        "spark.executor.cores": cores,
        "spark.executor.memory": memory,
        "spark.executor.instances": count,
    }


def test_container_paths_in_arguments_become_bindings_and_unused_ones_are_reported() -> None:
    step = _spark_step(
        ["smspark-submit", "/opt/ml/processing/input/code/job.py"],
        ["--in=/opt/ml/processing/input/raw/part-0.csv", "--out", "/opt/ml/processing/output", "--n", "a b"],
    )
    project, diags = _run([step])
    (component,) = project.components
    assert component.settings["args"] == ("job.py --in=${{inputs.raw}}/part-0.csv --out ${{outputs.out}} --n 'a b'")
    assert component.inputs["raw"].mode == component.outputs["out"].mode == "direct"
    assert project.pipeline.nodes[0].inputs["raw"] == aml.DataPath(
        type="uri_folder", path="azureml://datastores/b/paths/raw/", mode="direct"
    )
    assert "SM2AML253" not in diags.codes()
    quiet = _spark_step(["smspark-submit", "/opt/ml/processing/input/code/job.py"], [])
    _, diags = _run([quiet])
    assert {d.message.split(" mounts ")[1].split(" ")[0] for d in diags if d.code == "SM2AML253"} == {
        "/opt/ml/processing/input/raw",
        "/opt/ml/processing/output",
    }


def test_environment_becomes_spark_conf_and_secrets_stay_out() -> None:
    step = _spark_step(
        ["smspark-submit", "/opt/ml/processing/input/code/job.py"],
        [],
        Environment={"MODE": "full", "API_TOKEN": "abc"},
    )
    project, diags = _run([step])
    conf = project.components[0].settings["conf"]
    assert conf["spark.executorEnv.MODE"] == conf["spark.yarn.appMasterEnv.MODE"] == "full"
    assert not any("API_TOKEN" in key for key in conf)
    assert "SM2AML210" in diags.codes()
    assert project.pipeline.nodes[0].environment_variables == {}


def test_a_spark_step_in_a_condition_branch_is_reported_as_ungated() -> None:
    inner = _spark_step(["smspark-submit", "/opt/ml/processing/input/code/job.py"], [])
    condition = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {"Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 1}], "IfSteps": [inner]},
    }
    _, diags = _run([condition])
    assert any(d.code == "SM2AML408" and "spark job" in d.message for d in diags)


def _launch(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    launcher = folder / runtime.LAUNCHERS["spark"]
    launcher.write_text(runtime.source("spark"), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(launcher), *args], capture_output=True, text=True, cwd=folder, check=False
    )


def test_spark_launcher_runs_the_application_as_main_with_its_arguments(tmp_path: Path) -> None:
    (tmp_path / "helper.py").write_text("VALUE = 7\n", encoding="utf-8")
    (tmp_path / "app.py").write_text(
        "import sys\nfrom helper import VALUE\nif __name__ == '__main__':\n    print(VALUE, sys.argv[1:])\n",
        encoding="utf-8",
    )
    done = _launch(tmp_path, "app.py", "--in", "abfss://x")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "7 ['--in', 'abfss://x']"


def test_spark_launcher_missing_application_is_a_clear_error(tmp_path: Path) -> None:
    done = _launch(tmp_path, "missing.py")
    assert done.returncode == 2
    assert "missing.py is not in the component's code" in done.stderr


def test_spark_event_logs_are_left_to_azure_ml() -> None:
    step = _spark_step(
        ["smspark-submit", "--local-spark-event-logs-dir", "/opt/ml/processing/spark-events/", "x/job.py"], []
    )
    step["Arguments"]["ProcessingOutputConfig"]["Outputs"].append(
        {
            "OutputName": "output-2",
            "S3Output": {"S3Uri": "s3://b/events", "LocalPath": "/opt/ml/processing/spark-events/"},
        }
    )
    project, diags = _run([step])
    assert set(project.components[0].outputs) == {"out"}
    assert any(d.code == "SM2AML209" and "event logs" in d.message for d in diags)
    assert not any(d.code == "SM2AML253" and "spark-events" in d.message for d in diags)
