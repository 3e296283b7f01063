"""Runs the statements of a pipeline file in order over static values: assignments, ifs and loops
over known values, calls of the file's own functions, imports of modules next to it.

Nothing of the user's code is executed by Python: the evaluator walks the syntax tree and models
the SageMaker SDK (sdk.py) and a few standard-library functions (pybuiltins.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.diagnostics import Diagnostics
from sm2aml.load import pybuiltins, sdk
from sm2aml.load.operators import PLAIN
from sm2aml.load.statements import (
    BreakSignal,
    BudgetSignal,
    ContinueSignal,
    RaiseSignal,
    ReturnSignal,
    Scope,
    Statements,
)
from sm2aml.load.values import (
    MISSING,
    Args,
    BoundMethod,
    Function,
    Obj,
    PathValue,
    Prop,
    Ref,
    ToString,
    Unknown,
    UserModule,
    describe,
)

if TYPE_CHECKING:
    import libcst as cst

MAX_DEPTH = 60
MAX_STATEMENTS = 200_000
LIBRARIES = frozenset(
    {
        "sagemaker", "boto3", "botocore", "os", "sys", "json", "pathlib", "time", "datetime", "logging", "typing",
        "uuid", "re", "copy", "argparse", "warnings", "functools", "collections", "dataclasses", "yaml", "numpy",
        "pandas", "random", "shutil", "subprocess", "tempfile", "io", "__future__", "abc", "enum", "textwrap",
    }
)  # fmt: skip
SDK_PREFIXES = ("sagemaker.", "boto3.")
OUTPUT_STEPS = ("LambdaStep", "CallbackStep")


class Interpreter(Statements):
    """Evaluates one pipeline file (and the local modules it imports) statically."""

    def __init__(self, *, path: Path, diags: Diagnostics) -> None:
        self.path = path
        self.base_dir = str(path.parent)
        self.diags = diags
        self.depth = 0
        self.statements = 0
        self._where: list[tuple[Mapping[Any, Any], str]] = []
        self._modules: dict[str, UserModule | None] = {}
        self._seen: set[tuple[str, str, str]] = set()
        self.main_blocks: list[tuple[Any, Scope]] = []
        self.sdk = sdk.Model(self)
        self.lines: Callable[[int], str] | None = None  # notebook: a line of the joined cells -> "cellN:line"
        self.pins: dict[str, str] = {}  # --arg values for top-level names when there is no factory
        self.pinned: set[str] = set()
        self.main_scope: Scope | None = None

    # --- diagnostics and places ----------------------------------------------------------------

    def report(self, code: str, message: str, where: str) -> None:
        key = (code, where, message)
        if key not in self._seen:
            self._seen.add(key)
            self.diags.add(code, message, where=where)

    def unresolved(self, value: Unknown, needed_for: str) -> None:
        """A value the definition needs is unknown: reported where it came from, with why."""
        self.report(value.code, f"{needed_for} is left out: {value.reason}", value.where)

    def where(self, node: cst.CSTNode) -> str:
        for positions, prefix in self._where:
            if node in positions:
                start = positions[node].start
                line = self.lines(start.line) if self.lines is not None and not prefix else str(start.line)
                return f"{prefix}{line}:{start.column + 1}"
        return ""

    def local_path(self, path: str) -> str:
        """A path the SDK would read, resolved the way the pipeline's own folder sees it."""
        return path if Path(path).is_absolute() else str(Path(self.base_dir, path))

    def environment_value(self, key: str, default: Any, where: str) -> Any:
        if default is None:
            return Unknown(f"the environment variable {key} is read when the pipeline is defined", where)
        self.report(
            "SM2AML126", f"the environment variable {key} is assumed unset: its default {default!r} is used", where
        )
        return default

    def tick(self) -> None:
        self.statements += 1
        if self.statements > MAX_STATEMENTS:
            raise BudgetSignal

    # --- modules ---------------------------------------------------------------------------------

    def run_module(self, text: str, path: Path, name: str, module: cst.Module | None = None) -> Scope:
        """Parse (unless given) and run a module; raises libcst.ParserSyntaxError for malformed source."""
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider

        module = module if module is not None else cst.parse_module(text)
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        prefix = "" if path == self.path else f"{_relative(path, Path(self.base_dir))}:"
        self._where.append((_positions(wrapper, PositionProvider), prefix))
        scope = Scope(None, name)
        scope.vars["__file__"] = str(path)
        scope.vars["__name__"] = name
        if path == self.path:
            self.main_scope = scope
        self.run_block(module.body, scope)
        return scope

    def import_module(self, dotted: str, level: int, where: str) -> Any:
        """A module of the user's project found next to the pipeline file, else a library reference."""
        top = dotted.split(".", 1)[0]
        if level == 0 and (not dotted or top in LIBRARIES):
            return Ref(dotted)
        found = self._find_module(dotted, level)
        if found is None:
            shown = "." * level + dotted
            return Unknown(
                f"the module {shown} is neither next to the pipeline file nor a library sm2aml models", where
            )
        key = str(found)
        if key not in self._modules:
            self._modules[key] = None  # an import cycle sees an unfinished module as missing
            try:
                scope = self.run_module(found.read_text(encoding="utf-8-sig"), found, dotted or found.stem)
            except Exception as exc:  # a local module that does not parse is a finding, not a crash
                self.report("SM2AML122", f"the local module {found.name} cannot be read: {exc}", where)
                return Unknown(f"the local module {found.name} cannot be read", where)
            self._modules[key] = UserModule(dotted, scope)
        module = self._modules[key]
        return module if module is not None else Unknown(f"{dotted} imports itself", where)

    def _find_module(self, dotted: str, level: int) -> Path | None:
        parts = [p for p in dotted.split(".") if p]
        if level:
            roots = [Path(self.base_dir).joinpath(*[".."] * (level - 1)).resolve()]
        else:
            here = Path(self.base_dir).resolve()
            roots = [here, *list(here.parents)[:3]]
        for root in roots:
            base = root.joinpath(*parts) if parts else root
            for candidate in (base.with_suffix(".py") if parts else None, base / "__init__.py"):
                if candidate is not None and candidate.is_file() and candidate.resolve() != self.path.resolve():
                    return candidate
        return None

    # --- statements ------------------------------------------------------------------------------

    def _import(self, stmt: Any, scope: Scope) -> None:
        import libcst as cst

        where = self.where(stmt)
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                dotted = _dotted(alias.name)
                if alias.asname is not None:
                    scope.assign(_dotted(alias.asname.name), self.import_module(dotted, 0, where))
                else:
                    top = dotted.split(".", 1)[0]
                    scope.assign(top, self.import_module(top, 0, where))
            return
        module_name = _dotted(stmt.module) if stmt.module is not None else ""
        level = len(stmt.relative)
        if isinstance(stmt.names, cst.ImportStar):
            module = self.import_module(module_name, level, where)
            if isinstance(module, UserModule):
                scope.vars.update({k: v for k, v in module.scope.vars.items() if not k.startswith("_")})
            return
        for alias in stmt.names:
            name = _dotted(alias.name)
            bound = _dotted(alias.asname.name) if alias.asname is not None else name
            module = self.import_module(module_name, level, where)
            if isinstance(module, UserModule):
                value = module.scope.vars.get(name, MISSING)
                if value is MISSING:
                    sub = f"{module_name}.{name}" if module_name else name
                    value = self.import_module(sub, level, where)
            elif isinstance(module, Ref):
                value = module.child(name) if module.qualname else Ref(name)
            else:
                value = module
            scope.assign(bound, value)

    # --- names, attributes, calls ----------------------------------------------------------------

    def lookup(self, name: str, scope: Scope, where: str) -> Any:
        constants = {"True": True, "False": False, "None": None}
        if name in constants:
            return constants[name]
        value = scope.find(name)
        if value is not MISSING:
            return value
        if name in pybuiltins.BUILTIN_NAMES:
            return Ref(f"builtins.{name}")
        return Unknown(f"the name {name!r} is not defined in this file", where)

    def attribute(self, value: Any, name: str, where: str) -> Any:
        match value:
            case Unknown():
                return value
            case Ref(qualname=qualname):
                if qualname.startswith(SDK_PREFIXES) or qualname in ("sagemaker", "boto3"):
                    return self.sdk.ref_attribute(value, name, where)
                return value.child(name)
            case UserModule(scope=scope):
                found = scope.vars.get(name, MISSING)
                return found if found is not MISSING else Unknown(f"{value.name}.{name} is not defined", where)
            case Obj():
                return self.sdk.attribute(value, name, where)
            case Prop(path=path, origin=origin):
                if name == "to_string":
                    return BoundMethod(value, name)
                if not path and name == "Outputs" and isinstance(origin, Obj) and origin.kind in OUTPUT_STEPS:
                    return value.child("OutputParameters")  # lambda_step.properties.Outputs[name]
                return value.child(name)
            case ir.Join() | ir.JsonGet() | ir.ExecVar() | ir.ParamRef():
                if name == "to_string":
                    return BoundMethod(value, name)
                return Unknown(f"{describe(value)} has no attribute {name!r} the evaluator models", where)
        found = pybuiltins.attribute(value, name)
        if found is pybuiltins.NOT_HANDLED:
            return Unknown(f"{describe(value)}.{name} is not known statically", where)
        return found

    def call(self, func: Any, args: Args, where: str) -> Any:
        match func:
            case Unknown():
                return func
            case Function():
                return self.call_function(func, args, where)
            case Ref(qualname=qualname):
                if qualname.startswith(SDK_PREFIXES):
                    return self.sdk.call_ref(func, args, where)
                result = pybuiltins.call(self, qualname, args, where)
                if result is pybuiltins.NOT_HANDLED:
                    return Unknown(f"{qualname}() is not evaluated statically", where)
                return result
            case BoundMethod(target=Obj() as obj, name=name):
                return self.sdk.method(obj, name, args, where)
            case Obj():
                return self.sdk.call_object(func, args, where)
            case BoundMethod(target=target, name="to_string"):
                if isinstance(target, ir.Join | ir.ExecVar):
                    return target
                return self.sdk.expr(ToString(target), where)
            case BoundMethod(target=target, name=name) if isinstance(target, (*PLAIN, PathValue)):
                return pybuiltins.method(self, target, name, args, where)
        return Unknown(f"{describe(func)} cannot be called statically", where)

    def call_function(self, fn: Function, args: Args, where: str) -> Any:
        import libcst as cst

        if self.depth >= MAX_DEPTH:
            return Unknown(f"calls nest more than {MAX_DEPTH} deep (recursion?)", where)
        scope = Scope(fn.closure, fn.name)
        problem = self._bind_parameters(fn, args, scope)
        if problem:
            return Unknown(f"the call of {fn.name} does not fit its parameters: {problem}", where)
        self.depth += 1
        try:
            if isinstance(fn.node, cst.Lambda):
                return self.eval(fn.node.body, scope)
            self.run_block(fn.node.body.body, scope)
            return None
        except ReturnSignal as ret:
            return ret.value
        except RaiseSignal as exc:
            return Unknown(f"{fn.name} raises an exception at {exc.where}", where)
        except (BreakSignal, ContinueSignal):
            return None
        finally:
            self.depth -= 1

    def _bind_parameters(self, fn: Function, args: Args, scope: Scope) -> str:
        params = fn.node.params
        positional = list(args.positional)
        keywords = dict(args.keywords)
        for param in [*params.posonly_params, *params.params]:
            name = param.name.value
            if positional:
                scope.vars[name] = positional.pop(0)
            elif name in keywords:
                scope.vars[name] = keywords.pop(name)
            elif name in fn.defaults:
                scope.vars[name] = fn.defaults[name]
            else:
                return f"missing argument {name!r}"
        return self._bind_rest(fn, positional, keywords, scope)

    def _bind_rest(self, fn: Function, positional: list[Any], keywords: dict[str, Any], scope: Scope) -> str:
        """*args, keyword-only parameters and **kwargs."""
        import libcst as cst

        params = fn.node.params
        star = params.star_arg
        if isinstance(star, cst.Param):
            scope.vars[star.name.value] = tuple(positional)
            positional = []
        if positional:
            return f"{len(positional)} extra positional arguments"
        for param in params.kwonly_params:
            name = param.name.value
            if name in keywords:
                scope.vars[name] = keywords.pop(name)
            elif name in fn.defaults:
                scope.vars[name] = fn.defaults[name]
            else:
                return f"missing keyword argument {name!r}"
        if params.star_kwarg is not None:
            scope.vars[params.star_kwarg.name.value] = keywords
        elif keywords:
            return f"unexpected keyword arguments {', '.join(sorted(keywords))}"
        return ""


_STATEMENTS: dict[str, Callable[[Interpreter, Any, Scope], None]] = {
    "SimpleStatementLine": Interpreter._line,
    "Expr": Interpreter._expression,
    "Assign": Interpreter._assign,
    "AnnAssign": Interpreter._annotated,
    "AugAssign": Interpreter._augmented,
    "Return": Interpreter._return,
    "Break": Interpreter._break,
    "Continue": Interpreter._continue,
    "Raise": Interpreter._raise,
    "Import": Interpreter._import,
    "ImportFrom": Interpreter._import,
    "Global": Interpreter._declare,
    "Nonlocal": Interpreter._declare,
    "If": Interpreter._if,
    "For": Interpreter._for,
    "While": Interpreter._while,
    "Try": Interpreter._try,
    "TryStar": Interpreter._try,
    "With": Interpreter._with,
    "FunctionDef": Interpreter._def,
    "ClassDef": Interpreter._class,
    "Del": Interpreter._delete,
}


def _dotted(node: Any) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return str(node.value)
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.name


def _positions(wrapper: Any, provider: Any) -> Any:
    """Positions of every node. `wrapper.resolve()` would also walk the whole tree a second time
    with an empty batch of visitors (libcst 1.x resolves non-batchable providers that way), which
    is a fifth of reading a pipeline file; generating the one provider directly skips that walk."""
    generate = getattr(provider(), "_gen", None)
    return generate(wrapper) if generate is not None else wrapper.resolve(provider)
