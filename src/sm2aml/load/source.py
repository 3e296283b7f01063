"""Python source → ir.Pipeline, statically: the file is parsed with libcst and evaluated by a small
interpreter that models the SageMaker SDK; nothing of it is executed.

The pipeline is the last `Pipeline(...)` the module builds at top level, else the one a factory
function returns (`get_pipeline`, `build`, ..., evaluated with its defaults and the `--arg` values,
which also make the factory win over a top-level pipeline), else the one built under
`if __name__ == "__main__":`. Without a factory, `--arg name=value` replaces the value a top-level
name is assigned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.diagnostics import CODES, Diagnostic, Diagnostics, LoadError, Severity
from sm2aml.load.graph import check_graph
from sm2aml.load.values import Args, Function, Obj, Unknown

if TYPE_CHECKING:
    import libcst as cst

    from sm2aml.load.interpret import Interpreter
    from sm2aml.load.statements import Scope

FACTORIES = ("get_pipeline", "build", "create_pipeline", "build_pipeline", "make_pipeline", "define_pipeline")
SESSION_PARAMETERS = frozenset({"session", "sagemaker_session", "pipeline_session", "sm_session"})
ENVIRONMENT_ARGS = frozenset({"region", "default_bucket"})


def load_source(
    text: str,
    *,
    path: Path,
    source: str = "",
    args: Mapping[str, str] | None = None,
    lines: Callable[[int], str] | None = None,
) -> ir.Pipeline:
    """Evaluate pipeline code statically; LoadError when it does not parse or defines no pipeline.

    `lines` names a line of `text` for messages (a notebook's cells are joined into one module).
    """
    import libcst as cst

    from sm2aml.load.interpret import Interpreter
    from sm2aml.load.statements import BudgetSignal, Signal

    args = dict(args or {})
    source = source or str(path)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        message, row, column = _syntax_error(text, exc)
        line = lines(row) if lines is not None else str(row)
        raise LoadError(_error("SM2AML120", f"not valid Python: {message}", f"{line}:{column}"), source) from None
    diags = Diagnostics()
    it = Interpreter(path=path.resolve(), diags=diags)
    it.lines = lines
    it.sdk.settings = {k: v for k, v in args.items() if k in ENVIRONMENT_ARGS}
    if "default_bucket" not in it.sdk.settings and "bucket" in args:
        it.sdk.settings["default_bucket"] = args["bucket"]
    factory_name = next((n for n in FACTORIES if n in _top_level_functions(module)), None)
    if factory_name is None:
        it.pins = {k: v for k, v in args.items() if k not in ENVIRONMENT_ARGS}
    try:
        scope = it.run_module(text, path.resolve(), path.stem, module)
        pipe = _find_pipeline(it, scope, factory_name, args, source)
        _run_trigger_blocks(it, module)
    except BudgetSignal:
        error = _error("SM2AML121", "the evaluation does not finish (an endless loop or recursion?)", "")
        raise LoadError(error, source, tuple(diags)) from None
    except RecursionError:
        raise LoadError(_error("SM2AML121", "the source nests too deeply to evaluate", ""), source) from None
    except Signal:
        raise LoadError(_error("SM2AML121", "the module raises or returns at top level", ""), source) from None
    from sm2aml.load.sdk_compile import compile_pipeline

    pipeline = compile_pipeline(it.sdk, pipe)
    pipeline = dataclasses.replace(pipeline, source=source, local_code=dict(sorted(it.sdk.local_code.items())))
    if it.sdk.triggers:
        from sm2aml.load.sdk_triggers import schedules

        pipeline = dataclasses.replace(pipeline, schedules=schedules(it.sdk, pipe, pipeline.name))
    check_graph(pipeline, diags)
    errors = diags.at_least(Severity.ERROR)
    if errors:
        raise LoadError(errors[0], source, tuple(diags))
    return dataclasses.replace(pipeline, diagnostics=tuple(diags))


def _run_trigger_blocks(it: Interpreter, module: cst.Module) -> None:
    """`if __name__ == "__main__":` blocks that call put_triggers, when finding the pipeline did not run them."""
    from sm2aml.load.statements import Signal

    if it.sdk.triggers:
        return
    for body, block_scope in it.main_blocks:
        if "put_triggers" in module.code_for_node(body):
            try:
                it.run_block(body.body, block_scope)
            except Signal:
                return


def _error(code: str, message: str, where: str) -> Diagnostic:
    return Diagnostic(code=code, severity=CODES[code].severity, message=message, where=where, hint=CODES[code].hint)


def _syntax_error(text: str, exc: cst.ParserSyntaxError) -> tuple[str, int, int]:
    """Python's own message and place for a syntax error (libcst's are coarser), else libcst's."""
    import ast

    try:
        ast.parse(text)
    except SyntaxError as error:
        return str(error.msg), error.lineno or 1, error.offset or 1
    except (ValueError, RecursionError, MemoryError):
        pass
    return exc.message, exc.editor_line, exc.editor_column


def _top_level_functions(module: cst.Module) -> set[str]:
    import libcst as cst

    return {stmt.name.value for stmt in module.body if isinstance(stmt, cst.FunctionDef)}


def _find_pipeline(it: Interpreter, scope: Scope, factory_name: str | None, args: dict[str, str], source: str) -> Obj:
    factory = scope.vars.get(factory_name) if factory_name else None
    if it.sdk.pipelines and not set(args) - ENVIRONMENT_ARGS - {"bucket"}:
        return it.sdk.pipelines[-1]  # the module builds its pipeline itself (perhaps by calling the factory)
    if isinstance(factory, Function):
        before = len(it.sdk.pipelines)
        result = it.call_function(factory, _factory_args(it, factory, args, source), it.where(factory.node))
        if isinstance(result, Obj) and result.kind == "Pipeline":
            return result
        if len(it.sdk.pipelines) > before:
            return it.sdk.pipelines[-1]
        reason = result.reason if isinstance(result, Unknown) else "it returns no Pipeline"
        message = f"{factory.name}() builds no pipeline: {reason}"
        raise LoadError(_error("SM2AML121", message, it.where(factory.node)), source, tuple(it.diags))
    unused = sorted(set(it.pins) - it.pinned)
    if unused:
        message = f"--arg {unused[0]}: no factory function takes it and no top-level name {unused[0]!r} is assigned"
        raise LoadError(_error("SM2AML128", message, ""), source)
    if not it.sdk.pipelines:
        for body, block_scope in it.main_blocks:
            it.run_block(body.body, block_scope)
    if it.sdk.pipelines:
        return it.sdk.pipelines[-1]
    message = f"no Pipeline(...) is built at top level and no factory function ({', '.join(FACTORIES)}) is defined"
    raise LoadError(_error("SM2AML121", message, ""), source, tuple(it.diags))


def _factory_args(it: Interpreter, fn: Function, args: dict[str, str], source: str) -> Args:
    """The factory's parameters: --arg values (typed like the defaults), defaults, sessions made up."""
    from sm2aml.load.statements import typed_arg

    params = fn.node.params
    names = [p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]]
    unknown = sorted(set(args) - set(names) - ENVIRONMENT_ARGS - {"bucket"})
    if unknown:
        message = f"{fn.name}() has no parameter {unknown[0]!r}; its parameters are {', '.join(names) or 'none'}"
        raise LoadError(_error("SM2AML128", message, it.where(fn.node)), source)
    keywords: dict[str, Any] = {}
    for name in names:
        default = fn.defaults.get(name, _NO_DEFAULT)
        if name in args:
            try:
                keywords[name] = typed_arg(args[name], default)
            except ValueError:
                message = f"--arg {name}={args[name]} does not fit the default {default!r} of {fn.name}()"
                raise LoadError(_error("SM2AML128", message, it.where(fn.node)), source) from None
        elif name in SESSION_PARAMETERS and default is _NO_DEFAULT:
            keywords[name] = _session(it, it.where(fn.node))
        elif default is _NO_DEFAULT:
            reason = f"the factory parameter {name} has no default (pass --arg {name}=VALUE)"
            keywords[name] = Unknown(reason, it.where(fn.node))
    return Args((), keywords)


_NO_DEFAULT: Any = object()


def _session(it: Interpreter, where: str) -> Obj:
    """The PipelineSession a factory is given: region and default bucket from --arg when set."""
    region = it.sdk.settings.get("region")
    boto = Obj("boto3.Session", {"region_name": region}, where)
    bucket = it.sdk.settings.get("default_bucket")
    return Obj("PipelineSession", {"boto_session": boto, "default_bucket": bucket, "sagemaker_client": None}, where)
