"""Statements run in order over static values: assignments (tuple unpacking, attributes, items), ifs and
loops over known values, try/with bodies, function definitions; control flow as signals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sm2aml.load.evaluate import Evaluator
from sm2aml.load.values import MISSING, EvalError, Function, Obj, Unknown

if TYPE_CHECKING:
    import libcst as cst

    from sm2aml.load.sdk import Model


class Signal(Exception):
    """Control flow leaving a block: return, break, continue, raise, or the evaluation budget."""


class ReturnSignal(Signal):
    def __init__(self, value: Any) -> None:
        self.value = value


class BreakSignal(Signal):
    pass


class ContinueSignal(Signal):
    pass


class RaiseSignal(Signal):
    def __init__(self, where: str) -> None:
        self.where = where


class BudgetSignal(Signal):
    pass


class Scope:
    """Names bound in a module, a function call or a comprehension; reads fall back to enclosing scopes."""

    def __init__(self, parent: Scope | None, name: str) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.name = name
        self.globals: set[str] = set()

    def find(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return MISSING

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def assign(self, name: str, value: Any) -> None:
        (self.module() if name in self.globals else self).vars[name] = value


class Statements(Evaluator):
    """The statement half of the interpreter."""

    sdk: Model
    pins: dict[str, str]
    pinned: set[str]
    main_scope: Scope | None
    main_blocks: list[tuple[Any, Scope]]

    def report(self, code: str, message: str, where: str) -> None:
        raise NotImplementedError

    def tick(self) -> None:
        raise NotImplementedError

    def _import(self, stmt: Any, scope: Scope) -> None:
        raise NotImplementedError

    def run_block(self, body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement], scope: Scope) -> None:
        for stmt in body:
            self.run_statement(stmt, scope)

    def run_statement(self, stmt: Any, scope: Scope) -> None:
        self.tick()
        handler = _STATEMENTS.get(type(stmt).__name__)
        if handler is None:  # pass, assert, match, bare annotations: nothing to compute
            return
        try:
            getattr(self, handler)(stmt, scope)
        except (Signal, RecursionError):
            raise
        except Exception as exc:  # what Python would raise here (d[[1]] = 2, ...) stops this statement only
            message = f"this statement cannot be evaluated statically ({type(exc).__name__}: {exc}); it is skipped"
            self.report("SM2AML122", message, self.where(stmt))

    def _line(self, stmt: cst.SimpleStatementLine, scope: Scope) -> None:
        self.run_block(stmt.body, scope)

    def _expression(self, stmt: cst.Expr, scope: Scope) -> None:
        self.eval(stmt.value, scope)

    def _assign(self, stmt: cst.Assign, scope: Scope) -> None:
        result = self.eval(stmt.value, scope)
        for target in stmt.targets:
            self.bind_target(target.target, result, scope)

    def _annotated(self, stmt: cst.AnnAssign, scope: Scope) -> None:
        if stmt.value is not None:
            self.bind_target(stmt.target, self.eval(stmt.value, scope), scope)

    def _augmented(self, stmt: cst.AugAssign, scope: Scope) -> None:
        op_name = type(stmt.operator).__name__.removesuffix("Assign")
        current = self.eval(stmt.target, scope)
        if isinstance(current, list) and op_name == "Add":  # list += iterable extends in place
            extra = self.eval(stmt.value, scope)
            if isinstance(extra, Unknown):
                self.bind_target(stmt.target, extra, scope)
            else:
                current.extend(self.iterate(extra, stmt.value))
            return
        result = self._binary(op_name, current, self.eval(stmt.value, scope), stmt)
        self.bind_target(stmt.target, result, scope)

    def _return(self, stmt: cst.Return, scope: Scope) -> None:
        raise ReturnSignal(self.eval(stmt.value, scope) if stmt.value is not None else None)

    def _break(self, stmt: Any, scope: Scope) -> None:
        raise BreakSignal

    def _continue(self, stmt: Any, scope: Scope) -> None:
        raise ContinueSignal

    def _raise(self, stmt: Any, scope: Scope) -> None:
        raise RaiseSignal(self.where(stmt))

    def _declare(self, stmt: Any, scope: Scope) -> None:
        scope.globals.update(n.name.value for n in stmt.names)

    def _while(self, stmt: Any, scope: Scope) -> None:
        self.report("SM2AML123", "a while loop is not run statically; its body is skipped", self.where(stmt))

    def _with(self, stmt: cst.With, scope: Scope) -> None:
        for item in stmt.items:
            self.eval(item.item, scope)
            if item.asname is not None:
                reason = Unknown("the value of a with-statement's context manager", self.where(item))
                self.bind_target(item.asname.name, reason, scope)
        self.run_block(stmt.body.body, scope)

    def _class(self, stmt: cst.ClassDef, scope: Scope) -> None:
        name = stmt.name.value
        scope.assign(name, Unknown(f"class {name} is not evaluated statically", self.where(stmt)))

    def _delete(self, stmt: cst.Del, scope: Scope) -> None:
        import libcst as cst

        if isinstance(stmt.target, cst.Name):
            scope.vars.pop(stmt.target.value, None)

    def _if(self, stmt: cst.If, scope: Scope) -> None:
        import libcst as cst

        if _is_main_guard(stmt.test):
            self.main_blocks.append((stmt.body, scope))
            if stmt.orelse is not None:
                self.run_block(_else_body(stmt.orelse), scope)
            return
        truth = self.truth(self.eval(stmt.test, scope), stmt.test)
        if isinstance(truth, Unknown):
            self.report(
                "SM2AML123",
                f"this if statement is decided when the code runs ({truth.reason}); neither branch is evaluated",
                self.where(stmt),
            )
            return
        if truth:
            self.run_block(stmt.body.body, scope)
        elif isinstance(stmt.orelse, cst.If):
            self._if(stmt.orelse, scope)
        elif stmt.orelse is not None:
            self.run_block(stmt.orelse.body.body, scope)

    def _for(self, stmt: cst.For, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        try:
            items = self.iterate(iterable, stmt.iter) if not isinstance(iterable, Unknown) else None
        except EvalError as exc:
            iterable, items = Unknown(str(exc), self.where(stmt.iter)), None
        if items is None:
            assert isinstance(iterable, Unknown)
            self.report(
                "SM2AML123",
                f"this for loop runs over values known only when the code runs ({iterable.reason}); "
                "its body is skipped",
                self.where(stmt),
            )
            return
        for item in items:
            self.bind_target(stmt.target, item, scope)
            try:
                self.run_block(stmt.body.body, scope)
            except BreakSignal:
                return
            except ContinueSignal:
                continue
        if stmt.orelse is not None:
            self.run_block(stmt.orelse.body.body, scope)

    def _try(self, stmt: Any, scope: Scope) -> None:
        try:
            self.run_block(stmt.body.body, scope)
            if stmt.orelse is not None:
                self.run_block(stmt.orelse.body.body, scope)
        except RaiseSignal:
            if not stmt.handlers:
                raise
            self.run_block(stmt.handlers[0].body.body, scope)
        finally:
            if stmt.finalbody is not None:
                self.run_block(stmt.finalbody.body.body, scope)

    def _def(self, stmt: cst.FunctionDef, scope: Scope) -> None:
        function: Any = self.make_function(stmt, scope)
        for decorator in stmt.decorators:
            value = self.eval(decorator.decorator, scope)
            if self.sdk.is_function_step_decorator(value):
                function = self.sdk.decorate(value, function, self.where(stmt))
                break
        scope.assign(stmt.name.value, function)

    def make_function(self, node: Any, scope: Scope) -> Function:
        defaults: dict[str, Any] = {}
        params = node.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            if param.default is not None:
                defaults[param.name.value] = self.eval(param.default, scope)
        name = node.name.value if hasattr(node, "name") else "<lambda>"
        return Function(name=name, node=node, closure=scope, defaults=defaults)

    def bind_target(self, target: Any, value: Any, scope: Scope) -> None:
        import libcst as cst

        match target:
            case cst.Name(value=name):
                if scope is self.main_scope and name in self.pins:
                    self.pinned.add(name)
                    try:
                        value = typed_arg(self.pins[name], value)
                    except ValueError:
                        message = f"--arg {name}={self.pins[name]} does not fit the value {value!r} it replaces"
                        self.report("SM2AML128", message, self.where(target))
                scope.assign(name, value)
            case cst.Tuple(elements=elements) | cst.List(elements=elements):
                self._unpack(elements, value, scope, target)
            case cst.Attribute(value=owner, attr=attr):
                obj = self.eval(owner, scope)
                if isinstance(obj, Obj):
                    self.sdk.set_attribute(obj, attr.value, value)
            case cst.Subscript():
                container = self.eval(target.value, scope)
                index = target.slice[0].slice if len(target.slice) == 1 else None
                key = self.eval(index.value, scope) if isinstance(index, cst.Index) else MISSING
                if isinstance(container, dict) and not isinstance(key, Unknown) and key is not MISSING:
                    container[key] = value
                elif isinstance(container, list) and isinstance(key, int):
                    container[key] = value
            case cst.StarredElement(value=inner):
                self.bind_target(inner, value, scope)
            case _:
                pass

    def _unpack(self, elements: Sequence[Any], value: Any, scope: Scope, target: Any) -> None:
        import libcst as cst

        where = self.where(target)
        if isinstance(value, Unknown):
            items: list[Any] | None = None
        else:
            try:
                items = self.iterate(value, target)
            except EvalError as exc:
                value, items = Unknown(str(exc), where), None
        starred = [i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)]
        if items is not None and not starred and len(items) != len(elements):
            value = Unknown(f"unpacking {len(items)} values into {len(elements)} names", where)
            items = None
        for i, element in enumerate(elements):
            if items is None:
                self.bind_target(element.value, value, scope)
            elif starred and i == starred[0]:
                tail = len(elements) - i - 1
                self.bind_target(element.value, list(items[i : len(items) - tail]), scope)
            elif starred and i > starred[0]:
                self.bind_target(element.value, items[len(items) - (len(elements) - i)], scope)
            else:
                self.bind_target(element.value, items[i], scope)


_STATEMENTS: dict[str, str] = {  # statement class -> the method that runs it
    "SimpleStatementLine": "_line",
    "Expr": "_expression",
    "Assign": "_assign",
    "AnnAssign": "_annotated",
    "AugAssign": "_augmented",
    "Return": "_return",
    "Break": "_break",
    "Continue": "_continue",
    "Raise": "_raise",
    "Import": "_import",
    "ImportFrom": "_import",
    "Global": "_declare",
    "Nonlocal": "_declare",
    "If": "_if",
    "For": "_for",
    "While": "_while",
    "Try": "_try",
    "TryStar": "_try",
    "With": "_with",
    "FunctionDef": "_def",
    "ClassDef": "_class",
    "Del": "_delete",
}


def typed_arg(text: str, like: Any) -> Any:
    """An --arg value with the type of the value it replaces (ValueError when it does not fit)."""
    if isinstance(like, bool):
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(text)
        return text.lower() in ("true", "1", "yes")
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    return text


def _is_main_guard(test: Any) -> bool:
    import libcst as cst

    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    sides = (test.left, test.comparisons[0].comparator)
    names = {s.value for s in sides if isinstance(s, cst.Name)}
    strings = {s.evaluated_value for s in sides if isinstance(s, cst.SimpleString)}
    return names == {"__name__"} and strings == {"__main__"}


def _else_body(orelse: Any) -> Sequence[Any]:
    import libcst as cst

    return [orelse] if isinstance(orelse, cst.If) else orelse.body.body
