"""`sm2aml report` and `sm2aml init`: flags, progress and exit codes; the work is in batch.py and emit/."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sm2aml.batch import Job, Result
    from sm2aml.config import Options
    from sm2aml.mapping import Mapping

EXIT_FINDINGS, EXIT_USAGE = 1, 2


class ReportFormat(str, enum.Enum):
    table = "table"
    markdown = "markdown"
    json = "json"
    sarif = "sarif"
    html = "html"


class FailOn(str, enum.Enum):
    warning = "warning"
    error = "error"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"sm2aml: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def read_mapping(path: Path | None) -> Mapping:
    """The mapping file given, or ./sm2aml.toml when there is one; its warnings printed, its errors fatal."""
    from sm2aml.mapping import Mapping, find, read

    found = find(path)
    if found is None:
        return Mapping()
    mapping = read(found)
    for d in mapping.diagnostics:
        typer.echo(d.one_line(), err=True)
    if mapping.errors():
        raise _fail(
            f"{found}: the mapping file has {len(mapping.errors())} error(s); fix them or pass another --mapping"
        )
    return mapping


def options_for(mapping: Mapping, *, compute: str = "serverless", storage_account: str | None = None) -> Options:
    """Conversion options: the command-line flags, with the mapping file's defaults where no flag was given."""
    from sm2aml.config import Options

    return Options(
        compute=compute,
        storage_account=storage_account or mapping.storage_account,
        prefix=mapping.prefix,
        mapping=mapping,
    )


InputsArg = Annotated[
    list[str],
    typer.Argument(
        help="Definition JSON, describe-pipeline responses, pipeline code (.py, .ipynb) or folders (searched "
        "recursively for .json, .py and .ipynb)."
    ),
]
JobsOpt = Annotated[
    int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: 2, or 1 on a single core).")
]
MappingOpt = Annotated[
    Path | None, typer.Option("--mapping", help="Mapping file (default: ./sm2aml.toml when it exists).")
]


def report(
    inputs: InputsArg,
    *,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="How to write the report.")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[
        FailOn | None, typer.Option("--fail-on", help="Exit 1 when a finding at or above this level exists.")
    ] = None,
    jobs: JobsOpt = None,
    mapping: MappingOpt = None,
    storage_account: Annotated[str | None, typer.Option(help="Storage account behind the datastores.")] = None,
    docs_url: Annotated[
        str | None, typer.Option(help="Absolute URL of docs/diagnostics.md, for the SARIF rules' helpUri.")
    ] = None,
) -> None:
    """Assess SageMaker pipelines for migration: steps, findings, inventory, effort; writes no project."""
    import gc

    from sm2aml.emit.portfolio import document, mapping_section

    gc.disable()  # a batch run builds millions of small, acyclic objects and then exits: collecting only costs time

    chosen = read_mapping(mapping)
    options = options_for(chosen, storage_account=storage_account)
    found = _assess(inputs, options, jobs, locate=fmt is not ReportFormat.table)
    section = None
    if chosen.source:
        unused = chosen.unused(_used(found["assessed"]))
        section = mapping_section(chosen.source, [*chosen.diagnostics, *unused])
    doc = document(found["assessed"], failed=found["failed"], skipped=found["skipped"], mapping=section)
    _write(doc, fmt, output, docs_url)
    _summary(doc)
    if not doc["pipelines"]:
        raise _fail("no pipeline could be assessed")
    if fail_on is not None and _reaches(doc, fail_on.value):
        raise typer.Exit(EXIT_FINDINGS)


def init(
    inputs: InputsArg,
    *,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the mapping file.")] = Path(
        "sm2aml.toml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    jobs: JobsOpt = None,
) -> None:
    """Write a commented starter mapping file with every bucket, role, image and instance type the inputs name."""
    from sm2aml.config import Options
    from sm2aml.emit.mapping_file import starter
    from sm2aml.emit.portfolio import document

    if output.exists() and not force:
        raise _fail(f"{output}: exists; pass --force to replace it")
    found = _assess(inputs, Options(), jobs)
    doc = document(found["assessed"], failed=found["failed"], skipped=found["skipped"])
    if not doc["pipelines"]:
        raise _fail("no pipeline could be assessed; nothing to write")
    try:
        output.write_text(starter(doc), encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{output}: cannot write: {exc.strerror or exc}") from None
    p = doc["portfolio"]
    typer.echo(
        f"wrote {output}: {len(p['buckets'])} bucket destination(s), {len(p['identities'])} identity(ies), "
        f"{len(p['compute'])} VM size(s), {len(p['environments'])} environment(s) from {p['pipelines']} pipeline(s)",
        err=True,
    )


def _assess(
    inputs: list[str], options: Options, jobs: int | None, *, locate: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Pipeline reports, failures and skipped files, in the inputs' order."""
    from sm2aml.batch import default_workers, discover

    found, missing = discover(inputs)
    if not found and not missing:
        raise _fail("no .json, .py or .ipynb files in the inputs")
    by_status: dict[str, list[dict[str, Any]]] = {"assessed": [], "failed": [], "skipped": []}
    for r in [*missing, *_run(found, options, jobs or default_workers(), locate)]:
        by_status[r.status].append(r.data)
    return by_status


def _run(found: list[Job], options: Options, workers: int, locate: bool) -> list[Result]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from sm2aml.batch import assess_all

    console = Console(stderr=True)
    columns = (
        TextColumn("assessing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True, disable=len(found) < 2 or not console.is_terminal) as bar:
        task = bar.add_task("", total=len(found))

        def done(result: Result) -> None:
            bar.update(task, advance=1, description=Path(result.job.path).name)
            if result.status == "failed":
                first = result.data["diagnostics"][0]
                console.print(f"[red]failed[/] {_plain(result.job.path)}: {first['code']} {_plain(first['message'])}")

        return assess_all(found, options, workers=workers, locate=locate, on_done=done)


def _plain(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _write(doc: dict[str, Any], fmt: ReportFormat, output: Path | None, docs_url: str | None) -> None:
    from sm2aml.emit import report_formats as formats

    if fmt is ReportFormat.table:
        _tables(doc, output)
        return
    if fmt is ReportFormat.sarif:
        text = formats.to_sarif_text(doc, docs_url=docs_url)
    else:
        render = {
            ReportFormat.markdown: formats.to_markdown,
            ReportFormat.json: formats.to_json_text,
            ReportFormat.html: formats.to_html,
        }[fmt]
        text = render(doc)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{output}: error SM2AML512: cannot write the report: {exc.strerror or exc}") from None


def _tables(doc: dict[str, Any], output: Path | None) -> None:
    from rich.console import Console

    from sm2aml.emit.report_table import render_tables

    if output is None:
        render_tables(doc, Console())
        return
    try:
        with output.open("w", encoding="utf-8") as handle:
            render_tables(doc, Console(file=handle, width=160, no_color=True, color_system=None))
    except OSError as exc:
        raise _fail(f"{output}: error SM2AML512: cannot write the report: {exc.strerror or exc}") from None


def _summary(doc: dict[str, Any]) -> None:
    p = doc["portfolio"]
    o, f = p["outcomes"], p["findings"]
    typer.echo(
        f"{p['pipelines']} pipeline(s) assessed, {p['failed']} failed, {p['skipped']} skipped; "
        f"{p['steps']} steps: {o['direct']} direct, {o['approximate']} approximate, {o['manual']} manual; "
        f"{f['error']} errors, {f['warning']} warnings, {f['info']} infos; "
        f"readiness {p['readiness']['score']}/100; effort {p['effort']['days']} person-days",
        err=True,
    )


def _reaches(doc: dict[str, Any], level: str) -> bool:
    """A finding at or above `level` in a pipeline, a failed input or the mapping file."""
    wanted = {"error"} if level == "error" else {"error", "warning"}
    lists = [p["diagnostics"] for p in doc["pipelines"]] + [f["diagnostics"] for f in doc["failed"]]
    lists.append((doc.get("mapping") or {}).get("diagnostics", []))
    return any(d["severity"] in wanted for items in lists for d in items)


def _used(pipelines: list[dict[str, Any]]) -> dict[str, set[str]]:
    """What the inputs name, per mapping table (for SM2AML154)."""
    used: dict[str, set[str]] = {"buckets": set(), "roles": set(), "instance_types": set(), "images": set()}
    for p in pipelines:
        for table, names in used.items():
            names.update(item["source"] for item in p["inventory"][table])
    return used
