"""Operators, truth values, comparisons and f-strings over static values, as Python computes them —
and the findings when the source applies them to pipeline variables, which only exist at run time."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sm2aml.load.values import EvalError, Obj, PathValue, Unknown, describe, is_pipeline_variable, misuse

if TYPE_CHECKING:
    import libcst as cst

    from sm2aml.load.statements import Scope

MAX_ITEMS = 10_000

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add,
    "Subtract": operator.sub,
    "Multiply": operator.mul,
    "Divide": operator.truediv,
    "FloorDivide": operator.floordiv,
    "Modulo": operator.mod,
    "Power": operator.pow,
    "BitOr": operator.or_,
    "BitAnd": operator.and_,
    "BitXor": operator.xor,
    "LeftShift": operator.lshift,
    "RightShift": operator.rshift,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "Equal": operator.eq,
    "NotEqual": operator.ne,
    "LessThan": operator.lt,
    "LessThanEqual": operator.le,
    "GreaterThan": operator.gt,
    "GreaterThanEqual": operator.ge,
    "In": lambda a, b: a in b,
    "NotIn": lambda a, b: a not in b,
    "Is": lambda a, b: a is b or (a is None and b is None),
    "IsNot": lambda a, b: not (a is b or (a is None and b is None)),
}
PLAIN = (str, int, float, bool, type(None), list, tuple, dict, set, bytes)


class Operators:
    """The operator half of the evaluator; `eval` and `where` come from Evaluator."""

    def eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        raise NotImplementedError

    def where(self, node: cst.CSTNode) -> str:
        raise NotImplementedError

    def iterate(self, value: Any, node: cst.CSTNode | None = None) -> list[Any]:
        raise NotImplementedError

    def truth(self, value: Any, node: cst.CSTNode) -> bool | Unknown:
        """bool(value), when the source fixes it."""
        if isinstance(value, Unknown):
            return value
        if is_pipeline_variable(value):
            return misuse(f"{describe(value)} is used as a truth value", self.where(node))
        if isinstance(value, (*PLAIN, PathValue)):
            return bool(value)
        return True  # objects, functions, modules are truthy

    def _concat(self, left: Any, right: Any, node: cst.CSTNode) -> Any:
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        raise EvalError("implicit string concatenation of non-strings")

    def _fstring(self, node: cst.FormattedString, scope: Scope) -> Any:
        import libcst as cst

        out: list[str] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value.replace("{{", "{").replace("}}", "}"))
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            value = self.eval(part.expression, scope)
            spec = ""
            if part.format_spec:
                spec_value = self._fstring(cst.FormattedString(parts=part.format_spec), scope)
                if isinstance(spec_value, Unknown):
                    return spec_value
                spec = spec_value
            text = self.to_text(value, self.where(part.expression), conversion=part.conversion, spec=spec)
            if isinstance(text, Unknown):
                return text
            out.append(text)
        return "".join(out)

    def to_text(self, value: Any, where: str, *, conversion: str | None = None, spec: str = "") -> str | Unknown:
        """str()/repr()/format() of a value, as Python would print it."""
        if isinstance(value, Unknown):
            return value
        if is_pipeline_variable(value):
            return misuse(f"{describe(value)} is used as a Python string", where)
        if isinstance(value, PathValue):
            value = value.path
        if not isinstance(value, PLAIN):
            return Unknown(f"the text of {describe(value)} is not known statically", where)
        if conversion == "r":
            value = repr(value)
        elif conversion == "a":
            value = ascii(value)
        elif conversion == "s":
            value = str(value)
        return format(value, spec)

    def _binary(self, op: str, left: Any, right: Any, node: cst.CSTNode) -> Any:
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        if op == "Divide" and isinstance(left, PathValue) and isinstance(right, str | PathValue):
            return left.join(right if isinstance(right, str) else right.path)
        for side in (left, right):
            if is_pipeline_variable(side):
                return misuse(f"{describe(side)} is combined with an operator", self.where(node))
            if not isinstance(side, PLAIN):
                raise EvalError(f"operator on {describe(side)}")
        if op == "Multiply" and any(isinstance(s, str | list | tuple) for s in (left, right)):
            count = right if isinstance(left, str | list | tuple) else left
            if isinstance(count, int) and count > MAX_ITEMS:
                raise EvalError("sequence repetition too large")
        if op == "Power" and isinstance(right, int) and right > 1000:
            raise EvalError("power too large")
        return _BINARY[op](left, right)

    def _unary(self, op: str, value: Any, node: cst.CSTNode) -> Any:
        if op == "Not":
            truth = self.truth(value, node)
            return truth if isinstance(truth, Unknown) else not truth
        if isinstance(value, Unknown):
            return value
        if not isinstance(value, int | float) or is_pipeline_variable(value):
            raise EvalError(f"unary operator on {describe(value)}")
        unary: dict[str, Callable[[Any], Any]] = {
            "Minus": operator.neg,
            "Plus": operator.pos,
            "BitInvert": operator.invert,
        }
        return unary[op](value)

    def _boolean(self, op: str, left: cst.BaseExpression, right: cst.BaseExpression, scope: Scope) -> Any:
        first = self.eval(left, scope)
        truth = self.truth(first, left)
        if isinstance(truth, Unknown):
            return truth
        if (op == "And" and not truth) or (op == "Or" and truth):
            return first
        return self.eval(right, scope)

    def _comparison(self, node: cst.Comparison, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            op = type(target.operator).__name__
            for side in (left, right):
                if isinstance(side, Unknown):
                    return side
            if op in ("Is", "IsNot"):
                same = left is right or (left is None and right is None) or (_plain_constant(left, right))
                result: Any = same if op == "Is" else not same
            else:
                for side in (left, right):
                    if is_pipeline_variable(side):
                        return misuse(f"{describe(side)} is compared in Python (use a Condition*)", self.where(node))
                    if not isinstance(side, (*PLAIN, PathValue, Obj)):
                        raise EvalError(f"comparison with {describe(side)}")
                result = _COMPARE[op](left, right)
            if not result:
                return False
            left = right
        return True


def _plain_constant(left: Any, right: Any) -> bool:
    """`x is True` and friends on constants compare by value, as CPython's singletons do."""
    singletons = (True, False, None)
    return any(left is s and right is s for s in singletons) or (
        isinstance(left, bool) and isinstance(right, bool) and left == right
    )
