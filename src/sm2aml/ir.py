"""Source-side model: a SageMaker pipeline as the definition format describes it. No Azure words here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeAlias

from sm2aml.diagnostics import Diagnostic

# --- expressions -----------------------------------------------------------------------------

PathPart: TypeAlias = str | int


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamRef:
    """{"Get": "Parameters.X"}"""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecVar:
    """{"Get": "Execution.X"}"""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ExperimentRef:
    """{"Get": "PipelineExperimentConfig.ExperimentName|TrialName"}"""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StepProp:
    """{"Get": "Steps.S.a.b['k'][0]"} with the path parsed into parts."""

    step: str
    path: tuple[PathPart, ...]

    def dotted(self) -> str:
        """The path as SageMaker writes it, for messages: Outputs['train'] style keys kept apart."""
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += f"[{part}]"
            elif part.isidentifier():
                out += f".{part}"
            else:
                out += f"['{part}']"
        return out.lstrip(".")


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyFileRef:
    """{"Get": "Steps.S.PropertyFiles.N"}"""

    step: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Join:
    """{"Std:Join": {"On": sep, "Values": [...]}}"""

    on: str
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class JsonGet:
    """{"Std:JsonGet": {"PropertyFile": ... | "S3Uri": ..., "Path": p}}"""

    source: PropertyFileRef | Value
    path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare:
    """Equals, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo."""

    op: str
    left: Value
    right: Value


@dataclass(frozen=True, slots=True, kw_only=True)
class In:
    """{"Type": "In", "QueryValue", "Values"}"""

    query: Value
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Not:
    """{"Type": "Not", "Condition"}"""

    condition: Condition


@dataclass(frozen=True, slots=True, kw_only=True)
class Or:
    """{"Type": "Or", "Conditions"}"""

    conditions: tuple[Condition, ...]


Condition: TypeAlias = Compare | In | Not | Or
Expr: TypeAlias = ParamRef | ExecVar | ExperimentRef | StepProp | PropertyFileRef | Join | JsonGet | Condition
EXPR_TYPES = (ParamRef, ExecVar, ExperimentRef, StepProp, PropertyFileRef, Join, JsonGet, Compare, In, Not, Or)
Scalar: TypeAlias = str | int | float | bool | None
Value: TypeAlias = "Scalar | Expr | list[Value] | dict[str, Value]"

COMPARE_OPS = ("Equals", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo")
EXECUTION_VARIABLES = (
    "StartDateTime",
    "CurrentDateTime",
    "PipelineName",
    "PipelineArn",
    "PipelineExecutionId",
    "PipelineExecutionArn",
    "TrainingJobName",
    "ProcessingJobName",
)


# --- pipeline structure ----------------------------------------------------------------------

PARAMETER_TYPES = ("String", "Integer", "Float", "Boolean")


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    name: str
    type: str
    default: Scalar = None
    enum_values: tuple[Scalar, ...] = ()
    where: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheConfig:
    enabled: bool
    expire_after: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    exception_types: tuple[str, ...]
    interval_seconds: int | None = None
    backoff_rate: float | None = None
    max_attempts: int | None = None
    expire_after_min: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyFile:
    name: str
    output_name: str
    file_path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One step. Condition steps carry their nested branches; other types leave them empty."""

    name: str
    type: str
    arguments: dict[str, Value] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    display_name: str | None = None
    description: str | None = None
    cache: CacheConfig | None = None
    retry_policies: tuple[RetryPolicy, ...] = ()
    property_files: tuple[PropertyFile, ...] = ()
    extra: dict[str, Value] = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()
    if_steps: tuple[Step, ...] = ()
    else_steps: tuple[Step, ...] = ()
    known_type: bool = True
    where: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """An EventBridge schedule that starts the pipeline: a PipelineSchedule of put_triggers, an EventBridge
    Scheduler schedule or an EventBridge rule (given as `aws` CLI JSON)."""

    name: str
    expression: str  # cron(...), rate(...) or at(...)
    timezone: str | None = None  # IANA name (ScheduleExpressionTimezone); None is UTC
    start: str | None = None  # ISO 8601 instant (StartDate / start_date)
    end: str | None = None
    enabled: bool = True  # State ENABLED
    description: str = ""
    parameters: dict[str, Scalar] = field(default_factory=dict)  # PipelineParameterList: name -> value
    where: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pipeline:
    name: str
    version: str
    parameters: tuple[Parameter, ...] = ()
    steps: tuple[Step, ...] = ()
    experiment: dict[str, Value] | None = None
    metadata: dict[str, Value] = field(default_factory=dict)
    source: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    local_code: dict[str, str] = field(default_factory=dict)  # S3 URI the SDK uploads to -> local file or folder
    schedules: tuple[Schedule, ...] = ()  # what starts the pipeline on a schedule

    def all_steps(self) -> Iterator[Step]:
        """Every step, nested branch steps included, in definition order (depth first)."""
        stack = list(reversed(self.steps))
        while stack:
            step = stack.pop()
            yield step
            stack.extend(reversed(step.if_steps + step.else_steps))

    def step(self, name: str) -> Step:
        for step in self.all_steps():
            if step.name == name:
                return step
        raise KeyError(name)

    def parameter(self, name: str) -> Parameter:
        for param in self.parameters:
            if param.name == name:
                return param
        raise KeyError(name)


def assert_never(value: NoReturn) -> NoReturn:
    """Exhaustiveness check for matches over the Expr union (typing.assert_never is 3.11+)."""
    raise AssertionError(f"unhandled expression: {value!r}")


def walk(value: Value) -> Iterator[Expr]:
    """Every expression inside a value, outermost first, in document order. Iterative: arguments are large and
    mostly text, and the loader, the graph checks and the rules all walk them."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | int | float | bool) or item is None:
            continue
        if isinstance(item, dict):
            stack.extend(reversed(item.values()))
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, EXPR_TYPES):
            yield item
            stack.extend(reversed(_children(item)))


def _children(expr: Expr) -> tuple[Value, ...]:
    match expr:
        case Join(values=values):
            return values
        case JsonGet(source=source):
            return (source,)
        case Compare(left=left, right=right):
            return (left, right)
        case In(query=query, values=values):
            return (query, *values)
        case Not(condition=condition):
            return (condition,)
        case Or(conditions=conditions):
            return conditions
        case _:
            return ()


def get(value: Value, *keys: str | int) -> Value:
    """Safe nested lookup in Arguments: get(args, "AppSpecification", "ImageUri")."""
    for key in keys:
        if isinstance(key, str) and isinstance(value, dict):
            value = value.get(key)
        elif isinstance(key, int) and isinstance(value, list) and -len(value) <= key < len(value):
            value = value[key]
        else:
            return None
    return value
