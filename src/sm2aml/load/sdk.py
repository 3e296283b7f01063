"""The SageMaker SDK as the static evaluator sees it: constructors bind their arguments into Obj
records, methods and attributes behave as the SDK's do, and what a record means in a pipeline
definition is computed later, when the Pipeline is compiled (sdk_compile.py).

Names are matched on the class name under any `sagemaker.` module, so SDK v3 imports
(`sagemaker.mlops.workflow.*`, `sagemaker.core.workflow.*`) resolve to the same constructs.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_check, sdk_function, sdk_functions, sdk_notebook_job, sdk_objects
from sm2aml.load.sdk_signatures import ALIASES, OPEN, signature
from sm2aml.load.values import (
    PIPELINE_VARIABLE_KINDS,
    Args,
    BoundMethod,
    Obj,
    PathValue,
    Prop,
    Ref,
    ToString,
    Unknown,
    describe,
    not_modelled,
)

if TYPE_CHECKING:
    from sm2aml.load.interpret import Interpreter

PLACEHOLDER_ACCOUNT = "000000000000"
ASSUMED_REGION = "us-east-1"
ENUM_VALUES = {
    "ExecutionVariables": {
        "START_DATETIME": "StartDateTime",
        "CURRENT_DATETIME": "CurrentDateTime",
        "PIPELINE_NAME": "PipelineName",
        "PIPELINE_ARN": "PipelineArn",
        "PIPELINE_EXECUTION_ID": "PipelineExecutionId",
        "PIPELINE_EXECUTION_ARN": "PipelineExecutionArn",
        "TRAINING_JOB_NAME": "TrainingJobName",
        "PROCESSING_JOB_NAME": "ProcessingJobName",
    },
    "StepExceptionTypeEnum": {"SERVICE_FAULT": "Step.SERVICE_FAULT", "THROTTLING": "Step.THROTTLING"},
    "SageMakerJobExceptionTypeEnum": {
        "INTERNAL_ERROR": "SageMaker.JOB_INTERNAL_ERROR",
        "CAPACITY_ERROR": "SageMaker.CAPACITY_ERROR",
        "RESOURCE_LIMIT": "SageMaker.RESOURCE_LIMIT",
    },
    "LambdaOutputTypeEnum": {k: k for k in ("String", "Integer", "Boolean", "Float")},
    "CallbackOutputTypeEnum": {k: k for k in ("String", "Integer", "Boolean", "Float")},
    "ExperimentConfigProperties": {"EXPERIMENT_NAME": "ExperimentName", "TRIAL_NAME": "TrialName"},
}
FRAMEWORK_NAMES = {
    "SKLearn": "sklearn",
    "XGBoost": "xgboost",
    "PyTorch": "pytorch",
    "TensorFlow": "tensorflow",
    "HuggingFace": "huggingface",
    "MXNet": "mxnet",
}


class Unresolved(Exception):
    """A value that cannot go into the definition; carries the Unknown that says why."""

    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


class Model:
    """Constructors, methods and attributes of the modelled SDK classes."""

    def __init__(self, it: Interpreter) -> None:
        self.it = it
        self.pipelines: list[Obj] = []
        self.settings: dict[str, str] = {}
        self.local_code: dict[str, str] = {}  # S3 URI the SDK would upload to -> local file or folder
        self.steps: dict[str, Obj] = {}  # the last step object made under each name
        self.triggers: list[tuple[Obj, Any, str]] = []  # (pipeline, triggers given to put_triggers, where)
        self._default_session: Obj | None = None
        self._assumed: set[str] = set()  # what the SDK would ask AWS for, reported once each

    # --- calls -----------------------------------------------------------------------------------

    def call_ref(self, ref: Ref, args: Args, where: str) -> Any:
        qualname = ref.qualname
        if qualname.startswith("boto3."):
            return self._boto3(ref, args, where)
        kind = ALIASES.get(ref.short, ref.short)
        functions = sdk_functions.FUNCTIONS
        function = functions.get(kind) or functions.get(".".join(qualname.split(".")[-2:]))
        if function is not None:
            return function(self, args, where)
        if self.is_function_step_decorator(ref):
            return sdk_function.decorator(self, args, where)
        found = signature(kind)
        if found is None:
            return not_modelled(qualname, where)
        names, defaults = found
        positional = args.positional
        keywords = dict(args.keywords)
        extra: dict[str, Any] = {}
        if kind in OPEN:
            known = set(names)
            extra = {k: v for k, v in keywords.items() if k not in known}
            keywords = {k: v for k, v in keywords.items() if k in known}
        fresh = {k: copy.copy(v) if isinstance(v, list | dict) else v for k, v in defaults.items()}
        bound = Args(positional, keywords).bind(names, fresh)
        if isinstance(bound, str):
            return Unknown(f"{kind}(...) {bound}", where)
        missing = [n for n in names if n not in bound]
        if missing:
            return Unknown(f"{kind}(...) misses the argument {missing[0]!r}", where)
        obj = Obj(kind, {**bound, **extra}, where)
        return sdk_objects.construct(self, obj)

    def call_object(self, obj: Obj, args: Args, where: str) -> Any:
        """Calling a record: a step decorator or a @step function; nothing else is callable."""
        return sdk_function.call(self, obj, args, where)

    def decorate(self, decorator: Any, fn: Any, where: str) -> Any:
        """A function under `@step` / `@step(...)`."""
        return sdk_function.decorate(self, decorator, fn, where)

    def method(self, obj: Obj, name: str, args: Args, where: str) -> Any:
        if obj.kind in sdk_function.VALUE_KINDS:
            return sdk_function.method(self, obj, name, args, where)
        return sdk_objects.method(self, obj, name, args, where)

    def attribute(self, obj: Obj, name: str, where: str) -> Any:
        if obj.kind in sdk_function.VALUE_KINDS:
            return sdk_function.attribute(self, obj, name, where)
        if obj.kind == "NotebookJobProperties":
            return sdk_notebook_job.attribute(obj, name, where)
        if obj.kind == "NotebookJobStep" and name == "properties":
            return sdk_notebook_job.notebook_properties(obj)
        if obj.kind == "CheckStepProperties":
            return sdk_check.property_attribute(obj, name, where)
        if obj.kind in sdk_check.PROPERTIES and name == "properties":
            return sdk_check.check_properties(obj)
        return sdk_objects.attribute(self, obj, name, where)

    def sdk_properties(self, step: Obj) -> Prop:
        """`step.properties` of a step object."""
        return Prop(str(step.get("name")), (), step)

    def set_attribute(self, obj: Obj, name: str, value: Any) -> None:
        obj.attrs[name] = value

    def ref_attribute(self, ref: Ref, name: str, where: str) -> Any:
        values = ENUM_VALUES.get(ref.short)
        if values is not None and name in values:
            if ref.short == "ExecutionVariables":
                return ir.ExecVar(name=values[name])
            return values[name]
        return ref.child(name)

    def is_function_step_decorator(self, value: Any) -> bool:
        """`@step` or `@step(...)` of sagemaker.workflow.function_step."""
        if isinstance(value, Ref):
            return value.short == "step" and value.qualname.startswith("sagemaker") and "workflow" in value.qualname
        return isinstance(value, Obj) and value.kind == "FunctionStepDecorator"

    def _boto3(self, ref: Ref, args: Args, where: str) -> Any:
        if ref.qualname in ("boto3.Session", "boto3.session.Session"):
            region = args.keywords.get("region_name", args.positional[2] if len(args.positional) > 2 else None)
            return Obj("boto3.Session", {"region_name": region}, where)
        return Unknown(f"{ref.qualname}() talks to AWS when the pipeline is defined", where)

    # --- sessions --------------------------------------------------------------------------------

    def default_session(self, where: str) -> Obj:
        """What `Session()` gives when no session is passed: the region and bucket of the AWS account."""
        if self._default_session is None:
            self._default_session = Obj("Session", {"boto_session": None, "default_bucket": None}, where)
        return self._default_session

    def session_of(self, obj: Obj) -> Obj:
        session = obj.get("sagemaker_session") or obj.get("session")
        return session if isinstance(session, Obj) else self.default_session(obj.where)

    def region(self, session: Obj | None, where: str) -> str:
        """The session's region; the --arg region or us-east-1 (reported) when the source does not fix it."""
        if session is not None:
            boto = session.get("boto_session")
            if isinstance(boto, Obj) and isinstance(boto.get("region_name"), str):
                return str(boto.get("region_name"))
        if "region" in self.settings:
            return self.settings["region"]
        self._assume(
            "region",
            f"the AWS region is not fixed by the source: {ASSUMED_REGION} is assumed (pass --arg region=NAME)",
            where,
        )
        return ASSUMED_REGION

    def bucket(self, session: Obj | None, where: str) -> str:
        """`session.default_bucket()`: the bucket given to the session, else the SDK's default name."""
        given = session.get("default_bucket") if session is not None else None
        if isinstance(given, str) and given:
            return given
        if "default_bucket" in self.settings:
            return self.settings["default_bucket"]
        region = self.region(session, where)
        name = f"sagemaker-{region}-{PLACEHOLDER_ACCOUNT}"
        message = (
            f"the session's default bucket is looked up in AWS: the SDK's default name with a placeholder account, "
            f"{name}, is used (pass --arg default_bucket=NAME)"
        )
        self._assume("bucket", message, where)
        return name

    def _assume(self, what: str, message: str, where: str) -> None:
        if what not in self._assumed:
            self._assumed.add(what)
            self.it.report("SM2AML126", message, where)

    # --- values in the definition ------------------------------------------------------------------

    def to_ir(self, value: Any, where: str) -> Any:
        """The definition value of an evaluator value; raises Unresolved for what has none."""
        if isinstance(value, Unknown):
            raise Unresolved(value)
        if value is None or isinstance(value, str | bool | int | float):
            return value
        if isinstance(value, PathValue):
            return value.path
        if isinstance(value, list | tuple):
            return [self.to_ir(v, where) for v in value]
        if isinstance(value, dict):
            return {str(k): self.to_ir(v, where) for k, v in value.items()}
        if isinstance(value, Prop):
            if len(value.path) == 2 and value.path[0] == "PropertyFiles" and isinstance(value.path[1], str):
                return ir.PropertyFileRef(step=value.step, name=value.path[1])
            return ir.StepProp(step=value.step, path=value.path)
        if isinstance(value, ir.EXPR_TYPES):
            return value
        if isinstance(value, ToString):
            return ir.Join(on="", values=(self.to_ir(value.value, where),))
        return self._object_value(value, where)

    def _object_value(self, value: Any, where: str) -> Any:
        """Parameters and Lambda/Callback outputs stand for themselves in the definition; nothing else does."""
        if isinstance(value, Obj) and value.kind in PIPELINE_VARIABLE_KINDS:
            name = value.get("name")
            if not isinstance(name, str):
                raise Unresolved(Unknown("a parameter's name is not known statically", value.where))
            return ir.ParamRef(name=name)
        if isinstance(value, Obj) and value.kind == "DelayedReturn":
            found = sdk_function.json_get(value, where)
            if isinstance(found, Unknown):
                raise Unresolved(found)
            return found
        if isinstance(value, Obj) and value.kind in ("LambdaOutput", "CallbackOutput"):
            if isinstance(value.get("_step"), str):
                return ir.StepProp(step=value.get("_step"), path=("OutputParameters", value.get("output_name")))
        if isinstance(value, BoundMethod):
            raise Unresolved(Unknown(f"the method {value.name} is used as a value (a missing call?)", where))
        raise Unresolved(Unknown(f"{describe(value)} is used where the definition needs a value", where))

    def expr(self, value: Any, where: str) -> Any:
        """to_ir for values inside expressions (Join, conditions): Unknown stays Unknown."""
        try:
            return self.to_ir(value, where)
        except Unresolved as exc:
            return exc.unknown
