"""The definition loader: every field, every expression form, every error code with its location."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from sm2aml import ir
from sm2aml.diagnostics import LoadError, Severity
from sm2aml.load import load
from sm2aml.load.definition import load_definition

SHARED_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sagemaker_definitions"
FIXTURE_FILES = sorted(SHARED_FIXTURES.glob("*.json")) if SHARED_FIXTURES.is_dir() else []

KNOWN_TYPES = (
    "Processing",
    "Training",
    "Tuning",
    "Transform",
    "Model",
    "RegisterModel",
    "Condition",
    "Fail",
    "Lambda",
    "Callback",
    "EMR",
    "EMRServerless",
    "QualityCheck",
    "ClarifyCheck",
    "AutoML",
    "EndpointConfig",
    "Endpoint",
    "InferenceComponent",
    "Lineage",
    "Job",
    "Cleanup",
    "ForEach",
)


# --- helpers ---------------------------------------------------------------------------------


def step(name: str, type_: str = "Processing", args: dict[str, Any] | None = None, **fields: Any) -> dict:
    return {"Name": name, "Type": type_, "Arguments": {} if args is None else args, **fields}


def condition_step(name: str, conditions: list, if_steps: list = (), else_steps: list = ()) -> dict:
    args = {"Conditions": conditions, "IfSteps": list(if_steps), "ElseSteps": list(else_steps)}
    return step(name, "Condition", args)


def document(steps: list, parameters: list = (), **extra: Any) -> dict:
    return {
        "Version": "2020-12-01",
        "Metadata": {},
        "Parameters": list(parameters),
        "PipelineExperimentConfig": {
            "ExperimentName": {"Get": "Execution.PipelineName"},
            "TrialName": {"Get": "Execution.PipelineExecutionId"},
        },
        "Steps": steps,
        **extra,
    }


def load_doc(doc: Any, source: str = "test.json") -> ir.Pipeline:
    return load_definition(json.dumps(doc), source=source)


def load_error(text: str, source: str = "test.json") -> LoadError:
    with pytest.raises(LoadError) as info:
        load_definition(text, source=source)
    return info.value


# A pipeline every expression below can refer to: parameter P, a step Prep with property file Eval.
PARAMS = [
    {"Name": "P", "Type": "String", "DefaultValue": "s3://bucket/data"},
    {"Name": "Threshold", "Type": "Float", "DefaultValue": 0.5},
]
PREP = step(
    "Prep",
    "Processing",
    {},
    PropertyFiles=[{"PropertyFileName": "Eval", "OutputName": "evaluation", "FilePath": "evaluation.json"}],
)
TRAIN = step("Abalone-Train", "Training", {})


def load_value(raw: Any) -> Any:
    """Load `raw` as the one argument of a step that follows Prep and Abalone-Train."""
    doc = document([PREP, TRAIN, step("Use", "Fail", {"Value": raw})], PARAMS)
    return load_doc(doc).step("Use").arguments["Value"]


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            {"Name": "S", "Type": "String", "DefaultValue": "s3://b/k"},
            ir.Parameter(name="S", type="String", default="s3://b/k"),
            id="string",
        ),
        pytest.param(
            {
                "Name": "Approval",
                "Type": "String",
                "DefaultValue": "Pending",
                "EnumValues": ["Approved", "Pending", "Rejected"],
            },
            ir.Parameter(
                name="Approval", type="String", default="Pending", enum_values=("Approved", "Pending", "Rejected")
            ),
            id="string-enum",
        ),
        pytest.param(
            {"Name": "Count", "Type": "Integer", "DefaultValue": 5},
            ir.Parameter(name="Count", type="Integer", default=5),
            id="integer",
        ),
        pytest.param(
            {"Name": "Count", "Type": "Integer", "DefaultValue": 1, "EnumValues": [1, 2, 4]},
            ir.Parameter(name="Count", type="Integer", default=1, enum_values=(1, 2, 4)),
            id="integer-enum",
        ),
        pytest.param(
            {"Name": "Mse", "Type": "Float", "DefaultValue": 6.5},
            ir.Parameter(name="Mse", type="Float", default=6.5),
            id="float",
        ),
        pytest.param(
            {"Name": "Mse", "Type": "Float", "DefaultValue": 6},
            ir.Parameter(name="Mse", type="Float", default=6),
            id="float-given-as-int",
        ),
        pytest.param(
            {"Name": "Flag", "Type": "Boolean", "DefaultValue": True},
            ir.Parameter(name="Flag", type="Boolean", default=True),
            id="boolean",
        ),
        pytest.param(
            {"Name": "Flag", "Type": "Boolean", "DefaultValue": False},
            ir.Parameter(name="Flag", type="Boolean", default=False),
            id="boolean-false",
        ),
        pytest.param(
            {"Name": "NoDefault", "Type": "String"}, ir.Parameter(name="NoDefault", type="String"), id="no-default"
        ),
        pytest.param(
            {"Name": "Null", "Type": "Integer", "DefaultValue": None},
            ir.Parameter(name="Null", type="Integer"),
            id="null-default",
        ),
        pytest.param(
            {"Name": "my-param_1", "Type": "String", "DefaultValue": ""},
            ir.Parameter(name="my-param_1", type="String", default=""),
            id="name-with-dash",
        ),
    ],
)
def test_parameter_is_loaded(raw: dict, expected: ir.Parameter) -> None:
    pipeline = load_doc(document([], [{"Name": "First", "Type": "String"}, raw]))
    assert pipeline.parameters[1] == ir.Parameter(
        name=expected.name,
        type=expected.type,
        default=expected.default,
        enum_values=expected.enum_values,
        where="/Parameters/1",
    )
    assert pipeline.parameter(expected.name) is pipeline.parameters[1]


def test_parameters_keep_their_order_and_missing_parameters_list_is_empty() -> None:
    pipeline = load_doc(document([], [{"Name": n, "Type": "Integer"} for n in "CBA"]))
    assert [p.name for p in pipeline.parameters] == ["C", "B", "A"]
    doc = document([])
    del doc["Parameters"]
    assert load_doc(doc).parameters == ()
    assert load_doc({**doc, "Parameters": None}).parameters == ()


# --- expressions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param({"Get": "Parameters.P"}, ir.ParamRef(name="P"), id="parameter"),
        *[
            pytest.param({"Get": f"Execution.{var}"}, ir.ExecVar(name=var), id=f"execution-{var}")
            for var in ir.EXECUTION_VARIABLES
        ],
        pytest.param(
            {"Get": "PipelineExperimentConfig.ExperimentName"},
            ir.ExperimentRef(name="ExperimentName"),
            id="experiment-name",
        ),
        pytest.param(
            {"Get": "PipelineExperimentConfig.TrialName"}, ir.ExperimentRef(name="TrialName"), id="trial-name"
        ),
        pytest.param(
            {"Get": "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"},
            ir.StepProp(step="Prep", path=("ProcessingOutputConfig", "Outputs", "train", "S3Output", "S3Uri")),
            id="single-quoted-key",
        ),
        pytest.param(
            {"Get": 'Steps.Prep.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri'},
            ir.StepProp(step="Prep", path=("ProcessingOutputConfig", "Outputs", "train", "S3Output", "S3Uri")),
            id="double-quoted-key",
        ),
        pytest.param(
            {"Get": "Steps.Prep.TrainingJobSummaries[0].TrainingJobName"},
            ir.StepProp(step="Prep", path=("TrainingJobSummaries", 0, "TrainingJobName")),
            id="integer-index",
        ),
        pytest.param(
            {"Get": "Steps.Prep.A[12][3]['k'].B"},
            ir.StepProp(step="Prep", path=("A", 12, 3, "k", "B")),
            id="chained-indexes",
        ),
        pytest.param(
            {"Get": "Steps.Abalone-Train.ModelArtifacts.S3ModelArtifacts"},
            ir.StepProp(step="Abalone-Train", path=("ModelArtifacts", "S3ModelArtifacts")),
            id="step-name-with-dash",
        ),
        pytest.param(
            {"Get": "Steps.Prep.Environment['MY.VAR with-space']"},
            ir.StepProp(step="Prep", path=("Environment", "MY.VAR with-space")),
            id="quoted-key-with-dots-and-spaces",
        ),
        pytest.param({"Get": "Steps.Prep.Outcome"}, ir.StepProp(step="Prep", path=("Outcome",)), id="one-part"),
        pytest.param(
            {"Get": "Steps.Prep.OutputParameters['name']"},
            ir.StepProp(step="Prep", path=("OutputParameters", "name")),
            id="output-parameter",
        ),
        pytest.param(
            {"Get": "Steps.Prep.PropertyFiles.Eval"}, ir.PropertyFileRef(step="Prep", name="Eval"), id="property-file"
        ),
        pytest.param(
            {"Get": "Steps.Prep.PropertyFiles['Eval']"},
            ir.PropertyFileRef(step="Prep", name="Eval"),
            id="property-file-quoted",
        ),
        pytest.param(
            {
                "Std:Join": {
                    "On": "/",
                    "Values": ["s3:/", {"Get": "Parameters.P"}, {"Get": "Execution.PipelineExecutionId"}, 3],
                }
            },
            ir.Join(on="/", values=("s3:/", ir.ParamRef(name="P"), ir.ExecVar(name="PipelineExecutionId"), 3)),
            id="join",
        ),
        pytest.param(
            {
                "Std:Join": {
                    "On": "",
                    "Values": [{"Std:Join": {"On": "-", "Values": ["a", {"Get": "Steps.Prep.ModelName"}]}}, "z"],
                }
            },
            ir.Join(on="", values=(ir.Join(on="-", values=("a", ir.StepProp(step="Prep", path=("ModelName",)))), "z")),
            id="join-nested",
        ),
        pytest.param({"Std:Join": {"Values": []}}, ir.Join(on="", values=()), id="join-without-on"),
        pytest.param(
            {
                "Std:JsonGet": {
                    "PropertyFile": {"Get": "Steps.Prep.PropertyFiles.Eval"},
                    "Path": "regression_metrics.mse.value",
                }
            },
            ir.JsonGet(source=ir.PropertyFileRef(step="Prep", name="Eval"), path="regression_metrics.mse.value"),
            id="json-get-property-file",
        ),
        pytest.param(
            {
                "Std:JsonGet": {
                    "S3Uri": {
                        "Std:Join": {
                            "On": "/",
                            "Values": ["s3://bucket", {"Get": "Execution.PipelineExecutionId"}, "Prep", "results.json"],
                        }
                    },
                    "Path": "Result[0]",
                }
            },
            ir.JsonGet(
                source=ir.Join(
                    on="/", values=("s3://bucket", ir.ExecVar(name="PipelineExecutionId"), "Prep", "results.json")
                ),
                path="Result[0]",
            ),
            id="json-get-s3-uri",
        ),
        pytest.param("plain", "plain", id="string"),
        pytest.param(7, 7, id="int"),
        pytest.param(0.25, 0.25, id="float"),
        pytest.param(True, True, id="bool"),
        pytest.param(None, None, id="null"),
        pytest.param(
            ["a", {"Get": "Parameters.P"}, [1, {"Get": "Execution.StartDateTime"}]],
            ["a", ir.ParamRef(name="P"), [1, ir.ExecVar(name="StartDateTime")]],
            id="list",
        ),
        pytest.param(
            {"Outer": {"Inner": {"Get": "Parameters.Threshold"}}, "n": 1},
            {"Outer": {"Inner": ir.ParamRef(name="Threshold")}, "n": 1},
            id="nested-object",
        ),
        pytest.param(
            {"Get": "Parameters.P", "Other": 1},
            {"Get": "Parameters.P", "Other": 1},
            id="get-with-other-keys-is-plain-data",
        ),
        pytest.param({"Get": 5}, {"Get": 5}, id="get-of-non-string-is-plain-data"),
        pytest.param({"Std:Join": "x"}, {"Std:Join": "x"}, id="join-of-non-object-is-plain-data"),
    ],
)
def test_expression_is_parsed(raw: Any, expected: Any) -> None:
    assert load_value(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
            "ProcessingOutputConfig.Outputs.train.S3Output.S3Uri",
            id="identifier-key",
        ),
        pytest.param("Steps.Prep.Outputs['a-b'][0]", "Outputs['a-b'][0]", id="quoted-key-and-index"),
    ],
)
def test_step_property_dotted_form(text: str, expected: str) -> None:
    value = load_value({"Get": text})
    assert isinstance(value, ir.StepProp)
    assert value.dotted() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("Execution.NoSuchVariable", "unknown execution variable", id="execution"),
        pytest.param("Nowhere.X", "unknown Get expression", id="unknown-root"),
        pytest.param("Parameters", "unknown Get expression", id="parameters-without-name"),
        pytest.param("PipelineExperimentConfig.Other", "unknown Get expression", id="experiment-other"),
    ],
)
def test_unknown_get_is_a_warning_and_kept(text: str, message: str) -> None:
    doc = document([step("Use", "Fail", {"Value": {"Get": text}})])
    pipeline = load_doc(doc)
    [diag] = pipeline.diagnostics
    assert (diag.code, diag.severity, diag.where) == ("SM2AML110", Severity.WARNING, "/Steps/0/Arguments/Value")
    assert message in diag.message
    value = pipeline.steps[0].arguments["Value"]
    assert value == (ir.ExecVar(name="NoSuchVariable") if text.startswith("Execution") else text)


def test_experiment_config_is_parsed() -> None:
    pipeline = load_doc(document([]))
    assert pipeline.experiment == {
        "ExperimentName": ir.ExecVar(name="PipelineName"),
        "TrialName": ir.ExecVar(name="PipelineExecutionId"),
    }
    assert load_doc({**document([]), "PipelineExperimentConfig": None}).experiment is None


# --- conditions ------------------------------------------------------------------------------

LEFT = {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Prep.PropertyFiles.Eval"}, "Path": "m.v"}}
LEFT_IR = ir.JsonGet(source=ir.PropertyFileRef(step="Prep", name="Eval"), path="m.v")
RIGHT = {"Get": "Parameters.Threshold"}
RIGHT_IR = ir.ParamRef(name="Threshold")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[
            pytest.param(
                {"Type": op, "LeftValue": LEFT, "RightValue": RIGHT},
                ir.Compare(op=op, left=LEFT_IR, right=RIGHT_IR),
                id=op,
            )
            for op in ir.COMPARE_OPS
        ],
        pytest.param(
            {"Type": "Equals", "LeftValue": {"Get": "Steps.Prep.Outcome"}, "RightValue": "ok"},
            ir.Compare(op="Equals", left=ir.StepProp(step="Prep", path=("Outcome",)), right="ok"),
            id="Equals-literal",
        ),
        pytest.param(
            {
                "Type": "In",
                "QueryValue": {"Get": "Parameters.P"},
                "Values": ["a", 1, {"Get": "Execution.PipelineName"}],
            },
            ir.In(query=ir.ParamRef(name="P"), values=("a", 1, ir.ExecVar(name="PipelineName"))),
            id="In",
        ),
        pytest.param({"Type": "In", "QueryValue": "x", "Values": []}, ir.In(query="x", values=()), id="In-empty"),
        pytest.param(
            {"Type": "Not", "Condition": {"Type": "Equals", "LeftValue": 1, "RightValue": 2}},
            ir.Not(condition=ir.Compare(op="Equals", left=1, right=2)),
            id="Not",
        ),
        pytest.param(
            {
                "Type": "Or",
                "Conditions": [
                    {"Type": "LessThan", "LeftValue": LEFT, "RightValue": 1},
                    {"Type": "In", "QueryValue": RIGHT, "Values": [0.1, 0.2]},
                ],
            },
            ir.Or(
                conditions=(ir.Compare(op="LessThan", left=LEFT_IR, right=1), ir.In(query=RIGHT_IR, values=(0.1, 0.2)))
            ),
            id="Or",
        ),
        pytest.param(
            {
                "Type": "Not",
                "Condition": {
                    "Type": "Or",
                    "Conditions": [
                        {"Type": "Not", "Condition": {"Type": "GreaterThan", "LeftValue": RIGHT, "RightValue": 3}}
                    ],
                },
            },
            ir.Not(
                condition=ir.Or(conditions=(ir.Not(condition=ir.Compare(op="GreaterThan", left=RIGHT_IR, right=3)),))
            ),
            id="Not-Or-Not",
        ),
    ],
)
def test_condition_is_parsed(raw: dict, expected: ir.Condition) -> None:
    doc = document([PREP, condition_step("Check", [raw])], PARAMS)
    check = load_doc(doc).step("Check")
    assert check.conditions == (expected,)
    assert check.arguments == {}


def test_several_conditions_are_kept_in_order() -> None:
    conds = [
        {"Type": "Equals", "LeftValue": 1, "RightValue": 1},
        {"Type": "GreaterThan", "LeftValue": 2, "RightValue": 1},
    ]
    check = load_doc(document([condition_step("Check", conds)])).steps[0]
    assert [c.op for c in check.conditions] == ["Equals", "GreaterThan"]


def test_nested_condition_steps() -> None:
    inner = condition_step(
        "Inner",
        [{"Type": "Equals", "LeftValue": {"Get": "Steps.Train.Outcome"}, "RightValue": 1}],
        if_steps=[
            step("Register", "RegisterModel", {"ModelUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}})
        ],
        else_steps=[step("Stop", "Fail", {"ErrorMessage": "no"})],
    )
    outer = condition_step(
        "Outer",
        [{"Type": "LessThan", "LeftValue": 1, "RightValue": 2}],
        if_steps=[step("Model", "Model"), inner],
        else_steps=[
            step(
                "Fail", "Fail", {"ErrorMessage": {"Std:Join": {"On": " ", "Values": ["bad", {"Get": "Parameters.P"}]}}}
            )
        ],
    )
    pipeline = load_doc(document([step("Train", "Training"), outer], PARAMS))
    assert [s.name for s in pipeline.steps] == ["Train", "Outer"]
    assert [s.name for s in pipeline.all_steps()] == ["Train", "Outer", "Model", "Inner", "Register", "Stop", "Fail"]
    outer_ir = pipeline.step("Outer")
    assert [s.name for s in outer_ir.if_steps] == ["Model", "Inner"]
    assert [s.name for s in outer_ir.else_steps] == ["Fail"]
    assert outer_ir.arguments == {}
    inner_ir = pipeline.step("Inner")
    assert inner_ir.where == "/Steps/1/Arguments/IfSteps/1"
    assert pipeline.step("Register").where == "/Steps/1/Arguments/IfSteps/1/Arguments/IfSteps/0"
    assert pipeline.step("Register").arguments == {
        "ModelUrl": ir.StepProp(step="Train", path=("ModelArtifacts", "S3ModelArtifacts"))
    }
    assert pipeline.step("Stop").where == "/Steps/1/Arguments/IfSteps/1/Arguments/ElseSteps/0"
    assert pipeline.step("Fail").arguments["ErrorMessage"] == ir.Join(on=" ", values=("bad", ir.ParamRef(name="P")))
    assert pipeline.step("Train").if_steps == pipeline.step("Train").else_steps == ()


def test_condition_without_branches_loads() -> None:
    cond = step("Check", "Condition", {"Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 1}]})
    check = load_doc(document([cond])).steps[0]
    assert (check.if_steps, check.else_steps) == ((), ())


# --- common step fields ----------------------------------------------------------------------


def test_common_step_fields() -> None:
    retry = [
        {
            "ExceptionType": ["Step.SERVICE_FAULT", "Step.THROTTLING"],
            "IntervalSeconds": 5,
            "BackoffRate": 2.0,
            "MaxAttempts": 3,
        },
        {
            "ExceptionType": ["SageMaker.JOB_INTERNAL_ERROR"],
            "IntervalSeconds": 1,
            "BackoffRate": 1.5,
            "ExpireAfterMin": 30,
        },
    ]
    full = step(
        "Full",
        "Processing",
        {"RoleArn": "arn:aws:iam::1:role/R"},
        DependsOn=["First"],
        DisplayName="Nice name",
        Description="What it does",
        CacheConfig={"Enabled": True, "ExpireAfter": "P30D"},
        RetryPolicies=retry,
        PropertyFiles=[{"PropertyFileName": "Report", "OutputName": "eval", "FilePath": "report.json"}],
    )
    pipeline = load_doc(document([step("First"), full]))
    got = pipeline.step("Full")
    assert got.depends_on == ("First",)
    assert got.display_name == "Nice name"
    assert got.description == "What it does"
    assert got.cache == ir.CacheConfig(enabled=True, expire_after="P30D")
    assert got.retry_policies == (
        ir.RetryPolicy(
            exception_types=("Step.SERVICE_FAULT", "Step.THROTTLING"),
            interval_seconds=5,
            backoff_rate=2.0,
            max_attempts=3,
        ),
        ir.RetryPolicy(
            exception_types=("SageMaker.JOB_INTERNAL_ERROR",), interval_seconds=1, backoff_rate=1.5, expire_after_min=30
        ),
    )
    assert got.property_files == (ir.PropertyFile(name="Report", output_name="eval", file_path="report.json"),)
    assert got.arguments == {"RoleArn": "arn:aws:iam::1:role/R"}
    assert got.extra == {}
    assert got.known_type is True
    assert got.where == "/Steps/1"
    assert pipeline.diagnostics == ()


def test_absent_common_fields_have_empty_values() -> None:
    got = load_doc(document([{"Name": "Bare", "Type": "Processing"}])).steps[0]
    assert got == ir.Step(name="Bare", type="Processing", where="/Steps/0")


@pytest.mark.parametrize(
    ("cache", "expected"),
    [
        pytest.param({"Enabled": False}, ir.CacheConfig(enabled=False), id="disabled"),
        pytest.param({"Enabled": True}, ir.CacheConfig(enabled=True), id="no-expiry"),
        pytest.param(None, None, id="null"),
    ],
)
def test_cache_config(cache: dict | None, expected: ir.CacheConfig | None) -> None:
    assert load_doc(document([step("S", CacheConfig=cache)])).steps[0].cache == expected


def test_top_level_extra_fields_are_kept_and_parsed() -> None:
    lam = step(
        "L",
        "Lambda",
        {"x": 1},
        FunctionArn="arn:aws:lambda:us-east-1:1:function:f",
        OutputParameters=[{"OutputName": "out", "OutputType": "String"}],
    )
    cb = step(
        "C",
        "Callback",
        {"in": {"Get": "Steps.L.OutputParameters['out']"}},
        SqsQueueUrl={"Get": "Parameters.P"},
        OutputParameters=[{"OutputName": "o"}],
    )
    pipeline = load_doc(document([lam, cb], PARAMS))
    assert pipeline.step("L").extra == {
        "FunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
        "OutputParameters": [{"OutputName": "out", "OutputType": "String"}],
    }
    assert pipeline.step("C").extra["SqsQueueUrl"] == ir.ParamRef(name="P")
    assert pipeline.step("C").arguments == {"in": ir.StepProp(step="L", path=("OutputParameters", "out"))}


def test_unknown_step_type_is_kept_with_a_warning() -> None:
    pipeline = load_doc(
        document(
            [step("First"), step("Odd", "QuantumStep", {"x": {"Get": "Parameters.P"}}, DependsOn=["First"])], PARAMS
        )
    )
    odd = pipeline.step("Odd")
    assert odd.known_type is False
    assert odd.type == "QuantumStep"
    assert odd.arguments == {"x": ir.ParamRef(name="P")}
    assert odd.depends_on == ("First",)
    [diag] = pipeline.diagnostics
    assert (diag.code, diag.severity, diag.where) == ("SM2AML108", Severity.WARNING, "/Steps/1/Type")
    assert "QuantumStep" in diag.message


@pytest.mark.parametrize("type_", KNOWN_TYPES)
def test_every_known_step_type_loads(type_: str) -> None:
    args: dict[str, Any] = {"Anything": {"Get": "Parameters.P"}}
    if type_ == "Condition":
        args = {
            "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.P"}, "RightValue": "x"}],
            "IfSteps": [],
            "ElseSteps": [],
        }
    pipeline = load_doc(document([step("S", type_, args)], PARAMS))
    [got] = pipeline.steps
    assert (got.type, got.known_type) == (type_, True)
    assert pipeline.diagnostics == ()


# --- input forms -----------------------------------------------------------------------------

SMALL = document([step("A"), step("B", "Training", DependsOn=["A"])], PARAMS)


def test_describe_pipeline_response() -> None:
    text = json.dumps(
        {
            "PipelineArn": "arn:x",
            "PipelineName": "MyPipe",
            "PipelineDefinition": json.dumps(SMALL),
            "RoleArn": "arn:role",
        }
    )
    pipeline = load_definition(text, source="describe.json")
    assert pipeline.name == "MyPipe"
    assert [s.name for s in pipeline.steps] == ["A", "B"]
    assert pipeline.steps[1].where == "/PipelineDefinition/Steps/1"
    assert pipeline.source == "describe.json"


def test_describe_pipeline_response_keeps_given_name_when_pipeline_name_missing() -> None:
    text = json.dumps({"PipelineDefinition": json.dumps(SMALL)})
    assert load_definition(text, name="given").name == "given"
    assert load_definition(text).name == "pipeline"


def test_describe_pipeline_errors_point_inside_the_definition() -> None:
    bad = document([step("A"), step("A")])
    text = json.dumps({"PipelineName": "X", "PipelineDefinition": json.dumps(bad)})
    exc = load_error(text, source="d.json")
    assert exc.diagnostic.code == "SM2AML103"
    assert "d.json#/PipelineDefinition/Steps/1/Name" in exc.one_line()


def test_json_text_input() -> None:
    pipeline = load(json.dumps(SMALL))
    assert (pipeline.name, pipeline.source) == ("pipeline", "<text>")
    assert [s.name for s in pipeline.steps] == ["A", "B"]
    assert load("\n   " + json.dumps(SMALL)).steps == pipeline.steps


def test_path_input(tmp_path: Path) -> None:
    path = tmp_path / "my_pipeline.json"
    path.write_text(json.dumps(SMALL), encoding="utf-8")
    pipeline = load(path)
    assert (pipeline.name, pipeline.source) == ("my_pipeline", str(path))
    assert load(str(path)).steps == pipeline.steps


def test_path_input_with_generic_stem_takes_the_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "churn"
    folder.mkdir()
    (folder / "pipeline.json").write_text(json.dumps(SMALL), encoding="utf-8")
    assert load(folder / "pipeline.json").name == "churn"


def test_describe_pipeline_file_takes_the_pipeline_name(tmp_path: Path) -> None:
    path = tmp_path / "describe.json"
    path.write_text(json.dumps({"PipelineName": "FromAws", "PipelineDefinition": json.dumps(SMALL)}))
    assert load(path).name == "FromAws"


def test_stdin_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SMALL)))
    pipeline = load("-")
    assert pipeline.source == "<stdin>"
    assert [s.name for s in pipeline.steps] == ["A", "B"]


def test_stdin_errors_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("{"))
    with pytest.raises(LoadError) as info:
        load("-")
    assert info.value.one_line().startswith("<stdin>:1:2: error SM2AML101")


@pytest.mark.parametrize("kind", ["missing", "directory", "not-utf8"])
def test_unreadable_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "def.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "not-utf8":
        path.write_bytes(b'{"Steps": ["\xff"]}')
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.diagnostic.code == "SM2AML111"
    assert str(path) in info.value.one_line()


def test_path_with_nul_byte_is_a_load_error() -> None:
    with pytest.raises(LoadError) as info:
        load("definition\x00.json")
    assert info.value.diagnostic.code == "SM2AML111"


# --- errors ----------------------------------------------------------------------------------


def _doc(steps: list, parameters: list = (), **extra: Any) -> str:
    return json.dumps(document(steps, parameters, **extra))


def _with_param(param: dict) -> str:
    return _doc([], [param])


NESTED_DUP = _doc([step("A"), condition_step("C", [], if_steps=[step("B")], else_steps=[step("A")])])
PF_USE = {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Prep.PropertyFiles.Missing"}, "Path": "a"}}

ERRORS = [
    # SM2AML101: not JSON
    pytest.param('{"Steps": [}', "SM2AML101", "test.json:1:12", id="invalid-json"),
    pytest.param(
        '{\n  "Steps": [\n    {"Name": "A",}\n  ]\n}', "SM2AML101", "test.json:3:18", id="invalid-json-line-col"
    ),
    pytest.param("", "SM2AML101", "test.json:1:1", id="empty-text"),
    pytest.param(
        json.dumps({"PipelineName": "X", "PipelineDefinition": '{\n"Steps": ['}),
        "SM2AML101",
        "test.json:2:11",
        id="invalid-inner-json-of-describe-pipeline",
    ),
    # SM2AML102: not a definition
    pytest.param("[]", "SM2AML102", "test.json#/", id="list"),
    pytest.param('"text"', "SM2AML102", "test.json#/", id="string"),
    pytest.param("42", "SM2AML102", "test.json#/", id="number"),
    pytest.param('{"Version": "2020-12-01", "Parameters": []}', "SM2AML102", "test.json#/", id="object-without-steps"),
    pytest.param('{"Steps": {"A": {}}}', "SM2AML102", "test.json#/", id="steps-not-a-list"),
    pytest.param(
        json.dumps({"PipelineName": "X", "PipelineDefinition": "[1]"}),
        "SM2AML102",
        "test.json#/PipelineDefinition",
        id="describe-pipeline-with-a-list-inside",
    ),
    # SM2AML103: duplicate names
    pytest.param(_doc([step("A"), step("A", "Training")]), "SM2AML103", "test.json#/Steps/1/Name", id="duplicate-step"),
    pytest.param(NESTED_DUP, "SM2AML103", "test.json#/Steps/1/Arguments/ElseSteps/0/Name", id="duplicate-nested-step"),
    # SM2AML104: unknown step
    pytest.param(
        _doc([step("A", args={"x": {"Get": "Steps.Nope.ModelName"}})]),
        "SM2AML104",
        "test.json#/Steps/0",
        id="unknown-step-in-get",
    ),
    pytest.param(
        _doc([step("A"), step("B", DependsOn=["A", "Nope"])]),
        "SM2AML104",
        "test.json#/Steps/1/DependsOn/1",
        id="unknown-step-in-depends-on",
    ),
    pytest.param(
        _doc(
            [
                step(
                    "A",
                    args={"x": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Nope.PropertyFiles.F"}, "Path": "a"}}},
                )
            ]
        ),
        "SM2AML104",
        "test.json#/Steps/0",
        id="unknown-step-in-json-get",
    ),
    pytest.param(
        _doc([condition_step("C", [{"Type": "Equals", "LeftValue": {"Get": "Steps.Nope.X"}, "RightValue": 1}])]),
        "SM2AML104",
        "test.json#/Steps/0",
        id="unknown-step-in-condition",
    ),
    pytest.param(
        _doc([condition_step("C", [], if_steps=[step("In", DependsOn=["Nope"])])]),
        "SM2AML104",
        "test.json#/Steps/0/Arguments/IfSteps/0/DependsOn/0",
        id="unknown-step-in-nested-depends-on",
    ),
    # SM2AML105: unknown parameter
    pytest.param(
        _doc([step("A", args={"x": {"Get": "Parameters.Nope"}})], PARAMS),
        "SM2AML105",
        "test.json#/Steps/0",
        id="unknown-parameter",
    ),
    pytest.param(
        _doc([step("A", "Lambda", SqsQueueUrl={"Get": "Parameters.Nope"})]),
        "SM2AML105",
        "test.json#/Steps/0",
        id="unknown-parameter-in-extra-field",
    ),
    pytest.param(
        _doc([], PipelineExperimentConfig={"ExperimentName": {"Get": "Parameters.Nope"}}),
        "SM2AML105",
        "test.json#/PipelineExperimentConfig",
        id="unknown-parameter-in-experiment",
    ),
    # SM2AML106: unknown property file
    pytest.param(
        _doc([PREP, step("Use", args={"x": PF_USE})]), "SM2AML106", "test.json#/Steps/1", id="unknown-property-file"
    ),
    pytest.param(
        _doc([step("Prep"), step("Use", args={"x": {"Get": "Steps.Prep.PropertyFiles.F"}})]),
        "SM2AML106",
        "test.json#/Steps/1",
        id="property-file-on-step-without-any",
    ),
    # SM2AML107: cycles
    pytest.param(
        _doc([step("A", DependsOn=["B"]), step("B", DependsOn=["A"])]),
        "SM2AML107",
        "test.json#/Steps/",
        id="cycle-depends-on",
    ),
    pytest.param(
        _doc(
            [step("A", args={"x": {"Get": "Steps.B.ModelName"}}), step("B", args={"y": {"Get": "Steps.A.ModelName"}})]
        ),
        "SM2AML107",
        "test.json#/Steps/",
        id="cycle-data-references",
    ),
    pytest.param(
        _doc(
            [
                step("A", DependsOn=["C"]),
                step("B", args={"x": {"Std:Join": {"On": "", "Values": [{"Get": "Steps.A.X"}]}}}),
                step("C", args={"y": {"Get": "Steps.B.Y"}}),
            ]
        ),
        "SM2AML107",
        "test.json#/Steps/",
        id="cycle-of-three-mixed",
    ),
    pytest.param(
        _doc(
            [
                condition_step(
                    "C",
                    [{"Type": "Equals", "LeftValue": {"Get": "Steps.In.Outcome"}, "RightValue": 1}],
                    if_steps=[step("In")],
                )
            ]
        ),
        "SM2AML107",
        "test.json#/Steps/0",
        id="cycle-condition-reads-its-branch",
    ),
    # SM2AML109: malformed fields
    pytest.param(_doc([], {"Name": "P"}), "SM2AML109", "test.json#/Parameters", id="parameters-not-a-list"),
    pytest.param(_with_param({"Type": "String"}), "SM2AML109", "test.json#/Parameters/0", id="parameter-without-name"),
    pytest.param(_doc([], ["P"]), "SM2AML109", "test.json#/Parameters/0", id="parameter-not-an-object"),
    pytest.param(
        _with_param({"Name": "P", "Type": "Str"}), "SM2AML109", "test.json#/Parameters/0/Type", id="bad-parameter-type"
    ),
    pytest.param(_with_param({"Name": "P"}), "SM2AML109", "test.json#/Parameters/0/Type", id="parameter-without-type"),
    pytest.param(
        _with_param({"Name": "P", "Type": "Integer", "DefaultValue": "5"}),
        "SM2AML109",
        "test.json#/Parameters/0/DefaultValue",
        id="integer-default-is-text",
    ),
    pytest.param(
        _with_param({"Name": "P", "Type": "Integer", "DefaultValue": 1.5}),
        "SM2AML109",
        "test.json#/Parameters/0/DefaultValue",
        id="integer-default-is-float",
    ),
    pytest.param(
        _with_param({"Name": "P", "Type": "Integer", "DefaultValue": True}),
        "SM2AML109",
        "test.json#/Parameters/0/DefaultValue",
        id="integer-default-is-bool",
    ),
    pytest.param(
        _with_param({"Name": "P", "Type": "Float", "DefaultValue": False}),
        "SM2AML109",
        "test.json#/Parameters/0/DefaultValue",
        id="float-default-is-bool",
    ),
    pytest.param(
        _with_param({"Name": "P", "Type": "Boolean", "DefaultValue": "true"}),
        "SM2AML109",
        "test.json#/Parameters/0/DefaultValue",
        id="boolean-default-is-text",
    ),
    pytest.param(
        _with_param({"Name": "P", "Type": "String", "DefaultValue": 5}),
        "SM2AML109",
        "test.json#/Parameters/0/DefaultValue",
        id="string-default-is-number",
    ),
    pytest.param(_doc([step("A"), 5]), "SM2AML109", "test.json#/Steps/1", id="step-not-an-object"),
    pytest.param(_doc([{"Type": "Processing"}]), "SM2AML109", "test.json#/Steps/0/Name", id="step-without-name"),
    pytest.param(_doc([step("")]), "SM2AML109", "test.json#/Steps/0/Name", id="step-empty-name"),
    pytest.param(_doc([{"Name": "A"}]), "SM2AML109", "test.json#/Steps/0/Type", id="step-without-type"),
    pytest.param(_doc([{"Name": "A", "Type": 3}]), "SM2AML109", "test.json#/Steps/0/Type", id="step-type-not-text"),
    pytest.param(
        _doc([step("A", args=["x"])]), "SM2AML109", "test.json#/Steps/0/Arguments", id="arguments-not-an-object"
    ),
    pytest.param(
        _doc([step("A"), step("B", DependsOn="A")]),
        "SM2AML109",
        "test.json#/Steps/1/DependsOn",
        id="depends-on-not-a-list",
    ),
    pytest.param(
        _doc([step("A"), step("B", DependsOn=["A", 1])]),
        "SM2AML109",
        "test.json#/Steps/1/DependsOn",
        id="depends-on-not-names",
    ),
    pytest.param(
        _doc([step("C", "Condition", {"IfSteps": []})]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions",
        id="condition-step-without-conditions",
    ),
    pytest.param(
        _doc([step("C", "Condition", {"Conditions": {"Type": "Equals"}})]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions",
        id="conditions-not-a-list",
    ),
    pytest.param(
        _doc([step("C", "Condition", {"Conditions": [], "IfSteps": {"Name": "X"}})]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/IfSteps",
        id="if-steps-not-a-list",
    ),
    pytest.param(
        _doc([step("C", "Condition", {"Conditions": [], "ElseSteps": "X"})]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/ElseSteps",
        id="else-steps-not-a-list",
    ),
    pytest.param(
        _doc([condition_step("C", [{"LeftValue": 1, "RightValue": 1}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0",
        id="condition-without-type",
    ),
    pytest.param(
        _doc([condition_step("C", [{"Type": "And", "Conditions": []}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0",
        id="condition-and-does-not-exist",
    ),
    pytest.param(
        _doc([condition_step("C", ["Equals"])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0",
        id="condition-not-an-object",
    ),
    pytest.param(
        _doc([condition_step("C", [{"Type": "In", "QueryValue": 1, "Values": 1}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0",
        id="in-without-values-list",
    ),
    pytest.param(
        _doc([condition_step("C", [{"Type": "Not"}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0",
        id="not-without-condition",
    ),
    pytest.param(
        _doc([condition_step("C", [{"Type": "Not", "Condition": {"Type": "Nope"}}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0/Condition",
        id="not-with-bad-inner-condition",
    ),
    pytest.param(
        _doc([condition_step("C", [{"Type": "Or", "Conditions": {}}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0",
        id="or-without-conditions-list",
    ),
    pytest.param(
        _doc([condition_step("C", [{"Type": "Or", "Conditions": [{"Type": 1}]}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/Conditions/0/Conditions/0",
        id="or-with-bad-inner-condition",
    ),
    pytest.param(
        _doc([condition_step("C", [], if_steps=[{"Name": "X"}])]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/IfSteps/0/Type",
        id="nested-step-without-type",
    ),
    pytest.param(
        _doc([step("A", CacheConfig=[True])]),
        "SM2AML109",
        "test.json#/Steps/0/CacheConfig",
        id="cache-config-not-an-object",
    ),
    pytest.param(
        _doc([step("A", RetryPolicies={"MaxAttempts": 1})]),
        "SM2AML109",
        "test.json#/Steps/0/RetryPolicies",
        id="retry-policies-not-a-list",
    ),
    pytest.param(
        _doc([step("A", RetryPolicies=["Step.THROTTLING"])]),
        "SM2AML109",
        "test.json#/Steps/0/RetryPolicies",
        id="retry-policy-not-an-object",
    ),
    pytest.param(
        _doc([step("A", PropertyFiles=[{"PropertyFileName": "F", "OutputName": "o"}])]),
        "SM2AML109",
        "test.json#/Steps/0/PropertyFiles/0",
        id="property-file-without-path",
    ),
    pytest.param(
        _doc([step("A", PropertyFiles=["F"])]),
        "SM2AML109",
        "test.json#/Steps/0/PropertyFiles/0",
        id="property-file-not-an-object",
    ),
    pytest.param(
        _doc([step("A", args={"x": {"Std:Join": {"On": "/", "Values": "ab"}}})]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/x/Std:Join",
        id="join-values-not-a-list",
    ),
    pytest.param(
        _doc(
            [PREP, step("A", args={"x": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Prep.PropertyFiles.Eval"}}}})]
        ),
        "SM2AML109",
        "test.json#/Steps/1/Arguments/x/Std:JsonGet",
        id="json-get-without-path",
    ),
    pytest.param(
        _doc([step("A", args={"x": {"Std:JsonGet": {"Path": "a"}}})]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/x/Std:JsonGet",
        id="json-get-without-source",
    ),
    pytest.param(
        _doc([step("A", args={"x": {"Std:JsonGet": {"PropertyFile": {"Get": "Parameters.P"}, "Path": "a"}}})], PARAMS),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/x/Std:JsonGet/PropertyFile",
        id="json-get-property-file-not-a-property-file",
    ),
    pytest.param(
        _doc([step("A"), step("B", args={"x": {"Get": "Steps.A.Outputs[train]"}})]),
        "SM2AML109",
        "test.json#/Steps/1/Arguments/x",
        id="unreadable-property-path",
    ),
    pytest.param(
        _doc([step("A"), step("B", args={"x": {"Get": "Steps.A.Outputs['a'"}})]),
        "SM2AML109",
        "test.json#/Steps/1/Arguments/x",
        id="unclosed-bracket",
    ),
    pytest.param(
        _doc([step("A", args={"a/b": {"Std:Join": {"Values": 1}}})]),
        "SM2AML109",
        "test.json#/Steps/0/Arguments/a~1b/Std:Join",
        id="pointer-escapes-slash",
    ),
]


@pytest.mark.parametrize(("text", "code", "place"), ERRORS)
def test_load_error(text: str, code: str, place: str) -> None:
    exc = load_error(text)
    assert exc.diagnostic.code == code, exc.one_line()
    assert exc.diagnostic.severity == Severity.ERROR
    line = exc.one_line()
    assert line.startswith(place), line
    assert f"error {code}: " in line
    assert exc.diagnostic.where, "every load error has a location"
    assert exc.diagnostic in exc.found
    assert str(exc) == line


def test_load_error_carries_every_finding() -> None:
    text = _doc([step("A", "Mystery"), step("A"), step("B", DependsOn=["Nope"])])
    exc = load_error(text)
    assert exc.diagnostic.code == "SM2AML103"
    assert [d.code for d in exc.found] == ["SM2AML108", "SM2AML103", "SM2AML104"]


def test_cycle_message_names_the_steps() -> None:
    exc = load_error(_doc([step("A", DependsOn=["B"]), step("B", DependsOn=["A"])]))
    assert "A" in exc.diagnostic.message and "B" in exc.diagnostic.message
    assert " -> " in exc.diagnostic.message


def test_nested_step_may_depend_on_its_enclosing_condition_and_on_outer_steps() -> None:
    doc = document(
        [
            step("Train", "Training"),
            condition_step(
                "C",
                [{"Type": "Equals", "LeftValue": {"Get": "Steps.Train.X"}, "RightValue": 1}],
                if_steps=[step("In", DependsOn=["C", "Train"], args={"m": {"Get": "Steps.Train.ModelName"}})],
            ),
            step("After", DependsOn=["In"]),
        ]
    )
    pipeline = load_doc(doc)
    assert pipeline.step("In").depends_on == ("C", "Train")
    assert pipeline.step("After").depends_on == ("In",)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(step("A", DependsOn=["A"]), id="depends-on-itself"),
        pytest.param(step("A", args={"x": {"Get": "Steps.A.ModelName"}}), id="reads-its-own-property"),
    ],
)
def test_self_dependency_is_a_cycle(raw: dict) -> None:
    exc = load_error(_doc([raw]))
    assert exc.diagnostic.code == "SM2AML107"
    assert exc.one_line().startswith("test.json#/Steps/0")


def test_property_file_name_with_dash() -> None:
    prep = step(
        "Eval",
        PropertyFiles=[{"PropertyFileName": "evaluation-report", "OutputName": "e", "FilePath": "evaluation.json"}],
    )
    use = step(
        "Check",
        "Condition",
        {
            "Conditions": [
                {
                    "Type": "LessThanOrEqualTo",
                    "RightValue": 6.0,
                    "LeftValue": {
                        "Std:JsonGet": {
                            "PropertyFile": {"Get": "Steps.Eval.PropertyFiles.evaluation-report"},
                            "Path": "regression_metrics.mse.value",
                        }
                    },
                }
            ]
        },
    )
    check = load_doc(document([prep, use])).step("Check")
    assert check.conditions[0].left == ir.JsonGet(
        source=ir.PropertyFileRef(step="Eval", name="evaluation-report"), path="regression_metrics.mse.value"
    )


@pytest.mark.parametrize(
    "depth", [pytest.param(900, id="inside-arguments"), pytest.param(100_000, id="whole-document")]
)
def test_deeply_nested_json_is_a_load_error_not_a_crash(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    text = nested if depth > 1000 else _doc([step("A", args={"x": "NESTED"})]).replace('"NESTED"', nested)
    try:
        pipeline = load_definition(text, source="test.json")
    except LoadError as exc:
        assert exc.diagnostic.code.startswith("SM2AML1")
    else:
        assert pipeline.steps[0].name == "A"


def test_retry_exception_type_as_a_string_is_not_split_into_characters() -> None:
    raw = step("A", RetryPolicies=[{"ExceptionType": "Step.SERVICE_FAULT", "MaxAttempts": 2}])
    try:
        pipeline = load_doc(document([raw]))
    except LoadError as exc:
        assert exc.diagnostic.code == "SM2AML109"
        assert "/Steps/0/RetryPolicies" in exc.one_line()
    else:
        assert pipeline.steps[0].retry_policies[0].exception_types == ("Step.SERVICE_FAULT",)


@pytest.mark.parametrize("enum", [pytest.param([{"x": 1}], id="object"), pytest.param([["a"]], id="list")])
def test_non_scalar_enum_values_are_malformed(enum: list) -> None:
    exc = load_error(_with_param({"Name": "P", "Type": "String", "DefaultValue": "a", "EnumValues": enum}))
    assert exc.diagnostic.code == "SM2AML109"
    assert exc.one_line().startswith("test.json#/Parameters/0")


# --- the real definitions in ../shared/fixtures ---------------------------------------------


def _walk_steps(steps: list) -> list[dict]:
    out = []
    for raw in steps:
        out.append(raw)
        if raw["Type"] == "Condition":
            args = raw.get("Arguments") or {}
            out += _walk_steps(args.get("IfSteps") or []) + _walk_steps(args.get("ElseSteps") or [])
    return out


@pytest.mark.skipif(not FIXTURE_FILES, reason=f"no shared fixtures at {SHARED_FIXTURES}")
@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_real_definition_loads(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(doc.get("PipelineDefinition"), str):
        doc = json.loads(doc["PipelineDefinition"])
    raw_steps = _walk_steps(doc["Steps"])
    pipeline = load(path)
    assert pipeline.name == path.stem
    assert len(list(pipeline.all_steps())) == len(raw_steps)
    assert [s.name for s in pipeline.steps] == [s["Name"] for s in doc["Steps"]]
    assert {s.type for s in pipeline.all_steps()} == {s["Type"] for s in raw_steps}
    assert {s.name for s in pipeline.all_steps()} == {s["Name"] for s in raw_steps}
    assert all(s.known_type for s in pipeline.all_steps())
    assert [p.name for p in pipeline.parameters] == [p["Name"] for p in doc.get("Parameters") or []]
    assert [d.one_line() for d in pipeline.diagnostics if d.severity >= Severity.ERROR] == []
