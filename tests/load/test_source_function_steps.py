"""@step functions and NotebookJobStep read statically (sm2aml.load.sdk_function / sdk_notebook_job): the edge
cases the agreement case (tests/cases/function_notebook) does not cover."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.load.test_source import load_module

from sm2aml import ir
from sm2aml.load.sdk_function import CLIENT_PYTHON_VERSION, CLIENT_SDK_VERSION

HEADER = """
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionEquals
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.function_step import step
from sagemaker.workflow.parameters import ParameterInteger
from sagemaker.workflow.pipeline import Pipeline

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
SETTINGS = dict(instance_type="ml.m5.large", image_uri=IMAGE, role="arn:aws:iam::1:role/r", dependencies="req.txt")
"""
FILES = {"req.txt": "pandas\n"}
EXECUTION_ID = ir.ExecVar(name="PipelineExecutionId")


def load(tmp_path: Path, body: str) -> ir.Pipeline:
    return load_module(tmp_path, HEADER + body, files=FILES)


def container(pipeline: ir.Pipeline, name: str) -> list[Any]:
    found = ir.get(pipeline.step(name).arguments, "AlgorithmSpecification", "ContainerArguments")
    assert isinstance(found, list)
    return found


def messages(pipeline: ir.Pipeline) -> list[str]:
    return [d.one_line() for d in pipeline.diagnostics]


def test_positional_and_keyword_arguments_give_property_references_in_call_order(tmp_path: Path) -> None:
    pipeline = load(
        tmp_path,
        """
@step(name="A", **SETTINGS)
def a():
    return 1

@step(name="B", **SETTINGS)
def b(x, y, *, z=0):
    return x + y

def build(session, role, bucket):
    count = ParameterInteger(name="Count", default_value=2)
    out = b(a(), y=count, z=3)
    return Pipeline(name="p", parameters=[count], steps=[out], sagemaker_session=session)
""",
    )
    assert messages(pipeline) == []
    args = container(pipeline, "B")
    refs = args[args.index("--property_references") + 1 :]
    assert refs == [
        "Execution.PipelineExecutionId",
        EXECUTION_ID,
        "Steps.A.OutputDataConfig.S3OutputPath",
        ir.Join(on="", values=(ir.StepProp(step="A", path=("OutputDataConfig", "S3OutputPath")),)),
        "Parameters.Count",
        ir.Join(on="", values=(ir.ParamRef(name="Count"),)),
    ]  # B's result is read by no step: no --serialize_output_to_json
    assert container(pipeline, "A")[-2:] == ["--serialize_output_to_json", "true"]
    assert pipeline.step("B").depends_on == ("A",)
    assert [s.name for s in pipeline.steps] == ["B", "A"]
    python = args[args.index("--client_python_version") + 1]
    sdk = args[args.index("--client_sagemaker_pysdk_version") + 1]
    assert (python, sdk) == (CLIENT_PYTHON_VERSION, CLIENT_SDK_VERSION)


def test_indexing_a_delayed_return_gives_the_json_path(tmp_path: Path) -> None:
    pipeline = load(
        tmp_path,
        """
@step(name="Score", **SETTINGS)
def score():
    return [{"auc": 0.9}]

def build(session, role, bucket):
    metrics = score()
    check = ConditionStep(name="C", conditions=[ConditionEquals(left=metrics[0]["auc"], right=1)],
                          if_steps=[FailStep(name="F", error_message="x")])
    return Pipeline(name="p", steps=[check], sagemaker_session=session)
""",
    )
    assert messages(pipeline) == []
    uri = ir.Join(on="/", values=(ir.StepProp(step="Score", path=("OutputDataConfig", "S3OutputPath")), "results.json"))
    assert pipeline.step("C").conditions[0] == ir.Compare(
        op="Equals", left=ir.JsonGet(source=uri, path="Result[0]['auc']"), right=1
    )
    assert pipeline.step("C").depends_on == ("Score",)
    assert container(pipeline, "Score")[-2:] == ["--serialize_output_to_json", "true"]


def test_a_sequence_result_indexed_by_a_key_and_an_unknown_method_are_located(tmp_path: Path) -> None:
    pipeline = load(
        tmp_path,
        """
@step(name="Split", **SETTINGS)
def split() -> tuple[int, int]:
    return 1, 2

def build(session, role, bucket):
    parts = split()
    checks = [
        ConditionEquals(left=parts["train"], right=1),
        ConditionEquals(left=parts.with_name("x"), right=1),
        ConditionEquals(left=parts[1], right=2),
    ]
    check = ConditionStep(name="C", conditions=checks, if_steps=[FailStep(name="F", error_message="x")])
    return Pipeline(name="p", steps=[check], sagemaker_session=session)
""",
    )
    found = {(d.code, d.where) for d in pipeline.diagnostics}
    assert ("SM2AML122", "19:30") in found, messages(pipeline)  # parts["train"]: the SDK wants an int
    assert ("SM2AML122", "20:30") in found, messages(pipeline)  # parts.with_name: no such attribute
    assert any("the SDK wants an int" in m for m in messages(pipeline))
    assert len(pipeline.step("C").conditions) == 1
    assert pipeline.step("C").conditions[0].left.path == "Result[1]"  # type: ignore[union-attr]


def test_unresolvable_arguments_and_settings_are_located_not_raised(tmp_path: Path) -> None:
    pipeline = load(
        tmp_path,
        """
@step(name="Train", instance_type="ml.m5.large", role="arn:aws:iam::1:role/r", dependencies="missing.txt")
def train(x):
    return x

@step(**SETTINGS)
def unnamed():
    return 1

def build(session, role, bucket):
    first = train(not_defined_anywhere)
    return Pipeline(name="p", steps=[first, unnamed()], sagemaker_session=session)
""",
    )
    text = messages(pipeline)
    assert pipeline.step("Train").type == "Training"
    assert any(m.startswith("21:19: ") and "not_defined_anywhere" in m for m in text), text
    assert any(m.startswith("12:2: ") and "image_uri=" in m for m in text), text
    assert any(m.startswith("12:2: ") and "missing.txt" in m for m in text), text
    assert any(m.startswith("17:1: ") and "no name=" in m for m in text), text
    assert [s.name for s in pipeline.steps] == ["Train"]


def test_a_call_that_does_not_fit_and_a_refused_argument(tmp_path: Path) -> None:
    pipeline = load(
        tmp_path,
        """
from sagemaker.workflow.functions import Join

@step(name="T", **SETTINGS)
def t(x):
    return x

def build(session, role, bucket):
    return Pipeline(name="p", steps=[t(1, 2), t(Join(on="/", values=["a", "b"]))], sagemaker_session=session)
""",
    )
    text = messages(pipeline)
    assert any("does not fit its parameters" in m and m.startswith("19:38: ") for m in text), text
    assert any("the SDK refuses it" in m and m.startswith("19:47: ") for m in text), text
    assert pipeline.steps == ()


def test_plain_decorator_and_decorator_call_forms(tmp_path: Path) -> None:
    pipeline = load(
        tmp_path,
        """
def work(n):
    '''Works.'''
    return n

def build(session, role, bucket):
    decorated = step(work, name="Work", **SETTINGS)
    deco = step(name="Again", display_name="again", **SETTINGS)
    return Pipeline(name="p", steps=[decorated(1), deco(work)(2)], sagemaker_session=session)
""",
    )
    assert messages(pipeline) == []
    assert pipeline.step("Work").description == "Works."
    assert pipeline.step("Work").display_name == "pipeline.work"
    assert pipeline.step("Again").display_name == "again"
    assert "--serialize_output_to_json" not in container(pipeline, "Work")


def test_notebook_job_step_properties_and_derived_name(tmp_path: Path) -> None:
    pipeline = load_module(
        tmp_path,
        HEADER
        + """
from sagemaker.workflow.notebook_job_step import NotebookJobStep

def build(session, role, bucket):
    report = NotebookJobStep(name="Report", input_notebook="nb.ipynb", image_uri=IMAGE, kernel_name="python3",
                             role=role)
    derived = NotebookJobStep(input_notebook="nb.ipynb", image_uri=IMAGE, kernel_name="python3", role=role)
    fail = FailStep(name="F", error_message=report.properties.OutputNotebookName)
    return Pipeline(name="p", steps=[report, derived, fail], sagemaker_session=session)
""",
        files={"nb.ipynb": "{}"},
    )
    assert messages(pipeline) == []
    assert pipeline.step("F").arguments["ErrorMessage"] == ir.StepProp(
        step="Report", path=("Environment", "SM_OUTPUT_NOTEBOOK_NAME")
    )
    derived = pipeline.steps[1]
    assert derived.name == derived.arguments["TrainingJobName"]
    assert derived.name.startswith("nb-ipynb-")
    assert any(uri.endswith("/nb.ipynb") for uri in pipeline.local_code)
