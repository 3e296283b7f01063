"""`--add-metric-logging`: MLflow calls next to the prints SageMaker's metric regexes read.

SageMaker took training metrics from the job's output with the regexes of its metric definitions;
the training launcher does the same at run time. With `--add-metric-logging` the training script
itself logs them instead: for every `print(...)` or logger call whose output a metric regex matches,
`mlflow.log_metric("<name>", float(<the printed value>))` is added on the next line, and mlflow is
imported (guarded: without mlflow the script runs as before). Each addition is reported with
file:line (SM2AML215); metrics it covers are dropped from the launcher's list so nothing is logged
twice. Only values that are safe to read twice are used (names, attributes, constant subscripts);
a print of anything else is left alone, and its metric stays with the launcher.

How a print is matched: its output is rendered with a distinct integer standing in for each printed
value (formatted with the value's own format spec), the regex runs on that text, and the number its
first group captures says which value it is.
"""

from __future__ import annotations

import json
import re
import shlex
import string
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sm2aml import aml
from sm2aml.diagnostics import CODES, Diagnostic
from sm2aml.emit import File

if TYPE_CHECKING:
    import libcst as cst

METRICS_FILE = "sm2aml_metrics.json"
LOG_METHODS = frozenset({"info", "debug", "warning", "error", "critical", "log"})
GUARDED_IMPORT = (
    "try:\n    import mlflow\nexcept ImportError:  # metrics are logged when mlflow is installed\n    mlflow = None\n"
)
FIRST_SAMPLE = 7001
SAMPLE_GAP = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class Added:
    line: int  # of the print the call follows
    metric: str
    value: str  # the source of the value logged


def add_metric_logging(project: aml.Project, code: list[File]) -> tuple[aml.Project, list[File], list[Diagnostic]]:
    """The training entry scripts among the copied `code` files rewritten, the components' launcher lists
    trimmed to the metrics no print covers, and a finding per added call."""
    by_path = {f.path: f for f in code}
    components = []
    found: list[Diagnostic] = []
    for component in project.components:
        components.append(component)
        definitions = component.src_files.get(METRICS_FILE)
        entry = _entry_point(component.command)
        script_path = f"components/{component.name}/src/{entry}"
        script = by_path.get(script_path)
        if definitions is None or entry is None or script is None or not entry.endswith(".py"):
            continue
        metrics = json.loads(definitions)
        text = script.text.decode("utf-8") if isinstance(script.text, bytes) else script.text
        new_text, added = rewrite(text, metrics)
        if not added:
            continue
        by_path[script_path] = File(script_path, new_text)
        covered = {a.metric for a in added}
        left = json.dumps([m for m in metrics if m["Name"] not in covered], indent=2) + "\n"
        components[-1] = replace(component, src_files={**component.src_files, METRICS_FILE: left})
        found += _findings(script_path, new_text, added)
    return replace(project, components=tuple(components)), list(by_path.values()), found


def _findings(script_path: str, new_text: str, added: list[Added]) -> list[Diagnostic]:
    """One per added call, located at the call in the rewritten script."""
    lines = new_text.splitlines()
    out = []
    at = 0
    for a in added:
        call = f"mlflow.log_metric({a.metric!r}, float({a.value}))"
        at = next((i for i in range(at, len(lines)) if lines[i].strip() == call), at)
        message = f"{call} added after the print on line {a.line} of the original script"
        code = CODES["SM2AML215"]
        out.append(
            Diagnostic(code="SM2AML215", severity=code.severity, message=message, where=f"{script_path}:{at + 1}")
        )
        at += 1
    return out


def _entry_point(command: str) -> str | None:
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    return next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "--entry-point"), None)


def rewrite(source: str, metrics: list[dict[str, str]]) -> tuple[str, list[Added]]:
    """The source with log calls after matching prints (unchanged when none match), and what was added."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return source, []
    patterns = []
    for m in metrics:
        try:
            patterns.append((m["Name"], re.compile(m["Regex"])))
        except re.error:
            continue
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    adder = _Adder(patterns, wrapper.resolve(PositionProvider))
    changed = wrapper.module.visit(adder)
    if not adder.added:
        return source, []
    if not _imports_mlflow(changed):
        changed = _with_import(changed)
    return changed.code, adder.added


class _Adder:  # a libcst transformer, built lazily so libcst loads only when asked
    def __new__(cls, patterns: list[tuple[str, re.Pattern[str]]], positions: Any) -> Any:
        import libcst as cst

        class Adder(cst.CSTTransformer):
            def __init__(self) -> None:
                super().__init__()
                self.added: list[Added] = []

            def leave_SimpleStatementLine(
                self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
            ) -> Any:
                if len(updated.body) != 1 or not isinstance(updated.body[0], cst.Expr):
                    return updated
                call = updated.body[0].value
                pieces = _pieces(call) if isinstance(call, cst.Call) else None
                if pieces is None:
                    return updated
                calls = []
                for name, pattern in patterns:
                    value = _matched_value(pieces, pattern)
                    if value is None:
                        continue
                    code = cst.Module(body=[]).code_for_node(value)
                    line = positions[original].start.line
                    self.added.append(Added(line=line, metric=name, value=code))
                    calls.append(
                        cst.parse_statement(f"if mlflow is not None:\n    mlflow.log_metric({name!r}, float({code}))\n")
                    )
                return cst.FlattenSentinel([updated, *calls]) if calls else updated

        return Adder()


def _pieces(call: cst.Call) -> list[str | tuple[cst.BaseExpression, str]] | None:
    """What a print or logger call writes: text, and (value, format spec) for each printed value."""
    import libcst as cst

    func = call.func
    if isinstance(func, cst.Name) and func.value == "print":
        sep = " "
        positional = [a for a in call.args if a.keyword is None and a.star == ""]
        for a in call.args:
            if a.keyword is not None and a.keyword.value == "sep":
                if not isinstance(a.value, cst.SimpleString):
                    return None
                sep = str(a.value.evaluated_value)
        out: list[str | tuple[cst.BaseExpression, str]] = []
        for i, arg in enumerate(positional):
            if i:
                out.append(sep)
            part = _string_pieces(arg.value)
            out += part if part is not None else [(arg.value, "")]
        return out
    if isinstance(func, cst.Attribute) and func.attr.value in LOG_METHODS and call.args:
        args = [a.value for a in call.args if a.keyword is None]
        first = args[1] if func.attr.value == "log" and len(args) > 1 else args[0]
        rest = args[2:] if func.attr.value == "log" else args[1:]
        if rest and isinstance(first, cst.SimpleString):
            return _percent(str(first.evaluated_value), rest)
        return _string_pieces(first)
    return None


def _string_pieces(node: cst.BaseExpression) -> list[str | tuple[cst.BaseExpression, str]] | None:
    import libcst as cst

    if isinstance(node, cst.SimpleString):
        return [str(node.evaluated_value)]
    if isinstance(node, cst.FormattedString):
        out: list[str | tuple[cst.BaseExpression, str]] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
            elif isinstance(part, cst.FormattedStringExpression):
                spec = "".join(p.value for p in part.format_spec or [] if isinstance(p, cst.FormattedStringText))
                out.append((part.expression, spec))
        return out
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        if isinstance(node.left, cst.SimpleString):
            right = node.right
            values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
            return _percent(str(node.left.evaluated_value), values)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        if isinstance(node.func.value, cst.SimpleString):
            return _format(str(node.func.value.evaluated_value), node.args)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        head, tail = _string_pieces(node.left), _string_pieces(node.right)
        return head + tail if head is not None and tail is not None else None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "str" and node.args:
        return [(node.args[0].value, "")]
    return None


PERCENT = re.compile(r"%(?:\((\w+)\))?([-+ #0]*\d*(?:\.\d+)?)([diouxXeEfFgGcrsa%])")


def _percent(template: str, values: list[cst.BaseExpression]) -> list[str | tuple[cst.BaseExpression, str]] | None:
    out: list[str | tuple[cst.BaseExpression, str]] = []
    at, used = 0, 0
    for m in PERCENT.finditer(template):
        out.append(template[at : m.start()])
        at = m.end()
        if m.group(3) == "%":
            out.append("%")
            continue
        if m.group(1) or used >= len(values):
            return None
        kind = m.group(3)
        out.append((values[used], m.group(2) + ("f" if kind in "eEfFgG" else "d" if kind in "diu" else "")))
        used += 1
    out.append(template[at:])
    return out


def _format(template: str, args: Any) -> list[str | tuple[cst.BaseExpression, str]] | None:
    positional = [a.value for a in args if a.keyword is None and a.star == ""]
    named = {a.keyword.value: a.value for a in args if a.keyword is not None}
    out: list[str | tuple[cst.BaseExpression, str]] = []
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for text, name, spec, _ in parsed:
        out.append(text)
        if name is None:
            continue
        key = name or str(auto)
        auto += name == ""
        value = positional[int(key)] if key.isdigit() and int(key) < len(positional) else named.get(key)
        if value is None:
            return None
        out.append((value, spec or ""))
    return out


def _matched_value(pieces: list[str | tuple[Any, str]], pattern: re.Pattern[str]) -> Any:
    """The printed value the regex's first group captures, if it is one that can be read again."""
    samples: dict[int, Any] = {}
    text = []
    for piece in pieces:
        if isinstance(piece, str):
            text.append(piece)
            continue
        value, spec = piece
        number = FIRST_SAMPLE + SAMPLE_GAP * len(samples)
        samples[number] = value
        try:
            text.append(format(number, spec) if spec else str(number))
        except ValueError:
            text.append(format(float(number), spec))
    match = pattern.search("".join(text))
    if match is None:
        return None
    try:
        captured = float(match.group(1) if pattern.groups else match.group(0))
    except (TypeError, ValueError):
        return None
    value = samples.get(round(captured)) if captured == round(captured) else None
    return value if value is not None and _rereadable(value) else None


def _rereadable(node: Any) -> bool:
    import libcst as cst

    if isinstance(node, cst.Name):
        return True
    if isinstance(node, cst.Attribute):
        return _rereadable(node.value)
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return (
            isinstance(index, cst.Index)
            and isinstance(index.value, cst.SimpleString | cst.Integer)
            and _rereadable(node.value)
        )
    return False


def _imports_mlflow(module: cst.Module) -> bool:
    return re.search(r"^\s*(import mlflow\b|mlflow = None)", module.code, re.MULTILINE) is not None


def _with_import(module: cst.Module) -> cst.Module:
    """The guarded import after the docstring and `from __future__` imports."""
    import libcst as cst

    body = list(module.body)
    at = 0
    while at < len(body):
        stmt = body[at]
        first = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and stmt.body else None
        is_doc = isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString) and at == 0
        is_future = (
            isinstance(first, cst.ImportFrom)
            and isinstance(first.module, cst.Name)
            and (first.module.value == "__future__")
        )
        if not (is_doc or is_future):
            break
        at += 1
    guarded = cst.parse_module(GUARDED_IMPORT).body
    return module.with_changes(body=[*body[:at], *guarded, *body[at:]])
