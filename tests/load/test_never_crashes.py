"""Property tests: no input makes the loader (or, once loaded, the converter and emitter) crash.

Generated definitions either load or raise LoadError; corrupting a valid definition never raises
anything else; whatever loads converts and emits parseable files.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sm2aml import ir
from sm2aml.diagnostics import LoadError, Severity
from sm2aml.emit import emit
from sm2aml.load.definition import STEP_TYPES, load_definition
from sm2aml.rules import convert

SHARED_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sagemaker_definitions"

FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

STEP_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,10}", fullmatch=True)
PARAM_NAME = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
# Identifier-like on purpose: names with '-' hit a known loader bug (see test_definition.py).
PROPERTY_FILE_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True)
JOB_TYPES = sorted(STEP_TYPES - {"Condition"})
UNKNOWN_TYPES = ("Mystery", "processing", "", "Condition2")

TEXT = st.one_of(
    st.sampled_from(
        [
            "s3://my-bucket/abalone/data.csv",
            "s3://my-bucket/out/",
            "s3://other",
            "ml.m5.xlarge",
            "ml.g4dn.12xlarge",
            "ml.unknown.huge",
            "python3",
            "/opt/ml/processing/input/code/run.py",
            "/opt/ml/processing/input/data",
            "/opt/ml/processing/output",
            "arn:aws:iam::123456789012:role/Exec",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
            "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
            "my-registry.example.com/img:1",
            '"train.py"',
            "train.py",
            "${{parent.inputs.x}}",
            "AKIAABCDEFGHIJKLMNOP",
            'it\'s "quoted"\n|pipe|',
            "",
            "5",
            "true",
        ]
    ),
    st.text(max_size=15),
)
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False), TEXT
)
STEP_PATHS = (
    "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
    'ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri',
    "ModelArtifacts.S3ModelArtifacts",
    "TrainingJobSummaries[0].TrainingJobName",
    "BestTrainingJob.TrainingJobName",
    "ModelName",
    "Outcome",
    "OutputParameters['out']",
    "OutputDataConfig.S3OutputPath",
    "TrainingJobName",
    "Environment['K']",
    "ModelPackageArn",
)


# Expressions are generated once with placeholders ({"$ref": kind, ...}); Scope.resolve turns each
# into a Get of a parameter, step or property file that the step being built may see. Building
# strategies per step makes hypothesis slow, so every strategy below is a module-level constant.
REF = st.builds(
    lambda kind, i, path: {"$ref": kind, "i": i, "path": path},
    st.sampled_from(["param", "step", "file"]),
    st.integers(0, 50),
    st.sampled_from(STEP_PATHS),
)
BROKEN = st.sampled_from(
    [
        {"Get": "Execution.Nope"},
        {"Get": "Whatever"},
        {"Get": "Steps.X.Outputs[bad]"},
        {"Get": "Parameters.Nope"},
        {"Std:JsonGet": {"Path": "a"}},
        {"Std:Join": {"On": "/", "Values": 3}},
        {"Get": 7},
        {"$ref": "ghost"},
    ]
)
LEAF = st.one_of(
    SCALAR,
    REF,
    st.sampled_from(
        [{"Get": f"Execution.{v}"} for v in ir.EXECUTION_VARIABLES]
        + [{"Get": "PipelineExperimentConfig.ExperimentName"}, {"Get": "PipelineExperimentConfig.TrialName"}]
    ),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            lambda on, vs: {"Std:Join": {"On": on, "Values": vs}},
            st.sampled_from(["/", "", "-", " "]),
            st.lists(children, max_size=3),
        ),
        st.builds(
            lambda uri, path: {"Std:JsonGet": {"S3Uri": uri, "Path": path}},
            children,
            st.sampled_from(["Result[0]", "a"]),
        ),
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "Key", "x/y", "~"]), children, max_size=3),
    )


EXPR = st.recursive(LEAF, _extend, max_leaves=4)
LOOSE_EXPR = st.recursive(st.one_of(LEAF, BROKEN), _extend, max_leaves=4)
EXPRS = st.lists(EXPR, max_size=3)

_COMPARE = st.builds(
    lambda op, left, right: {"Type": op, "LeftValue": left, "RightValue": right},
    st.sampled_from(ir.COMPARE_OPS),
    EXPR,
    EXPR,
)
_IN = st.builds(lambda q, vs: {"Type": "In", "QueryValue": q, "Values": vs}, EXPR, EXPRS)
_BAD_CONDITION = st.sampled_from([{"Type": "And"}, {"LeftValue": 1}, {"Type": "In"}, "x", {"Type": "Not"}])


def _logic(c: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda inner: {"Type": "Not", "Condition": inner}, c),
        st.builds(lambda inner: {"Type": "Or", "Conditions": inner}, st.lists(c, max_size=3)),
    )


CONDITION = st.recursive(st.one_of(_COMPARE, _IN), _logic, max_leaves=3)
LOOSE_CONDITION = st.recursive(st.one_of(_COMPARE, _IN, _BAD_CONDITION), _logic, max_leaves=3)

LOCAL = st.sampled_from(
    [
        "/opt/ml/processing/input/code",
        "/opt/ml/processing/input/data",
        "/opt/ml/processing/input/data/file.csv",
        "/opt/ml/processing/output",
        "/opt/ml/processing/train",
        "/tmp/x",
    ]
)
PROCESSING_ARGS = st.fixed_dictionaries(
    {},
    optional={
        "AppSpecification": st.fixed_dictionaries(
            {}, optional={"ImageUri": EXPR, "ContainerEntrypoint": EXPRS, "ContainerArguments": EXPRS}
        ),
        "ProcessingInputs": st.lists(
            st.fixed_dictionaries(
                {
                    "InputName": st.one_of(st.sampled_from(["code", "input-1", "data"]), EXPR),
                    "S3Input": st.fixed_dictionaries(
                        {"S3Uri": EXPR, "LocalPath": st.one_of(LOCAL, EXPR)},
                        optional={"S3InputMode": st.sampled_from(["File", "Pipe"])},
                    ),
                }
            ),
            max_size=3,
        ),
        "ProcessingOutputConfig": st.fixed_dictionaries(
            {
                "Outputs": st.lists(
                    st.fixed_dictionaries(
                        {
                            "OutputName": st.one_of(st.sampled_from(["train", "test", "evaluation"]), EXPR),
                            "S3Output": st.fixed_dictionaries({"S3Uri": EXPR, "LocalPath": st.one_of(LOCAL, EXPR)}),
                        }
                    ),
                    max_size=3,
                )
            },
            optional={"KmsKeyId": EXPR},
        ),
        "ProcessingResources": st.fixed_dictionaries(
            {
                "ClusterConfig": st.fixed_dictionaries(
                    {},
                    optional={
                        "InstanceType": EXPR,
                        "InstanceCount": EXPR,
                        "VolumeSizeInGB": EXPR,
                        "VolumeKmsKeyId": EXPR,
                    },
                )
            }
        ),
        "StoppingCondition": st.fixed_dictionaries({"MaxRuntimeInSeconds": EXPR}),
        "RoleArn": EXPR,
        "Environment": st.dictionaries(st.sampled_from(["A", "SECRET_KEY", "B"]), EXPR),
        "NetworkConfig": EXPR,
    },
)
TRAINING_ARGS = st.fixed_dictionaries(
    {},
    optional={
        "AlgorithmSpecification": st.fixed_dictionaries(
            {},
            optional={
                "TrainingImage": EXPR,
                "TrainingInputMode": EXPR,
                "MetricDefinitions": st.lists(st.fixed_dictionaries({"Name": EXPR, "Regex": EXPR}), max_size=2),
            },
        ),
        "HyperParameters": st.dictionaries(
            st.sampled_from(["sagemaker_program", "sagemaker_submit_directory", "epochs", "lr", "name", "flag"]),
            EXPR,
            max_size=4,
        ),
        "InputDataConfig": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "ChannelName": st.one_of(st.sampled_from(["train", "validation"]), EXPR),
                    "DataSource": st.fixed_dictionaries(
                        {"S3DataSource": st.fixed_dictionaries({"S3Uri": EXPR}, optional={"S3DataType": EXPR})}
                    ),
                },
            ),
            max_size=3,
        ),
        "OutputDataConfig": st.fixed_dictionaries({}, optional={"S3OutputPath": EXPR, "KmsKeyId": EXPR}),
        "ResourceConfig": st.fixed_dictionaries(
            {}, optional={"InstanceType": EXPR, "InstanceCount": EXPR, "VolumeSizeInGB": EXPR, "VolumeKmsKeyId": EXPR}
        ),
        "StoppingCondition": st.fixed_dictionaries({"MaxRuntimeInSeconds": EXPR}),
        "RoleArn": EXPR,
        "Environment": st.dictionaries(st.sampled_from(["A", "API_KEY", "B"]), EXPR),
        "CheckpointConfig": EXPR,
        "EnableManagedSpotTraining": EXPR,
        "VpcConfig": EXPR,
        "DebugHookConfig": EXPR,
    },
)
OTHER_KEYS = st.sampled_from(["ModelName", "Input", "ErrorMessage", "Config"])
OTHER_ARGS = st.dictionaries(OTHER_KEYS, EXPR, max_size=3)
LOOSE_OTHER_ARGS = st.dictionaries(OTHER_KEYS, LOOSE_EXPR, max_size=3)
STEP_EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        "DisplayName": TEXT,
        "Description": TEXT,
        "CacheConfig": st.fixed_dictionaries(
            {"Enabled": st.booleans()}, optional={"ExpireAfter": st.sampled_from(["P30D", "PT1H"])}
        ),
        "RetryPolicies": st.lists(
            st.fixed_dictionaries(
                {
                    "ExceptionType": st.lists(
                        st.sampled_from(["Step.SERVICE_FAULT", "SageMaker.CAPACITY_ERROR"]), min_size=1, max_size=2
                    )
                },
                optional={
                    "IntervalSeconds": st.integers(1, 60),
                    "BackoffRate": st.floats(1, 3),
                    "MaxAttempts": st.integers(1, 10),
                },
            ),
            max_size=2,
        ),
    },
)
STEP_TYPE = st.one_of(
    st.sampled_from(["Processing", "Training"]), st.sampled_from(JOB_TYPES), st.sampled_from(UNKNOWN_TYPES)
)
_BY_TYPE = {"String": TEXT, "Integer": st.integers(-10, 10**9), "Float": st.floats(-1e6, 1e6), "Boolean": st.booleans()}


@st.composite
def _parameter(draw: st.DrawFn, strict: bool) -> dict[str, Any]:
    type_: str | None = draw(st.sampled_from(sorted(_BY_TYPE)))
    values = _BY_TYPE[str(type_)]
    if not strict and draw(st.integers(0, 5)) == 0:
        type_ = draw(st.sampled_from(["Str", "Number", None]))
        values = SCALAR
    param: dict[str, Any] = {"Name": draw(PARAM_NAME), "Type": type_}
    if draw(st.booleans()):
        loose = not strict and draw(st.integers(0, 3)) == 0
        param["DefaultValue"] = draw(SCALAR if loose else st.one_of(st.none(), values))
    if draw(st.integers(0, 3)) == 0:
        param["EnumValues"] = draw(st.lists(values, max_size=3))
    return param


def _name(param: dict[str, Any]) -> Any:
    return param["Name"]


class Scope:
    """What the step being generated may refer to."""

    def __init__(self, params: list[str], names: list[str], strict: bool) -> None:
        self.params = params
        self.strict = strict
        self.names = names  # every generated name: non-strict references pick from all of them
        self.visible: list[str] = []  # steps a reference may name without making a cycle
        self.property_files: list[tuple[str, str]] = []

    def resolve(self, value: Any) -> Any:
        """Replace placeholders by real references (strict: only ones that resolve, no cycles)."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "$ref" not in value:
            return {k: self.resolve(v) for k, v in value.items()}
        kind, i = value["$ref"], value.get("i", 0)
        params = self.params if self.strict else [*self.params, "NoSuchParam"]
        steps = self.visible if self.strict else [*self.names, "NoSuchStep"]
        files = self.property_files if self.strict else [*self.property_files, (steps[0], "NoSuchFile")]
        if kind == "param" and params:
            return {"Get": f"Parameters.{params[i % len(params)]}"}
        if kind == "step" and steps:
            return {"Get": f"Steps.{steps[i % len(steps)]}.{value['path']}"}
        if kind == "file" and files:
            step, name = files[i % len(files)]
            return {
                "Std:JsonGet": {
                    "PropertyFile": {"Get": f"Steps.{step}.PropertyFiles.{name}"},
                    "Path": "metrics.mse.value",
                }
            }
        if kind == "ghost":
            return {"Get": "Steps.Ghost.ModelName"}
        return "no-reference-available"


@st.composite
def definitions(draw: st.DrawFn, *, strict: bool) -> dict[str, Any]:
    """A plausible definition document. strict: every reference resolves and there are no cycles."""
    params = draw(st.lists(_parameter(strict), max_size=4, unique_by=_name if strict else None))
    names = draw(st.lists(STEP_NAME, max_size=6, unique=True))
    if not strict and names and draw(st.integers(0, 9)) == 0:
        names.append(names[0])  # a duplicate
    scope = Scope([p["Name"] for p in params if isinstance(p.get("Name"), str)], names, strict)
    queue = list(names)

    def build(depth: int) -> dict[str, Any]:
        name = queue.pop(0)
        condition = depth < 3 and queue and draw(st.integers(0, 3)) == 0
        type_ = "Condition" if condition else draw(STEP_TYPE)
        raw: dict[str, Any] = {"Name": name, "Type": type_}
        pool = scope.visible if strict else [*scope.names, "NoSuchStep"]
        if pool and draw(st.booleans()):
            raw["DependsOn"] = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2))
        if type_ == "Processing" and draw(st.booleans()):
            files = draw(st.lists(PROPERTY_FILE_NAME, min_size=1, max_size=2, unique=True))
            raw["PropertyFiles"] = [
                {"PropertyFileName": f, "OutputName": "evaluation", "FilePath": "evaluation.json"} for f in files
            ]
        raw.update(draw(STEP_EXTRAS))
        if type_ == "Condition":
            conds = draw(st.lists(CONDITION if strict else LOOSE_CONDITION, max_size=2))
            raw["Arguments"] = {"Conditions": scope.resolve(conds)}
            scope.visible.append(name)  # branch steps may wait for their condition
            for branch in ("IfSteps", "ElseSteps"):
                take = draw(st.integers(0, min(2, len(queue))))
                raw["Arguments"][branch] = [build(depth + 1) for _ in range(take) if queue]
            return raw
        other = OTHER_ARGS if strict else LOOSE_OTHER_ARGS
        args = {"Processing": PROCESSING_ARGS, "Training": TRAINING_ARGS}.get(type_, other)
        raw["Arguments"] = scope.resolve(draw(args))
        # a step's own property files exist only after it ran: later steps may read them, it may not
        scope.property_files += [(name, f["PropertyFileName"]) for f in raw.get("PropertyFiles", [])]
        if type_ in ("Lambda", "Callback"):
            raw["OutputParameters"] = [{"OutputName": "out", "OutputType": "String"}]
            raw["FunctionArn" if type_ == "Lambda" else "SqsQueueUrl"] = scope.resolve(draw(EXPR))
        scope.visible.append(name)
        return raw

    steps = []
    while queue:
        steps.append(build(0))
    doc: dict[str, Any] = {"Version": "2020-12-01", "Metadata": {}, "Parameters": params, "Steps": steps}
    if draw(st.booleans()):
        doc["PipelineExperimentConfig"] = {
            "ExperimentName": draw(st.one_of(st.just({"Get": "Execution.PipelineName"}), TEXT)),
            "TrialName": {"Get": "Execution.PipelineExecutionId"},
        }
    return doc


JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=8),
        st.sampled_from(
            [
                {"Get": "Steps.X.Y"},
                {"Get": "Parameters.Nope"},
                {"Std:Join": {}},
                {"Std:JsonGet": {"PropertyFile": 1}},
                {"Type": "Not"},
            ]
        ).map(copy.deepcopy),
    ),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=8,
)


def _outcome(text: str) -> ir.Pipeline | None:
    """Load; a LoadError is an accepted outcome, anything else fails the test."""
    try:
        pipeline = load_definition(text, source="fuzz.json")
    except LoadError as exc:
        event(f"load error {exc.diagnostic.code}")
        assert exc.diagnostic.severity == Severity.ERROR
        assert exc.diagnostic.code.startswith("SM2AML1")
        assert exc.one_line().startswith("fuzz.json")
        return None
    assert isinstance(pipeline, ir.Pipeline)
    event("loaded")
    assert all(d.severity < Severity.ERROR for d in pipeline.diagnostics)
    return pipeline


# --- (a) generated definitions ---------------------------------------------------------------


@settings(FAST, max_examples=250)
@given(definitions(strict=False))
def test_generated_definition_loads_or_raises_load_error(doc: dict[str, Any]) -> None:
    _outcome(json.dumps(doc))


@settings(FAST, max_examples=150)
@given(definitions(strict=True))
def test_well_formed_generated_definition_always_loads(doc: dict[str, Any]) -> None:
    pipeline = load_definition(json.dumps(doc), source="fuzz.json")
    names = [s.name for s in pipeline.all_steps()]
    assert len(names) == len(set(names))
    assert [s.name for s in pipeline.steps] == [s["Name"] for s in doc["Steps"]]
    # only unknown step types and a default outside its EnumValues may be reported, as warnings
    assert {d.code for d in pipeline.diagnostics} <= {"SM2AML108", "SM2AML109"}
    assert all(d.severity is Severity.WARNING for d in pipeline.diagnostics)


# --- (b) corruptions of a valid definition ---------------------------------------------------

PREP_TRAIN = "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"
SAMPLE = {
    "Version": "2020-12-01",
    "Metadata": {},
    "Parameters": [
        {"Name": "Input", "Type": "String", "DefaultValue": "s3://b/in.csv"},
        {"Name": "Mse", "Type": "Float", "DefaultValue": 6.0},
        {"Name": "Count", "Type": "Integer", "DefaultValue": 1, "EnumValues": [1, 2]},
    ],
    "PipelineExperimentConfig": {
        "ExperimentName": {"Get": "Execution.PipelineName"},
        "TrialName": {"Get": "Execution.PipelineExecutionId"},
    },
    "Steps": [
        {
            "Name": "Prep",
            "Type": "Processing",
            "Arguments": {
                "AppSpecification": {
                    "ImageUri": "img",
                    "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/p.py"],
                },
                "ProcessingInputs": [
                    {
                        "InputName": "in",
                        "S3Input": {"S3Uri": {"Get": "Parameters.Input"}, "LocalPath": "/opt/ml/processing/input"},
                    }
                ],
                "ProcessingOutputConfig": {
                    "Outputs": [
                        {
                            "OutputName": "train",
                            "S3Output": {
                                "S3Uri": {
                                    "Std:Join": {
                                        "On": "/",
                                        "Values": ["s3://b", {"Get": "Execution.PipelineExecutionId"}],
                                    }
                                },
                                "LocalPath": "/opt/ml/processing/train",
                            },
                        }
                    ]
                },
                "ProcessingResources": {
                    "ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": {"Get": "Parameters.Count"}}
                },
            },
            "PropertyFiles": [{"PropertyFileName": "Eval", "OutputName": "train", "FilePath": "e.json"}],
            "CacheConfig": {"Enabled": True, "ExpireAfter": "P1D"},
            "RetryPolicies": [{"ExceptionType": ["Step.THROTTLING"], "MaxAttempts": 3}],
        },
        {
            "Name": "Train",
            "Type": "Training",
            "DependsOn": ["Prep"],
            "Arguments": {
                "AlgorithmSpecification": {"TrainingImage": "img"},
                "HyperParameters": {"sagemaker_program": '"train.py"', "n": "5"},
                "InputDataConfig": [
                    {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3Uri": {"Get": PREP_TRAIN}}}}
                ],
            },
        },
        {
            "Name": "Check",
            "Type": "Condition",
            "Arguments": {
                "Conditions": [
                    {
                        "Type": "LessThanOrEqualTo",
                        "LeftValue": {
                            "Std:JsonGet": {"PropertyFile": {"Get": "Steps.Prep.PropertyFiles.Eval"}, "Path": "mse"}
                        },
                        "RightValue": {"Get": "Parameters.Mse"},
                    },
                    {
                        "Type": "Not",
                        "Condition": {"Type": "Or", "Conditions": [{"Type": "In", "QueryValue": 1, "Values": [1, 2]}]},
                    },
                ],
                "IfSteps": [
                    {
                        "Name": "Register",
                        "Type": "RegisterModel",
                        "Arguments": {"ModelUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}},
                    }
                ],
                "ElseSteps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "bad"}}],
            },
        },
    ],
}
BASES = [json.dumps(SAMPLE, indent=1)]
if SHARED_FIXTURES.is_dir():
    BASES += [p.read_text(encoding="utf-8") for p in sorted(SHARED_FIXTURES.glob("*.json"))]


def _locations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree that holds a value (as a key path)."""
    out = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _locations(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _locations(item, (*path, i))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def corrupted(draw: st.DrawFn) -> str:
    text = draw(st.one_of(st.sampled_from(BASES), definitions(strict=True).map(json.dumps)))
    doc = json.loads(text)
    how = draw(st.sampled_from(["delete", "replace", "truncate", "insert", "wrap", "describe", "several"]))
    if how in ("delete", "replace", "several"):
        for _ in range(draw(st.integers(2, 5)) if how == "several" else 1):
            places = _locations(doc)
            if not places:
                break
            place = draw(st.sampled_from(places))
            parent = _parent(doc, place)
            if how != "replace" and draw(st.booleans()):
                del parent[place[-1]]
            else:
                parent[place[-1]] = draw(JSON)
        return json.dumps(doc)
    if how == "truncate":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        junk = draw(
            st.text(st.sampled_from('{}[]",:\\ntrue0-.eE\x00\ufeff'), min_size=1, max_size=4) | st.text(max_size=4)
        )
        return text[:at] + junk + text[at:]
    if how == "wrap":
        return json.dumps([doc])
    inner = draw(st.sampled_from([text, text[: len(text) // 2], json.dumps([doc])]))
    return json.dumps({"PipelineName": draw(st.one_of(TEXT, st.none())), "PipelineDefinition": inner})


@settings(FAST, max_examples=400)
@given(corrupted())
def test_corrupted_definition_never_raises_anything_but_load_error(text: str) -> None:
    _outcome(text)


# --- (c) what loads converts and emits --------------------------------------------------------


@settings(FAST, max_examples=120)
@given(st.one_of(definitions(strict=True), definitions(strict=False)))
def test_loaded_definition_converts_and_emits(doc: dict[str, Any]) -> None:
    pipeline = _outcome(json.dumps(doc))
    if pipeline is None:
        return
    project, diags = convert(pipeline)
    event(f"{len(project.components)} components")
    assert all(d in diags for d in pipeline.diagnostics)
    assert sorted(o.step for o in project.outcomes) == sorted(s.name for s in pipeline.all_steps()), (
        "every step is reported exactly once"
    )
    files = emit(project)
    paths = [f.path for f in files]
    assert {"pipeline.yml", "README.md", "MIGRATION_REPORT.md", "report.json"} <= set(paths)
    assert len(paths) == len(set(paths))
    for file in files:
        if file.path.endswith(".yml"):
            assert isinstance(yaml.safe_load(file.text), dict), file.path
    report = json.loads(next(f.text for f in files if f.path == "report.json"))
    assert len(report["pipelines"][0]["steps"]) == len(project.outcomes)
    jobs = yaml.safe_load(next(f.text for f in files if f.path == "pipeline.yml"))["jobs"]
    assert sorted(jobs or {}) == sorted(n.name for n in project.pipeline.nodes)
