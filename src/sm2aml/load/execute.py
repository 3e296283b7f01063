"""`--exec`: build the pipeline by RUNNING its code with the installed SageMaker SDK, offline.

The opt-in escape hatch for code that static reading cannot follow (configuration-driven builders,
values from other modules). It executes the user's file, so it is never the default.

The code runs in a child process (`python -m sm2aml.load.execute`) of the current interpreter, which
must have the `sagemaker` package. Nothing reaches AWS: credentials are fake, every AWS API call fails
loudly (the message names the line that made it), uploads are recorded instead of performed, the SDK's
telemetry is off and its time stamps are fixed so two runs agree. The module is loaded under its own
name, so an `if __name__ == "__main__":` block (which usually upserts or starts the pipeline) does not
run. The pipeline is the one a factory (`get_pipeline`, `build`, …) returns, called with its defaults and
the `--arg` values (typed like the defaults), else the last `Pipeline` the module leaves at top level.
The child prints the definition JSON, the pipeline name, what it assumed and which local files the SDK
would have uploaded; the parent loads that JSON with the definition front end.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sm2aml import ir
from sm2aml.diagnostics import CODES, Diagnostic, Diagnostics, LoadError

ASSUMED_REGION = "us-east-1"
PLACEHOLDER_ACCOUNT = "000000000000"
TIMESTAMP = "1970-01-01-00-00-00-000"  # the static front end's fixed time stamp (load/sdk_names.py)
FACTORIES = ("get_pipeline", "build", "create_pipeline", "build_pipeline", "make_pipeline", "define_pipeline")
SESSION_PARAMETERS = frozenset({"session", "sagemaker_session", "pipeline_session", "sm_session"})
ENVIRONMENT_ARGS = frozenset({"region", "default_bucket", "bucket"})
TIMEOUT_S = 600


def load_by_running(path: Path, *, source: str = "", args: Mapping[str, str] | None = None) -> ir.Pipeline:
    """Run `path` (.py or .ipynb) with the SDK in a child process and load the definition it builds."""
    from sm2aml.load.definition import load_definition

    source = source or str(path)
    with tempfile.TemporaryDirectory(prefix="sm2aml-exec-") as work:
        result_file = Path(work, "result.json")
        command = [sys.executable, "-m", "sm2aml.load.execute", str(path.resolve()), json.dumps(dict(args or {}))]
        try:
            proc = subprocess.run(
                [*command, str(result_file)],
                capture_output=True,
                text=True,
                check=False,
                timeout=TIMEOUT_S,
                cwd=path.resolve().parent,
            )
        except subprocess.TimeoutExpired:
            raise LoadError(
                _diag(f"--exec: the pipeline code did not finish within {TIMEOUT_S} s", ""), source
            ) from None
        try:
            result = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
            raise LoadError(_diag(f"--exec: the pipeline code ended without a pipeline: {tail}", ""), source) from None
    if "error" in result:
        raise LoadError(_diag(f"--exec: {result['error']}", result.get("where", "")), source)
    pipeline = load_definition(result["definition"], source=source, name=result["name"])
    diags = Diagnostics(list(pipeline.diagnostics))
    for message in result["assumed"]:
        diags.add("SM2AML126", message)
    region = (args or {}).get("region") or ASSUMED_REGION
    message = f"the pipeline was built by running its code with the SageMaker SDK (--exec), in region {region}"
    diags.add("SM2AML131", message + ("" if args and "region" in args else " unless the code names one"))
    return dataclasses.replace(pipeline, local_code=dict(sorted(result["uploads"].items())), diagnostics=tuple(diags))


def _diag(message: str, where: str) -> Diagnostic:
    code = CODES["SM2AML132"]
    return Diagnostic(code="SM2AML132", severity=code.severity, message=message, where=where, hint=code.hint)


# --- the child process -----------------------------------------------------------------------------


class Fault(Exception):
    """Why no definition came out, and where in the user's code."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


def build(path: Path, args: dict[str, str]) -> dict[str, Any]:
    """Run the file offline and return {name, definition, assumed, uploads} (raises Fault)."""
    import importlib.util

    if importlib.util.find_spec("sagemaker") is None:
        raise Fault("the sagemaker package is not installed in this Python (pip install 'sagemaker>=2,<3')")
    from sm2aml.load.offline import Offline

    region = args.get("region") or ASSUMED_REGION
    bucket = args.get("default_bucket") or args.get("bucket")
    offline = Offline(region=region, bucket=bucket or f"sagemaker-{region}-{PLACEHOLDER_ACCOUNT}", timestamp=TIMESTAMP)
    code = _Code.read(path)
    with offline.active():
        module = _run_module(code)
        pipeline = _pipeline(module, code, args, offline)
        try:
            definition = pipeline.definition()
        except Exception as exc:  # whatever the SDK raises is the user's error
            raise Fault(f"Pipeline.definition() failed: {type(exc).__name__}: {exc}", code.place(exc)) from None
    assumed = []
    if bucket is None and offline.bucket_asked:
        assumed.append(
            f"the session's default bucket is looked up in AWS: {offline.bucket} is used "
            "(pass --arg default_bucket=NAME)"
        )
    return {"name": pipeline.name, "definition": definition, "assumed": assumed, "uploads": offline.uploads}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _Code:
    """The pipeline file's code, and for a notebook the cell each line of the joined code came from."""

    path: Path
    text: str
    places: dict[int, str]  # line of the joined code -> "cellN:line"

    @classmethod
    def read(cls, path: Path) -> _Code:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() != ".ipynb":
            return cls(path=path, text=text, places={})
        from sm2aml.load.notebook import notebook_code

        code, places = notebook_code(text, str(path))
        return cls(path=path, text=code, places=places)

    def place(self, exc: BaseException) -> str:
        """The line of the innermost traceback frame in this file ("" when none is)."""
        import traceback

        lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == self.path]
        if not lines or not lines[-1]:
            return ""
        return self.places.get(lines[-1], str(lines[-1]))


def _run_module(code: _Code) -> Any:
    import types

    module = types.ModuleType("sm2aml_exec_pipeline")
    module.__file__ = str(code.path)
    sys.modules[module.__name__] = module
    sys.path.insert(0, str(code.path.parent))
    try:
        exec(compile(code.text, str(code.path), "exec"), module.__dict__)  # --exec runs the user's code: the point
    except SystemExit as exc:
        raise Fault(f"the pipeline code called exit({exc.code})") from None
    except Exception as exc:
        raise Fault(f"running the pipeline code failed: {type(exc).__name__}: {exc}", code.place(exc)) from None
    return module


def _pipeline(module: Any, code: _Code, args: dict[str, str], offline: Any) -> Any:
    from sagemaker.workflow.pipeline import Pipeline

    factory = next((getattr(module, n) for n in FACTORIES if callable(getattr(module, n, None))), None)
    built = [v for v in vars(module).values() if isinstance(v, Pipeline)]
    if built and not set(args) - ENVIRONMENT_ARGS:
        return built[-1]
    if factory is None:
        if set(args) - ENVIRONMENT_ARGS:
            raise Fault(f"--arg {sorted(set(args) - ENVIRONMENT_ARGS)[0]}: no factory function takes it")
        raise Fault(f"no Pipeline is left at top level and no factory function ({', '.join(FACTORIES)}) is defined")
    try:
        result = factory(**_factory_kwargs(factory, args, offline))
    except Fault:
        raise
    except Exception as exc:
        message = f"{factory.__name__}() failed: {type(exc).__name__}: {exc}"
        raise Fault(message, code.place(exc)) from None
    if not isinstance(result, Pipeline):
        raise Fault(f"{factory.__name__}() returned {type(result).__name__}, not a Pipeline")
    return result


def _factory_kwargs(factory: Any, args: dict[str, str], offline: Any) -> dict[str, Any]:
    import inspect

    from sm2aml.load.statements import typed_arg

    params = inspect.signature(factory).parameters
    unknown = sorted(set(args) - set(params) - ENVIRONMENT_ARGS)
    if unknown:
        raise Fault(f"{factory.__name__}() has no parameter {unknown[0]!r}; its parameters are {', '.join(params)}")
    kwargs: dict[str, Any] = {}
    for name, param in params.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        default = None if param.default is param.empty else param.default
        if name in args:
            try:
                kwargs[name] = typed_arg(args[name], default)
            except ValueError:
                raise Fault(f"--arg {name}={args[name]} does not fit the default {default!r}") from None
        elif name in SESSION_PARAMETERS and param.default is param.empty:
            kwargs[name] = offline.session()
        elif param.default is param.empty:
            raise Fault(f"the factory parameter {name} has no default (pass --arg {name}=VALUE)")
    return kwargs


def main(argv: list[str]) -> int:
    path, args, out = Path(argv[0]), json.loads(argv[1]), Path(argv[2])
    os.chdir(path.parent)
    try:
        result = build(path, args)
    except Fault as fault:
        result = {"error": str(fault), "where": fault.where}
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
