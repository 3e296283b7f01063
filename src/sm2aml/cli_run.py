"""`sm2aml run`: run an emitted pipeline locally, node by node (the work is in sm2aml.run)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sm2aml.cli import EXIT_FINDINGS, _fail, _pairs


def run_cmd(
    project: Annotated[Path, typer.Argument(help="An emitted project folder.")],
    *,
    inputs: Annotated[
        list[str] | None, typer.Option("--input", help="NAME=VALUE or NAME=PATH for a pipeline input.")
    ] = None,
    datastores: Annotated[
        list[str] | None, typer.Option("--datastore", help="NAME=FOLDER: where a datastore's paths are locally.")
    ] = None,
    skip: Annotated[
        list[str] | None, typer.Option("--skip", help="A node not to run (its outputs stay empty).")
    ] = None,
    run_dir: Annotated[Path | None, typer.Option(help="Where outputs and logs go (default OUT/.runs/<time>).")] = None,
) -> None:
    """Run an emitted pipeline locally, node by node, in the current Python environment."""
    import datetime

    from rich.console import Console
    from rich.table import Table

    from sm2aml.run import Node, Result, RunError, run

    if not (project / "pipeline.yml").is_file():
        _fail(f"{project}: not an emitted project (no pipeline.yml)")
    stamp = datetime.datetime.now(tz=datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = (run_dir or project / ".runs" / stamp).resolve()
    console = Console(stderr=True)
    environments: set[str] = set()

    def started(node: Node, i: int, total: int) -> None:
        env = str(node.component.get("environment", ""))
        if env and env not in environments:
            environments.add(env)
            console.print(f"[dim]environment {env} is not pulled: the step runs in this Python ({sys.executable})[/]")
        console.print(f"[{i}/{total}] {node.name} …")

    def done(result: Result) -> None:
        mark = {"succeeded": "[green]ok[/]", "failed": "[red]FAILED[/]"}.get(
            result.status, f"[yellow]{result.status}[/]"
        )
        console.print(f"      {mark} {result.seconds:.1f}s")
        if result.status == "failed" and result.log:
            tail = result.log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
            console.print("\n".join(f"      | {line}" for line in tail), markup=False, highlight=False)
            console.print(f"      full log: {result.log}")
        if result.status == "cannot run locally":
            console.print(f"      {result.node} is not a command job; run it in Azure ML or pass --skip {result.node}")

    try:
        results = run(
            project,
            folder,
            inputs=_pairs(inputs or [], "--input"),
            datastores={k: Path(v) for k, v in _pairs(datastores or [], "--datastore").items()},
            skip=frozenset(skip or []),
            on_start=started,
            on_done=done,
        )
    except RunError as exc:
        _fail(str(exc))
    table = Table("node", "status", "seconds", "outputs (in the run folder)", header_style="bold")
    for r in results:
        table.add_row(
            r.node,
            r.status,
            f"{r.seconds:.1f}",
            ", ".join(p.relative_to(folder).as_posix() for p in r.outputs.values()),
        )
    console.print(table)
    console.print(f"run folder: {folder}")
    if any(r.status in ("failed", "cannot run locally") for r in results):
        raise typer.Exit(EXIT_FINDINGS)
