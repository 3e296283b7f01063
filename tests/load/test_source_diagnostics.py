"""What the source front end cannot resolve statically becomes a located finding, never a guess or a crash."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sm2aml.diagnostics import LoadError
from sm2aml.load import images, load
from sm2aml.load.source import load_source

ARGS = {"role": "arn:aws:iam::111122223333:role/Runner", "bucket": "bkt", "region": "us-east-1"}
ROOT = Path(__file__).resolve().parents[2]
NYC = ROOT / "examples" / "sagemaker_nyc_taxi" / "pipeline.py"

HEAD = """\
import os
import sagemaker
from sagemaker.processing import Processor, ProcessingInput, ScriptProcessor
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep
"""  # 7 lines: snippet line N is file line N + 7


def write(folder: Path, body: str) -> Path:
    path = folder / "pipeline.py"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


FINDINGS = [
    pytest.param(
        """
        def build(session, role, bucket):
            role = sagemaker.get_execution_role()
            proc = Processor(image_uri="i", role=role, instance_type="ml.m5.large", instance_count=1,
                             sagemaker_session=session)
            return Pipeline(name="p", steps=[ProcessingStep(name="S", step_args=proc.run())])
        """,
        "SM2AML122",
        "10:12",
        "step 'S': Arguments/RoleArn is left out: the execution role is looked up in AWS",
        id="network-call",
    ),
    pytest.param(
        """
        import boto3
        def build(session, role, bucket):
            secret = boto3.client("ssm").get_parameter(Name="x")["Parameter"]["Value"]
            return Pipeline(name="p", steps=[FailStep(name="F", error_message=secret)])
        """,
        "SM2AML122",
        "11:14",
        "step 'F': Arguments/ErrorMessage is left out: boto3.client() talks to AWS",
        id="boto3-client",
    ),
    pytest.param(
        """
        from config import settings
        def build(session, role, bucket):
            return Pipeline(name="p", steps=[FailStep(name="F", error_message=settings.message)])
        """,
        "SM2AML122",
        "9:1",
        "the module config is neither next to the pipeline file nor a library",
        id="unreadable-module",
    ),
    pytest.param(
        """
        import random
        def build(session, role, bucket):
            steps = []
            if random.random() > 0.5:
                steps.append(FailStep(name="F", error_message="x"))
            return Pipeline(name="p", steps=steps)
        """,
        "SM2AML123",
        "12:5",
        "this if statement is decided when the code runs",
        id="runtime-if",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            steps = []
            for name in os.listdir("/data"):
                steps.append(FailStep(name=name, error_message="x"))
            return Pipeline(name="p", steps=steps)
        """,
        "SM2AML123",
        "11:5",
        "this for loop runs over values known only when the code runs",
        id="runtime-loop",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            n = 0
            while n < 3:
                n += 1
            return Pipeline(name="p", steps=[FailStep(name="F", error_message="x")])
        """,
        "SM2AML123",
        "11:5",
        "a while loop is not run statically",
        id="while-loop",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            where = ParameterString(name="Where", default_value="s3://b/p")
            return Pipeline(name="p", parameters=[where], steps=[FailStep(name="F", error_message=f"bad {where}")])
        """,
        "SM2AML125",
        "11:98",
        "the SDK raises TypeError here",
        id="parameter-in-fstring",
    ),
    pytest.param(
        """
        from sagemaker.workflow.function_step import step

        @step(name="Train", instance_type="ml.m5.large")
        def train():
            return 1

        def build(session, role, bucket):
            from sagemaker.workflow.conditions import ConditionEquals
            from sagemaker.workflow.condition_step import ConditionStep
            check = ConditionStep(name="C", conditions=[ConditionEquals(left=train(), right=1)])
            return Pipeline(name="p", steps=[check])
        """,
        "SM2AML122",
        "11:2",
        "@step without image_uri= runs the image of the interpreter defining the pipeline",
        id="function-step-settings-at-the-decorator",
    ),
    pytest.param(
        """
        from sagemaker.workflow.automl_step import AutoMLStep
        def build(session, role, bucket):
            check = AutoMLStep(name="Q", step_args=None)
            return Pipeline(name="p", steps=[check, FailStep(name="F")])
        """,
        "SM2AML124",
        "11:13",
        "AutoMLStep is not modelled by the source front end",
        id="unmodelled-step",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            table = {}
            table[[1]] = 2
            return Pipeline(name="p", steps=[FailStep(name="F")])
        """,
        "SM2AML122",
        "11:5",
        "this statement cannot be evaluated statically (TypeError",
        id="python-error-in-a-statement",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            proc = ScriptProcessor(image_uri="i", command=["python3"], role=role, instance_type="ml.m5.large",
                                   instance_count=1, sagemaker_session=session)
            return Pipeline(name="p", steps=[ProcessingStep(name="S", step_args=proc.run(code="missing.py"))])
        """,
        "SM2AML127",
        "10:12",
        "the code file missing.py does not exist",
        id="missing-code",
    ),
]


@pytest.mark.parametrize(("body", "code", "where", "text"), FINDINGS)
def test_unresolvable_constructs_are_located(tmp_path: Path, body: str, code: str, where: str, text: str) -> None:
    pipeline = load(write(tmp_path, body), args=ARGS)
    found = [(d.code, d.where) for d in pipeline.diagnostics if text in d.message]
    assert (code, where) in found, [d.one_line() for d in pipeline.diagnostics]


def test_assumed_environment_is_reported_once(tmp_path: Path) -> None:
    body = """
        from sagemaker.processing import ProcessingOutput
        from sagemaker.sklearn.processing import SKLearnProcessor
        def build(session, role, bucket):
            proc = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.large",
                                    instance_count=1, sagemaker_session=session)
            out = [ProcessingOutput(source="/opt/ml/processing/o")]
            steps = [ProcessingStep(name=n, step_args=proc.run(code="s3://b/c.py", outputs=out)) for n in "AB"]
            return Pipeline(name="p", steps=steps)
        """
    pipeline = load(write(tmp_path, body), args={"role": "arn:aws:iam::1:role/r"})
    assumed = [d for d in pipeline.diagnostics if d.code == "SM2AML126"]
    assert {d.message.split(":")[0] for d in assumed} == {
        "the AWS region is not fixed by the source",
        "the session's default bucket is looked up in AWS",
    }
    assert len(assumed) == 2
    assert [s.name for s in pipeline.steps] == ["A", "B"]


def test_placeholder_account_without_the_sdk_image_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "_config", lambda framework: None)
    body = """
        from sagemaker.sklearn.processing import SKLearnProcessor
        def build(session, role, bucket):
            proc = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.large",
                                    instance_count=1, sagemaker_session=session)
            return Pipeline(name="p", steps=[ProcessingStep(name="S", step_args=proc.run(code="s3://b/c.py"))])
        """
    pipeline = load(write(tmp_path, body), args=ARGS)
    image = pipeline.steps[0].arguments["AppSpecification"]["ImageUri"]  # type: ignore[index]
    assert image == "000000000000.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    assert [d.code for d in pipeline.diagnostics] == ["SM2AML130"]


LOAD_ERRORS = [
    pytest.param("def build(:\n    pass\n", {}, "SM2AML120", "1:11", id="syntax"),
    pytest.param("x = 1\n", {}, "SM2AML121", "", id="no-pipeline"),
    pytest.param(
        "def get_pipeline(region='us-east-1'):\n    return None\n", {}, "SM2AML121", "1:1", id="factory-returns-none"
    ),
    pytest.param(
        "def get_pipeline(region='us-east-1'):\n    return None\n", {"nope": "1"}, "SM2AML128", "1:1", id="unknown-arg"
    ),
    pytest.param("def get_pipeline(count=3):\n    return None\n", {"count": "many"}, "SM2AML128", "1:1", id="arg-type"),
    pytest.param(
        "from sagemaker.workflow.pipeline import Pipeline\nPipeline(name='p')\n",
        {"stage": "prod"},
        "SM2AML128",
        "",
        id="unused-pin",
    ),
    pytest.param("def get_pipeline():\n    return get_pipeline()\n", {}, "SM2AML121", "1:1", id="endless-recursion"),
]


@pytest.mark.parametrize(("text", "args", "code", "where"), LOAD_ERRORS)
def test_malformed_sources_raise_located_load_errors(
    tmp_path: Path, text: str, args: dict[str, str], code: str, where: str
) -> None:
    path = tmp_path / "pipeline.py"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(path, args=args)
    assert (caught.value.diagnostic.code, caught.value.diagnostic.where) == (code, where)
    assert caught.value.one_line().startswith(f"{path}")


def test_graph_errors_of_the_code_are_load_errors(tmp_path: Path) -> None:
    body = """
        def build(session, role, bucket):
            return Pipeline(name="p", steps=[FailStep(name="F"), FailStep(name="F")])
        """
    with pytest.raises(LoadError) as caught:
        load(write(tmp_path, body), args=ARGS)
    assert caught.value.diagnostic.code == "SM2AML103"


LINES = NYC.read_text(encoding="utf-8").splitlines()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=len(LINES) - 1), max_size=40, unique=True))
def test_never_crashes_on_damaged_pipeline_code(dropped: list[int]) -> None:
    """Any lines of the NYC example left out: a pipeline or a LoadError, never another exception."""
    text = "\n".join(line for i, line in enumerate(LINES) if i not in set(dropped)) + "\n"
    try:
        load_source(text, path=NYC, args={"role": "arn:aws:iam::1:role/r", "default_bucket": "b"})
    except LoadError:
        pass
