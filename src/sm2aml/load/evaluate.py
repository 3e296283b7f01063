"""A small static evaluator of Python expressions: literals, names, operators, f-strings, containers.

Calls, attribute access on library objects and statements live in interpret.py; this module only
computes what an expression denotes from values already known, never running the user's code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sm2aml.load.operators import MAX_ITEMS, Operators
from sm2aml.load.values import (
    Args,
    BoundMethod,
    EvalError,
    Function,
    Obj,
    Prop,
    Unknown,
    describe,
)

if TYPE_CHECKING:
    import libcst as cst

    from sm2aml.load.statements import Scope


class Evaluator(Operators):
    """Expression evaluation; the interpreter subclass supplies calls, attributes and scopes."""

    def where(self, node: cst.CSTNode) -> str:
        raise NotImplementedError

    def call(self, func: Any, args: Args, where: str) -> Any:
        raise NotImplementedError

    def attribute(self, value: Any, name: str, where: str) -> Any:
        raise NotImplementedError

    def lookup(self, name: str, scope: Scope, where: str) -> Any:
        raise NotImplementedError

    def make_function(self, node: cst.Lambda, scope: Scope) -> Function:
        raise NotImplementedError

    def bind_target(self, target: cst.BaseExpression, value: Any, scope: Scope) -> None:
        raise NotImplementedError

    # --- entry -------------------------------------------------------------------------------

    def eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        """The value of an expression, or an Unknown saying why it has none."""
        from sm2aml.load.statements import Signal

        try:
            return self._eval(node, scope)
        except Signal:
            raise
        except EvalError as exc:
            return Unknown(str(exc), self.where(node))
        except RecursionError:
            return Unknown("the expression nests too deeply to evaluate", self.where(node))
        except Exception as exc:  # a Python error the source itself would raise (1 + "a", {}["k"], ...)
            return Unknown(f"evaluating it raises {type(exc).__name__}: {exc}", self.where(node))

    def _eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        handler = _EXPRESSIONS.get(type(node).__name__)
        if handler is None:
            raise EvalError(f"{type(node).__name__} expressions are not evaluated statically")
        return handler(self, node, scope)

    def _name(self, node: cst.Name, scope: Scope) -> Any:
        return self.lookup(node.value, scope, self.where(node))

    def _literal(self, node: Any, scope: Scope) -> Any:
        return node.evaluated_value

    def _concatenated(self, node: cst.ConcatenatedString, scope: Scope) -> Any:
        return self._concat(self.eval(node.left, scope), self.eval(node.right, scope), node)

    def _attribute(self, node: cst.Attribute, scope: Scope) -> Any:
        target = self.eval(node.value, scope)
        if isinstance(target, Unknown):
            return target
        return self.attribute(target, node.attr.value, self.where(node))

    def _binary_node(self, node: cst.BinaryOperation, scope: Scope) -> Any:
        left, right = self.eval(node.left, scope), self.eval(node.right, scope)
        return self._binary(type(node.operator).__name__, left, right, node)

    def _unary_node(self, node: cst.UnaryOperation, scope: Scope) -> Any:
        return self._unary(type(node.operator).__name__, self.eval(node.expression, scope), node)

    def _boolean_node(self, node: cst.BooleanOperation, scope: Scope) -> Any:
        return self._boolean(type(node.operator).__name__, node.left, node.right, scope)

    def _if_expression(self, node: cst.IfExp, scope: Scope) -> Any:
        cond = self.truth(self.eval(node.test, scope), node.test)
        if isinstance(cond, Unknown):
            return cond
        return self.eval(node.body if cond else node.orelse, scope)

    def _list(self, node: cst.List, scope: Scope) -> Any:
        return list(self._elements(node.elements, scope))

    def _tuple(self, node: cst.Tuple, scope: Scope) -> Any:
        return tuple(self._elements(node.elements, scope))

    def _set(self, node: cst.Set, scope: Scope) -> Any:
        return set(self._elements(node.elements, scope))

    def _dict_node(self, node: cst.Dict, scope: Scope) -> Any:
        return self._dict(node.elements, scope)

    def _lambda(self, node: cst.Lambda, scope: Scope) -> Any:
        return self.make_function(node, scope)

    def _walrus(self, node: cst.NamedExpr, scope: Scope) -> Any:
        result = self.eval(node.value, scope)
        self.bind_target(node.target, result, scope)
        return result

    def _ellipsis(self, node: Any, scope: Scope) -> Any:
        return ...

    # --- pieces --------------------------------------------------------------------------------

    def _subscript(self, node: cst.Subscript, scope: Scope) -> Any:
        import libcst as cst

        target = self.eval(node.value, scope)
        if isinstance(target, Unknown):
            return target
        keys: list[Any] = []
        for element in node.slice:
            item = element.slice
            if isinstance(item, cst.Index):
                keys.append(self.eval(item.value, scope))
            else:
                assert isinstance(item, cst.Slice)
                parts = [self.eval(p, scope) if p is not None else None for p in (item.lower, item.upper, item.step)]
                keys.append(slice(*parts))
        key: Any = keys[0] if len(keys) == 1 else tuple(keys)
        for part in keys:
            if isinstance(part, Unknown):
                return part
        return self.index(target, key, self.where(node))

    def index(self, target: Any, key: Any, where: str) -> Any:
        if isinstance(target, Prop):
            if isinstance(key, str | int) and not isinstance(key, bool):
                return target.child(key)
            raise EvalError(f"a step property is indexed with {describe(key)}")
        if isinstance(target, Obj):
            return self.call(BoundMethod(target, "__getitem__"), Args((key,)), where)
        if isinstance(target, list | tuple | str | dict | bytes):
            try:
                return target[key]
            except (IndexError, KeyError, TypeError) as exc:
                raise EvalError(f"indexing raises {type(exc).__name__}: {exc}") from None
        raise EvalError(f"{describe(target)} cannot be indexed statically")

    def _call(self, node: cst.Call, scope: Scope) -> Any:
        func = self.eval(node.func, scope)
        positional: list[Any] = []
        keywords: dict[str, Any] = {}
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                if isinstance(value, Unknown):
                    return value
                positional.extend(self.iterate(value, arg.value))
            elif arg.star == "**":
                if isinstance(value, Unknown):
                    return value
                if not isinstance(value, dict):
                    raise EvalError(f"** of {describe(value)}")
                keywords.update(value)
            elif arg.keyword is not None:
                keywords[arg.keyword.value] = value
            else:
                positional.append(value)
        if isinstance(func, Unknown):
            return func
        return self.call(func, Args(tuple(positional), keywords), self.where(node))

    def iterate(self, value: Any, node: cst.CSTNode | None = None) -> list[Any]:
        """The items of an iterable the source fixes."""
        if isinstance(value, list | tuple | str | set | frozenset | range | bytes):
            items = list(value)
        elif isinstance(value, dict):
            items = list(value)
        elif isinstance(value, Iterator):
            items = list(value)
        else:
            raise EvalError(f"iterating over {describe(value)} is not possible statically")
        if len(items) > MAX_ITEMS:
            raise EvalError(f"more than {MAX_ITEMS} items")
        return items

    def _elements(self, elements: Any, scope: Scope) -> Iterator[Any]:
        import libcst as cst

        for element in elements:
            value = self.eval(element.value, scope)
            if isinstance(element, cst.StarredElement):
                if isinstance(value, Unknown):
                    raise EvalError(value.reason)
                yield from self.iterate(value, element)
            else:
                yield value

    def _dict(self, elements: Any, scope: Scope) -> dict[Any, Any]:
        import libcst as cst

        out: dict[Any, Any] = {}
        for element in elements:
            if isinstance(element, cst.StarredDictElement):
                value = self.eval(element.value, scope)
                if not isinstance(value, dict):
                    raise EvalError(f"** of {describe(value)} in a dict display")
                out.update(value)
            else:
                key = self.eval(element.key, scope)
                if isinstance(key, Unknown):
                    raise EvalError(f"a dict key is not known: {key.reason}")
                out[key] = self.eval(element.value, scope)
        return out

    def _comprehension(self, node: Any, scope: Scope) -> Any:
        import libcst as cst

        from sm2aml.load.statements import Scope as ScopeClass

        inner = ScopeClass(scope, "<comprehension>")
        results: list[Any] = []

        def run(comp: cst.CompFor) -> None:
            iterable = self.eval(comp.iter, inner)
            if isinstance(iterable, Unknown):
                raise EvalError(iterable.reason)
            for item in self.iterate(iterable, comp.iter):
                self.bind_target(comp.target, item, inner)
                keep = True
                for cond in comp.ifs:
                    truth = self.truth(self.eval(cond.test, inner), cond.test)
                    if isinstance(truth, Unknown):
                        raise EvalError(truth.reason)
                    keep = keep and truth
                if not keep:
                    continue
                if comp.inner_for_in is not None:
                    run(comp.inner_for_in)
                elif isinstance(node, cst.DictComp):
                    results.append((self.eval(node.key, inner), self.eval(node.value, inner)))
                else:
                    results.append(self.eval(node.elt, inner))
                if len(results) > MAX_ITEMS:
                    raise EvalError(f"more than {MAX_ITEMS} items")

        run(node.for_in)
        if isinstance(node, cst.DictComp):
            return dict(results)
        if isinstance(node, cst.SetComp):
            return set(results)
        return results if isinstance(node, cst.ListComp) else iter(results)


_EXPRESSIONS: dict[str, Callable[[Evaluator, Any, Scope], Any]] = {
    "Name": Evaluator._name,
    "SimpleString": Evaluator._literal,
    "Integer": Evaluator._literal,
    "Float": Evaluator._literal,
    "Imaginary": Evaluator._literal,
    "ConcatenatedString": Evaluator._concatenated,
    "FormattedString": Evaluator._fstring,
    "Attribute": Evaluator._attribute,
    "Subscript": Evaluator._subscript,
    "Call": Evaluator._call,
    "BinaryOperation": Evaluator._binary_node,
    "UnaryOperation": Evaluator._unary_node,
    "BooleanOperation": Evaluator._boolean_node,
    "Comparison": Evaluator._comparison,
    "IfExp": Evaluator._if_expression,
    "List": Evaluator._list,
    "Tuple": Evaluator._tuple,
    "Set": Evaluator._set,
    "Dict": Evaluator._dict_node,
    "ListComp": Evaluator._comprehension,
    "SetComp": Evaluator._comprehension,
    "GeneratorExp": Evaluator._comprehension,
    "DictComp": Evaluator._comprehension,
    "Lambda": Evaluator._lambda,
    "NamedExpr": Evaluator._walrus,
    "Ellipsis": Evaluator._ellipsis,
}
