"""The command line: parses flags, renders findings, sets exit codes. The work is done by the library."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from sm2aml import __version__

if TYPE_CHECKING:
    from sm2aml.diagnostics import Diagnostics

app = typer.Typer(
    name="sm2aml",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Convert Amazon SageMaker pipelines into Azure Machine Learning projects.",
)
EXIT_FINDINGS, EXIT_USAGE = 1, 2


class Compute(str, enum.Enum):
    serverless = "serverless"
    clusters = "clusters"


class Target(str, enum.Enum):
    yaml = "yaml"
    sdk = "sdk"
    both = "both"


class ControlFlow(str, enum.Enum):
    gates = "gates"
    if_else = "if_else"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sm2aml {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Convert Amazon SageMaker pipelines into Azure Machine Learning projects."""


def _fail(message: str) -> NoReturn:
    typer.echo(f"sm2aml: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


EXEC_HELP = (
    "RUN the pipeline code (.py, .ipynb) with the installed SageMaker SDK, offline, and convert the definition "
    "it builds: for code that cannot be read statically. Executes the file; only for code you trust."
)


def _load(source: str, debug: bool, args: list[str] | None = None, execute: bool = False):  # type: ignore[no-untyped-def]
    from sm2aml.diagnostics import LoadError
    from sm2aml.load import load

    if execute and Path(source).suffix.lower() not in (".py", ".ipynb"):
        _fail(f"{source}: --exec runs pipeline code (.py or .ipynb); a definition is read without it")
    try:
        return load(source, args=_pairs(args or [], "--arg"), execute=execute)
    except LoadError as exc:
        if debug:
            raise
        _fail(exc.one_line())


def _with_schedules(pipeline, paths: list[Path], debug: bool):  # type: ignore[no-untyped-def]
    import dataclasses

    from sm2aml.diagnostics import LoadError
    from sm2aml.load.schedule_files import read_schedules

    try:
        return dataclasses.replace(pipeline, schedules=pipeline.schedules + read_schedules(paths))
    except LoadError as exc:
        if debug:
            raise
        _fail(exc.one_line())


def _read_alarms(paths: list[Path], debug: bool):  # type: ignore[no-untyped-def]
    """The CloudWatch alarms and dashboards of --alarms files; a located message and exit 2 when malformed."""
    if not paths:
        return ()
    from sm2aml.diagnostics import LoadError
    from sm2aml.load.cloudwatch import read

    try:
        return tuple(w for path in paths for w in read(path))
    except LoadError as exc:
        if debug:
            raise
        _fail(exc.one_line())


def _print_findings(diags: Diagnostics, source: str, limit: int | None = None) -> None:
    """A table on a terminal; one `where: severity code: message` line each otherwise."""
    items = list(diags)
    if not items:
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from sm2aml.diagnostics import locate

    shown = items[:limit] if limit else items
    console = Console(stderr=True)
    if console.is_terminal:
        table = Table("severity", "code", "where", "message", header_style="bold")
        colour = {"error": "red", "warning": "yellow", "info": "cyan"}
        for d in shown:
            table.add_row(
                f"[{colour[str(d.severity)]}]{d.severity}[/]",
                d.code,
                escape(locate(source, d.where)),
                escape(d.message),
            )
        console.print(table)
    else:
        for d in shown:
            typer.echo(f"{locate(source, d.where)}: {d.severity} {d.code}: {d.message}", err=True)
    if len(items) > len(shown):
        typer.echo(f"… and {len(items) - len(shown)} more in the report", err=True)


@app.command()
def convert(
    source: Annotated[
        str,
        typer.Argument(
            help="Definition JSON, describe-pipeline response, '-' for stdin, or pipeline code (.py, .ipynb; "
            "read statically, never run)."
        ),
    ],
    *,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the Azure ML project into.")],
    arg: Annotated[
        list[str] | None,
        typer.Option(
            "--arg", help="NAME=VALUE for a parameter of the pipeline code's factory (get_pipeline, build, ...)."
        ),
    ] = None,
    target: Annotated[
        Target, typer.Option(help="What to emit: CLI v2 YAML, a Python SDK v2 project, or both.")
    ] = Target.yaml,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty output folder.")] = False,
    compute: Annotated[
        Compute, typer.Option(help="Serverless compute, or emitted compute clusters.")
    ] = Compute.serverless,
    storage_account: Annotated[str | None, typer.Option(help="Storage account behind the datastores.")] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Mapping file (default: ./sm2aml.toml when it exists).")
    ] = None,
    control_flow: Annotated[
        ControlFlow,
        typer.Option(
            help="How condition branches are skipped: 'gates' guards each branch node's command with the "
            "condition's outcome; 'if_else' emits Azure ML if_else nodes (a private preview feature)."
        ),
    ] = ControlFlow.gates,
    code_dir: Annotated[
        Path | None, typer.Option(help="Local folder holding the step code the definition names in S3.")
    ] = None,
    register_components: Annotated[
        bool,
        typer.Option(
            "--register-components",
            help="Register the components as named versions (azureml:<name>:<version>, the version derived from "
            "their content) instead of anonymously with the job (also: register_components in sm2aml.toml).",
        ),
    ] = False,
    name: Annotated[
        str | None, typer.Option(help="The pipeline's name (a definition file does not carry one).")
    ] = None,
    schedule: Annotated[
        list[Path] | None,
        typer.Option(
            "--schedule",
            help="JSON of `aws scheduler get-schedule`, `aws events describe-rule` or `aws events "
            "list-targets-by-rule` for a schedule that starts the pipeline (repeatable).",
        ),
    ] = None,
    alarms: Annotated[
        list[Path] | None,
        typer.Option(
            "--alarms",
            help="JSON of `aws cloudwatch describe-alarms` or `aws cloudwatch get-dashboard` for alarms and "
            "dashboards that watch the pipeline's endpoints and jobs (repeatable); each gets Azure Monitor guidance.",
        ),
    ] = None,
    execute: Annotated[bool, typer.Option("--exec", help=EXEC_HELP)] = False,
    add_metric_logging: Annotated[
        bool,
        typer.Option(
            "--add-metric-logging",
            help="Add mlflow.log_metric calls to local training scripts next to the prints their SageMaker metric "
            "definitions match (each addition is reported); without it the launcher reads the output instead.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no findings (they are in the report).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print every finding, infos included.")] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Convert a SageMaker pipeline into an Azure ML project folder."""
    import dataclasses

    from sm2aml.cli_report import read_mapping
    from sm2aml.config import Options
    from sm2aml.emit import OutputExists, emit, write
    from sm2aml.rules import convert as convert_pipeline
    from sm2aml.validate import validate

    chosen = read_mapping(mapping)  # sm2aml.toml: names and overrides; flags win over its defaults
    pipeline = _load(source, debug, arg, execute)
    if name:
        pipeline = dataclasses.replace(pipeline, name=name)
    if schedule:
        pipeline = _with_schedules(pipeline, schedule, debug)
    project, diags = convert_pipeline(
        pipeline,
        Options(
            compute=compute.value,
            storage_account=storage_account or chosen.storage_account,
            prefix=chosen.prefix,
            control_flow=control_flow.value,
            register_components=register_components or chosen.register_components,
            mapping=chosen,
            alarms=_read_alarms(alarms or [], debug),
        ),
    )
    project, found = _code_files(project, pipeline, code_dir, add_metric_logging, diags)
    from sm2aml.emit import SdkUnsupported

    try:
        files = emit(project, target.value, found)
    except SdkUnsupported as exc:
        _fail(f"--target {target.value}: {exc}; convert with --target yaml")
    try:
        write(files, output, force=force)
    except OutputExists:
        _fail(f"{output}: error SM2AML501: the output folder exists and is not empty (pass --force to replace it)")
    except OSError as exc:
        _fail(f"{output}: cannot write: {exc.strerror or exc}")
    checks = validate(output, azure=False)
    if not quiet:
        from sm2aml.diagnostics import Diagnostics, Severity

        notable = diags if verbose else Diagnostics(diags.at_least(Severity.WARNING))
        _print_findings(notable, pipeline.source, limit=None if verbose else 20)
    _print_findings(checks, str(output))
    counts = {k: sum(1 for o in project.outcomes if o.outcome == k) for k in ("direct", "approximate", "manual")}
    typer.echo(
        f"wrote {len(files)} files to {output}: {len(project.pipeline.nodes)} nodes; steps "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f"; {len(diags)} findings in MIGRATION_REPORT.md"
    )
    if checks.items:
        raise typer.Exit(EXIT_FINDINGS)


def _code_files(project, pipeline, code_dir: Path | None, add_metric_logging: bool, diags):  # type: ignore[no-untyped-def]
    """The step code to copy into components/*/src/ (local files the code names, or --code-dir), with findings
    about it added to `diags` and the project."""
    import dataclasses

    from sm2aml.emit import File

    found: list[File] = []
    if code_dir is not None or pipeline.local_code:
        from sm2aml.emit.code import local_code, path_findings, settle

        if code_dir is not None and not code_dir.is_dir():
            _fail(f"{code_dir}: --code-dir is not a folder")
        found, missing = local_code(project, code_dir, pipeline.local_code)
        project = settle(project, missing, code_dir, pipeline.local_code)
        diags.items[:] = project.diagnostics  # the printed findings follow the report's
        where = code_dir if code_dir is not None else "the files the pipeline code names"
        for uri in missing:
            typer.echo(f"sm2aml: {uri} is not in {where}; fetch it with data_migration/fetch_code.sh", err=True)
        more = path_findings(project, found)
        if add_metric_logging:
            from sm2aml.emit.metric_logging import add_metric_logging as add_logging

            project, found, added = add_logging(project, found)
            more += added
        diags.extend(more)
        project = dataclasses.replace(project, diagnostics=(*project.diagnostics, *more))
    elif add_metric_logging:
        message = "no step code is local (convert the pipeline's Python source, or pass --code-dir)"
        typer.echo(f"sm2aml: --add-metric-logging: {message}", err=True)
    return project, found


@app.command("validate")
def validate_cmd(
    project: Annotated[Path, typer.Argument(help="An emitted project folder.")],
    azure: Annotated[bool, typer.Option(help="Also load every file with azure-ai-ml when it is installed.")] = True,
) -> None:
    """Check an emitted project: bindings resolve, names are legal, azure-ai-ml loads every file."""
    from sm2aml.diagnostics import Severity
    from sm2aml.validate import validate

    if not (project / "pipeline.yml").is_file() and not (project / "pipeline.py").is_file():
        _fail(f"{project}: not an emitted project (no pipeline.yml or pipeline.py)")
    diags = validate(project, azure=azure)
    _print_findings(diags, str(project))
    errors = diags.at_least(Severity.ERROR)
    typer.echo(f"{project}: {len(errors)} error(s), {len(diags) - len(errors)} other finding(s)")
    if errors:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def inspect(
    source: Annotated[
        str, typer.Argument(help="Definition JSON, describe-pipeline response, '-', or pipeline code (.py, .ipynb).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the IR as JSON.")] = False,
    arg: Annotated[
        list[str] | None, typer.Option("--arg", help="NAME=VALUE for a parameter of the pipeline code's factory.")
    ] = None,
    execute: Annotated[bool, typer.Option("--exec", help=EXEC_HELP)] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Show the intermediate representation of a pipeline."""
    from sm2aml.inspect import to_data, tree

    pipeline = _load(source, debug, arg, execute)
    if as_json:
        import json

        typer.echo(json.dumps(to_data(pipeline), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        Console().print(tree(pipeline))


class RulesFormat(str, enum.Enum):
    table = "table"
    markdown = "markdown"


@app.command()
def rules(
    fmt: Annotated[RulesFormat, typer.Option("--format", help="A table, or Markdown (docs/rules.md).")] = (
        RulesFormat.table
    ),
) -> None:
    """The coverage matrix: each SageMaker step type and notable field, and what it becomes."""
    from sm2aml.rules import coverage

    if fmt is RulesFormat.markdown:
        from sm2aml.emit.coverage import markdown

        typer.echo(markdown(coverage()), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    rows = coverage()
    console = Console()
    if not console.is_terminal:  # one tab-separated line per construct, for pipes and scripts
        for row in rows:
            typer.echo("\t".join(row))
        return
    table = Table("", "SageMaker", "Azure ML construct", "status", header_style="bold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    out = {}
    for item in items:
        if "=" not in item:
            _fail(f"{flag} takes NAME=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        out[key] = value
    return out


def _register_report_commands() -> None:
    from sm2aml.cli_report import init, report
    from sm2aml.cli_run import run_cmd

    app.command()(report)
    app.command()(init)
    app.command("run")(run_cmd)


_register_report_commands()


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)
