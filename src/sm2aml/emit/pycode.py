"""Python expressions for the SDK target, and the one filter that writes them (values through `ascii`/`repr`).

The text is laid out as `ruff format` (default settings) lays it out: a call, list or dict of plain values
stays on one line when it fits, anything else is written one item per line with a trailing comma (which
ruff keeps), and the right-hand side of a statement is parenthesised exactly when ruff would do it.
tests/emit/test_pycode.py checks this against ruff at every width.
"""

from __future__ import annotations

import keyword
import math
from dataclasses import dataclass
from typing import Any

LINE_LENGTH = 88  # ruff format's default; the emitted project has no formatter configuration of its own
INDENT = 4


def _check_dotted(text: str) -> str:
    parts = text.split(".")
    if not all(p.isidentifier() and p.isascii() and not keyword.iskeyword(p) for p in parts):
        raise ValueError(f"not a Python name: {text!r}")
    return text


@dataclass(frozen=True, slots=True)
class Code:
    """A name or an attribute path (`node.outputs.model`), written as it is."""

    text: str

    def __post_init__(self) -> None:
        _check_dotted(self.text)


@dataclass(frozen=True, slots=True)
class Call:
    """A call: positional arguments, then keyword arguments."""

    func: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        _check_dotted(self.func)
        for key, _ in self.kwargs:
            _check_dotted(key)


def call(func: str, *args: Any, **kwargs: Any) -> Call:
    """A Call; keyword arguments whose value is None are left out."""
    return Call(func, args, tuple((k, v) for k, v in kwargs.items() if v is not None))


def string(text: str) -> str:
    """A one-line ASCII string literal, with the quotes ruff format prefers (double unless that escapes more)."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    body = "".join("\\" + c if c == quote else ascii(c)[1:-1] for c in text)
    return quote + body + quote


NAN = "1e999 - 1e999"


def number(value: float) -> str:
    if math.isnan(value):
        return NAN  # no name needed (a pipeline input may be called `float`)
    if math.isinf(value):
        return "1e999" if value > 0 else "-1e999"
    return repr(value).replace("e+", "e")


def _atom(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str | Code)


def _expr(value: Any, indent: int, lead: int = 0, trail: int = 1, flat: bool = True) -> str:
    """`value` on a line of `indent` spaces and `lead` characters before it and `trail` after it (the ',' that
    ends an item). A call, list or dict of atoms that fits on the line is written on it (as ruff format keeps
    it); otherwise one item per line with a trailing comma (which ruff format keeps as it is)."""
    match value:
        case None | bool():
            return repr(value)
        case int():
            return repr(value)
        case float():
            return number(value)
        case str():
            return string(value)
        case Code(text=text):
            return text
        case Call(func=func, args=args, kwargs=kwargs):
            items = [_expr(a, indent + INDENT) for a in args]
            items += [f"{k}={_expr(v, indent + INDENT, len(k) + 1)}" for k, v in kwargs]
            atoms = all(map(_atom, [*args, *(v for _, v in kwargs)]))
            return _layout(func + "(", items, ")", indent=indent, lead=lead, trail=trail, flat=flat and atoms)
        case list() | tuple():
            items = [_expr(v, indent + INDENT) for v in value]
            return _layout("[", items, "]", indent=indent, lead=lead, trail=trail, flat=flat and all(map(_atom, value)))
        case dict():
            if not all(isinstance(k, str) for k in value):
                raise TypeError(f"dictionary keys must be strings: {value!r}")
            keys = {k: string(k) + ": " for k in value}
            items = [keys[k] + _expr(v, indent + INDENT, len(keys[k])) for k, v in value.items()]
            atoms = all(map(_atom, value.values()))
            return _layout("{", items, "}", indent=indent, lead=lead, trail=trail, flat=flat and atoms)
    raise TypeError(f"cannot write {type(value).__name__} as Python: {value!r}")


def _layout(opening: str, items: list[str], closing: str, *, indent: int, lead: int, trail: int, flat: bool) -> str:
    if not items:
        return opening + closing
    one_line = opening + ", ".join(items) + closing
    if flat and indent + lead + len(one_line) + trail <= LINE_LENGTH:
        return one_line
    inner = " " * (indent + INDENT)
    return opening + "\n" + "".join(f"{inner}{_fit(item, inner)},\n" for item in items) + " " * indent + closing


def _fit(item: str, inner: str) -> str:
    """An item ending in NaN's subtraction that is too long for its line: ruff format breaks it before the '-'."""
    if item.endswith(NAN) and "\n" not in item and len(inner) + len(item) + 1 > LINE_LENGTH:
        return item.removesuffix(" - 1e999") + f"\n{inner}- 1e999"
    return item


def python_value(value: Any, indent: int = 0, prefix: str = "", suffix: str = "", statement: bool = False) -> str:
    """A Python expression that evaluates to `value` (scalars, lists, dicts, Code and Call) on a line of `indent`
    spaces, `prefix` and `suffix`, laid out as ruff format lays it out. In a statement (`prefix` is its target
    and ` = `), a right-hand side whose first line does not fit is parenthesised on lines of its own when that
    makes every line fit, as ruff format does."""
    text = _expr(value, indent, len(prefix), len(suffix))
    if not statement:
        return text
    head = text.split("\n", 1)[0]  # the value, or the first line of a call, list or dict: `func(`
    if indent + len(prefix) + len(head) + (len(suffix) if head == text else 0) <= LINE_LENGTH:
        return text
    wrapped = f"(\n{' ' * (indent + INDENT)}{_expr(value, indent + INDENT, 0, 0, flat=False)}\n{' ' * indent})"
    lines = wrapped.split("\n")
    if indent + len(prefix) + 1 <= LINE_LENGTH and all(len(line) <= LINE_LENGTH for line in lines[1:]):
        return wrapped  # every line fits only this way
    if isinstance(value, float) and math.isnan(value):
        return wrapped  # NaN is a subtraction, and ruff parenthesises a long one whether or not that helps
    return text
