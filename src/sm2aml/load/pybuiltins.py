"""The Python built-ins and standard-library calls a pipeline file uses to compute names and paths.

Only pure functions of known values are computed (os.path on the pipeline's own folder, str
methods, json); anything that depends on the machine, the clock or the network is Unknown.
"""

from __future__ import annotations

import copy
import json
import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sm2aml.load.operators import PLAIN
from sm2aml.load.values import (
    Args,
    BoundMethod,
    EvalError,
    Function,
    Obj,
    PathValue,
    Ref,
    Unknown,
    describe,
    is_pipeline_variable,
    misuse,
)

if TYPE_CHECKING:
    from sm2aml.load.interpret import Interpreter

NOT_HANDLED: Any = object()

BUILTIN_NAMES = frozenset(
    {
        "str", "int", "float", "bool", "len", "list", "tuple", "dict", "set", "frozenset", "sorted", "reversed",
        "enumerate", "zip", "range", "min", "max", "sum", "abs", "round", "any", "all", "repr", "format", "print",
        "isinstance", "map", "filter", "getattr", "hasattr", "iter", "next", "open", "input", "type", "vars",
        "Exception", "ValueError", "TypeError", "KeyError", "RuntimeError", "NotImplementedError", "object",
    }
)  # fmt: skip
_PURE: dict[str, Callable[..., Any]] = {
    "int": int, "float": float, "bool": bool, "len": len, "list": list, "tuple": tuple, "dict": dict, "set": set,
    "frozenset": frozenset, "sorted": sorted, "reversed": lambda x: list(reversed(x)), "enumerate": enumerate,
    "zip": zip, "range": range, "min": min, "max": max, "sum": sum, "abs": abs, "round": round, "any": any,
    "all": all, "repr": repr, "iter": iter, "next": next,
}  # fmt: skip
_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "tuple": tuple, "dict": dict, "set": set}
_OS_PATH_PURE = {
    "join",
    "dirname",
    "basename",
    "normpath",
    "splitext",
    "split",
    "isabs",
    "relpath",
    "commonpath",
}
_OS_PATH_DISK = {"abspath", "realpath", "exists", "isfile", "isdir", "expanduser"}
STR_METHODS = frozenset(
    {
        "format", "join", "replace", "split", "rsplit", "strip", "lstrip", "rstrip", "lower", "upper", "startswith",
        "endswith", "title", "capitalize", "removeprefix", "removesuffix", "partition", "rpartition", "zfill",
        "find", "rfind", "count", "splitlines", "isdigit", "isalpha", "isalnum", "isidentifier", "casefold",
        "center", "ljust", "rjust", "index", "format_map", "isupper", "islower", "swapcase", "expandtabs",
    }
)  # fmt: skip
LIST_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "index", "count", "copy", "reverse", "sort"})
DICT_METHODS = frozenset({"get", "items", "keys", "values", "update", "copy", "pop", "setdefault", "clear"})
SET_METHODS = frozenset({"add", "update", "union", "intersection", "difference", "discard", "copy"})
_CLOCK = ("time.", "datetime.", "uuid.", "random.", "secrets.", "socket.", "getpass.", "platform.", "subprocess.")


def plain_args(args: Args, where: str, what: str) -> Args:
    """Arguments for a Python built-in: paths as text, pipeline variables and objects refused."""

    def fix(value: Any) -> Any:
        if isinstance(value, PathValue):
            return value.path
        if isinstance(value, Unknown):
            raise _Stop(value)
        if is_pipeline_variable(value):
            raise _Stop(misuse(f"{describe(value)} is passed to {what}", where))
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, tuple):
            return tuple(fix(v) for v in value)
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, Obj | Function):
            raise _Stop(Unknown(f"{describe(value)} is passed to {what}, which needs a plain value", where))
        return value

    return Args(tuple(fix(v) for v in args.positional), {k: fix(v) for k, v in args.keywords.items()})


class _Stop(Exception):
    def __init__(self, unknown: Unknown) -> None:
        self.unknown = unknown


def call(it: Interpreter, qualname: str, args: Args, where: str) -> Any:
    """A call of a built-in or standard-library function, or NOT_HANDLED."""
    try:
        return _call(it, qualname, args, where)
    except _Stop as stop:
        return stop.unknown


def _call(it: Interpreter, qualname: str, args: Args, where: str) -> Any:
    module, _, name = qualname.rpartition(".")
    if module == "builtins":
        return _builtin(it, name, args, where)
    if module in ("os.path", "posixpath"):
        clean = plain_args(args, where, f"os.path.{name}")
        if name in _OS_PATH_DISK and clean.positional and isinstance(clean.positional[0], str):
            return getattr(os.path, name)(it.local_path(clean.positional[0]))
        if name in _OS_PATH_PURE:
            return getattr(os.path, name)(*clean.positional, **clean.keywords)
        return NOT_HANDLED
    if qualname in ("os.getcwd", "pathlib.Path.cwd"):
        return it.base_dir if qualname == "os.getcwd" else PathValue(it.base_dir)
    if qualname in ("os.getenv", "os.environ.get"):
        clean = plain_args(args, where, qualname)
        key = clean.positional[0] if clean.positional else clean.keywords.get("key")
        default = clean.positional[1] if len(clean.positional) > 1 else clean.keywords.get("default")
        return it.environment_value(str(key), default, where)
    if qualname in ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"):
        clean = plain_args(args, where, "Path")
        parts = [str(p) for p in clean.positional] or ["."]
        return PathValue(str(Path(*parts)))
    if qualname in ("json.dumps", "json.loads"):
        clean = plain_args(args, where, qualname)
        return getattr(json, name)(*clean.positional, **clean.keywords)
    if qualname in ("copy.copy", "copy.deepcopy"):
        value = args.positional[0] if args.positional else None
        return copy.deepcopy(value) if isinstance(value, PLAIN) else value
    if qualname in ("os.makedirs", "os.mkdir", "logging.basicConfig", "warnings.filterwarnings", "warnings.warn"):
        return None
    if qualname == "datetime.datetime":
        return _datetime(args, where)
    if qualname.startswith(_CLOCK):
        return Unknown(f"{qualname}() depends on when and where the pipeline is defined", where)
    return NOT_HANDLED


_UTC = frozenset({"datetime.timezone.utc", "pytz.utc", "pytz.UTC", "datetime.UTC", "dateutil.tz.UTC"})


def _datetime(args: Args, where: str) -> Any:
    """datetime(year, month, day, hour, minute, second) naive or in UTC (a schedule's date); else Unknown."""
    import datetime as dt

    tz = args.keywords.get("tzinfo")
    keywords = {k: v for k, v in args.keywords.items() if k != "tzinfo"}
    if tz is not None and not (isinstance(tz, Ref) and tz.qualname in _UTC):
        return Unknown("a datetime in a time zone other than UTC", where)
    clean = plain_args(Args(args.positional, keywords), where, "datetime")
    try:
        value = dt.datetime(*clean.positional, **clean.keywords)
    except (TypeError, ValueError) as exc:
        return Unknown(f"datetime(...): {exc}", where)
    return value.replace(tzinfo=dt.timezone.utc) if tz is not None else value


def _builtin(it: Interpreter, name: str, args: Args, where: str) -> Any:
    special = _SPECIAL.get(name)
    if special is not None:
        return special(it, name, args, where)
    if name in ("open", "input", "type", "vars"):
        return Unknown(f"{name}() is not evaluated statically", where)
    if name not in _PURE:
        return Unknown(f"{name} instances are not modelled", where)
    clean = plain_args(args, where, f"{name}()")
    result = _PURE[name](*clean.positional, **clean.keywords)
    if name in ("enumerate", "zip", "reversed", "iter"):
        return list(result)
    return result


def _print(it: Interpreter, name: str, args: Args, where: str) -> Any:
    return None


def _str(it: Interpreter, name: str, args: Args, where: str) -> Any:
    if not args.positional:
        return ""
    spec = args.positional[1] if name == "format" and len(args.positional) > 1 else ""
    return it.to_text(args.positional[0], where, spec=str(spec))


def _getattr(it: Interpreter, name: str, args: Args, where: str) -> Any:
    target, attr = args.positional[0], args.positional[1]
    if not isinstance(attr, str):
        raise EvalError(f"{name} with a computed attribute name")
    value = it.attribute(target, attr, where)
    if name == "hasattr":
        return not isinstance(value, Unknown)
    if isinstance(value, Unknown) and len(args.positional) > 2:
        return args.positional[2]
    return value


def _isinstance(it: Interpreter, name: str, args: Args, where: str) -> Any:
    target, kinds = args.positional[0], args.positional[1]
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    types = tuple(_TYPES[k.short] for k in kinds if isinstance(k, Ref) and k.short in _TYPES)
    if len(types) != len(kinds) or not isinstance(target, PLAIN):
        return Unknown("isinstance() on a library type is not decided statically", where)
    return isinstance(target, types)


def _map(it: Interpreter, name: str, args: Args, where: str) -> Any:
    func, items = args.positional[0], args.positional[1]
    values = it.iterate(items)
    if name == "map":
        return [it.call(func, Args((v,)), where) for v in values]
    return [v for v in values if it.call(func, Args((v,)), where) is True]


_SPECIAL: dict[str, Callable[[Interpreter, str, Args, str], Any]] = {
    "print": _print,
    "str": _str,
    "format": _str,
    "getattr": _getattr,
    "hasattr": _getattr,
    "isinstance": _isinstance,
    "map": _map,
    "filter": _map,
}


def attribute(value: Any, name: str) -> Any:
    """An attribute of a plain value or a path, or NOT_HANDLED."""
    if isinstance(value, PathValue):
        pure = Path(value.path)
        if name == "parent":
            return PathValue(str(pure.parent))
        if name == "parents":
            return [PathValue(str(p)) for p in pure.parents]
        if name in ("name", "stem", "suffix"):
            return getattr(pure, name)
        if name == "parts":
            return pure.parts
        return BoundMethod(value, name)
    if isinstance(value, str) and name in STR_METHODS:
        return BoundMethod(value, name)
    if isinstance(value, list) and name in LIST_METHODS:
        return BoundMethod(value, name)
    if isinstance(value, dict) and name in DICT_METHODS:
        return BoundMethod(value, name)
    if isinstance(value, set) and name in SET_METHODS:
        return BoundMethod(value, name)
    return NOT_HANDLED


def method(it: Interpreter, target: Any, name: str, args: Args, where: str) -> Any:
    """A method call on a plain value or a path."""
    try:
        return _method(it, target, name, args, where)
    except _Stop as stop:
        return stop.unknown


def _method(it: Interpreter, target: Any, name: str, args: Args, where: str) -> Any:
    if isinstance(target, PathValue):
        return _path_method(it, target, name, args, where)
    if isinstance(target, str):
        if name in ("format", "format_map", "join"):
            clean = plain_args(args, where, f"str.{name}")
            if name == "join":
                items = list(clean.positional[0])
                if not all(isinstance(i, str) for i in items):
                    raise EvalError("str.join of non-strings")
                return target.join(items)
            return getattr(target, name)(*clean.positional, **clean.keywords)
        clean = plain_args(args, where, f"str.{name}")
        return getattr(target, name)(*clean.positional, **clean.keywords)
    if isinstance(target, list | dict | set):
        if isinstance(target, list) and name == "sort":
            clean = plain_args(args, where, f"list.{name}")
            target.sort(**clean.keywords)
            return None
        result = getattr(target, name)(*args.positional, **args.keywords)
        if name in ("items", "keys", "values"):
            return list(result)
        return result
    raise EvalError(f"{describe(target)}.{name}() is not modelled")


def _path_method(it: Interpreter, target: PathValue, name: str, args: Args, where: str) -> Any:
    clean = plain_args(args, where, f"Path.{name}")
    path = Path(target.path)
    if name in ("resolve", "absolute"):
        local = Path(it.local_path(target.path))
        return PathValue(str(local.resolve() if name == "resolve" else local))
    if name == "joinpath":
        return target.join(*[str(p) for p in clean.positional])
    if name in ("exists", "is_file", "is_dir"):
        return getattr(Path(it.local_path(target.path)), name)()
    if name == "as_posix":
        return path.as_posix()
    if name in ("with_name", "with_suffix"):
        return PathValue(str(getattr(path, name)(*clean.positional)))
    if name == "relative_to":
        return PathValue(str(path.relative_to(*clean.positional)))
    if name == "__str__":
        return target.path
    return Unknown(f"Path.{name}() is not evaluated statically", where)


def join_posix(*parts: str) -> str:
    """posixpath.join, for S3 keys."""
    return posixpath.join(*parts)
