"""What the static evaluator computes: plain Python values plus these few kinds of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from sm2aml import ir

MISSING: Any = object()  # "no such name / key", distinct from None


class EvalError(Exception):
    """An expression that cannot be computed; becomes an Unknown with this message."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the source does not determine statically; `reason` says why, `where` is line:col."""

    reason: str
    where: str
    code: str = "SM2AML122"  # the finding reported when the value is needed: 124 not modelled, 125 misuse


def not_modelled(what: str, where: str) -> Unknown:
    """An SDK construct or option the source front end does not compute (SM2AML124 when needed)."""
    return Unknown(f"{what} is not modelled by the source front end", where, "SM2AML124")


def misuse(what: str, where: str) -> Unknown:
    """A pipeline variable used as a Python value; the SDK raises TypeError (SM2AML125 when needed)."""
    return Unknown(
        f"{what}; the SDK raises TypeError here (pipeline variables need .to_string() or Join)", where, "SM2AML125"
    )


@dataclass(frozen=True, slots=True)
class Ref:
    """Something imported from a library, by qualified name: `os.path.join`, `sagemaker.workflow.steps`."""

    qualname: str

    @property
    def short(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    def child(self, name: str) -> Ref:
        return Ref(f"{self.qualname}.{name}")


@dataclass(eq=False, slots=True)
class UserModule:
    """A module of the user's project, evaluated statically like the pipeline file."""

    name: str
    scope: Any  # interpret.Scope


@dataclass(frozen=True, slots=True)
class PathValue:
    """A pathlib path (kept as text; file-system calls go to the real disk)."""

    path: str

    def join(self, *parts: str) -> PathValue:
        return PathValue(str(PurePosixPath(self.path, *parts)))


@dataclass(eq=False, slots=True)
class Obj:
    """An instance of a modelled SageMaker class: its constructor arguments and later attribute changes."""

    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    where: str = ""

    def get(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)


@dataclass(frozen=True, slots=True)
class Prop:
    """`step.properties.A.B['k']`: a property of a step, by the step's name and the path."""

    step: str
    path: tuple[ir.PathPart, ...] = ()
    origin: Any = field(default=None, compare=False, hash=False)  # the step object, when known

    def child(self, part: ir.PathPart) -> Prop:
        return Prop(self.step, (*self.path, part), self.origin)


@dataclass(frozen=True, slots=True)
class ToString:
    """`variable.to_string()` of a pipeline variable that renders as Join(on="", values=[variable])."""

    value: Any


@dataclass(frozen=True, slots=True)
class BoundMethod:
    """`target.name` where target is a value the evaluator knows methods of."""

    target: Any
    name: str


@dataclass(eq=False, slots=True)
class Function:
    """A function defined in the source (a def or a lambda) with the scope it closes over."""

    name: str
    node: Any  # libcst FunctionDef or Lambda
    closure: Any  # interpret.Scope
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Args:
    """Call arguments after evaluation."""

    positional: tuple[Any, ...] = ()
    keywords: dict[str, Any] = field(default_factory=dict)

    def bind(self, names: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any] | str:
        """Map arguments to parameter names; a message when they do not fit."""
        if len(self.positional) > len(names):
            return f"takes at most {len(names)} positional arguments, got {len(self.positional)}"
        bound = dict(zip(names, self.positional, strict=False))
        for key, value in self.keywords.items():
            if key in bound:
                return f"got multiple values for argument {key!r}"
            bound[key] = value
        for key, value in defaults.items():
            bound.setdefault(key, value)
        return bound


PIPELINE_VARIABLE_KINDS = frozenset({"ParameterString", "ParameterInteger", "ParameterFloat", "ParameterBoolean"})


def is_pipeline_variable(value: Any) -> bool:
    """A run-time value of the pipeline: a parameter, a step property, an execution variable, Join, JsonGet."""
    if isinstance(value, Obj):
        return value.kind in PIPELINE_VARIABLE_KINDS
    return isinstance(value, Prop | ToString | ir.ParamRef | ir.ExecVar | ir.Join | ir.JsonGet | ir.ExperimentRef)


def describe(value: Any) -> str:
    """A short description of a value for messages."""
    match value:
        case Obj(kind=kind):
            return f"a {kind}"
        case Prop():
            return f"the step property {value.step}.{ir.StepProp(step=value.step, path=value.path).dotted()}"
        case Unknown(reason=reason):
            return reason
        case Ref(qualname=qualname):
            return qualname
        case UserModule(name=name):
            return f"module {name}"
        case Function(name=name):
            return f"function {name}"
        case _:
            return type(value).__name__


def present(
    source: Obj | dict[str, Any], pairs: tuple[tuple[str, str], ...], *, truthy: bool = False
) -> dict[str, Any]:
    """{Key: value} for each (attribute, Key) pair whose value is set (not None; truthy if asked)."""
    out: dict[str, Any] = {}
    for attr, key in pairs:
        value = source.get(attr)
        if (value if truthy else value is not None) and not (truthy and isinstance(value, Unknown)):
            out[key] = value
    return out
