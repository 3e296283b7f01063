"""Local execution of an emitted project: each command node in dependency order, as a subprocess.

Azure ML cannot run pipeline jobs on a workstation; this runs the same commands with the same
`${{…}}` substitution, in the current Python environment, with every output in its own folder.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BINDING = re.compile(r"\$\{\{\s*(\S*?)\s*\}\}")
OPTIONAL = re.compile(r"\$\[\[(.*?)\]\]", re.S)
DATASTORE_URI = re.compile(r"^azureml://datastores/([^/]+)/paths/(.*)$")
SKIPPED_MARK = "skipped: its condition branch was not taken"
LOCAL_KINDS = ("command",)


class RunError(Exception):
    """The project cannot be run as asked (missing input, unknown node, unreadable file)."""


def substitute(command: str, values: dict[str, str]) -> str:
    """Replace `${{inputs.x}}` / `${{outputs.y}}` by text, as Azure ML does before the shell runs.

    An `$[[…]]` block is kept (without its brackets) only when every binding in it has a value.
    """

    def block(match: re.Match[str]) -> str:
        inner = match.group(1)
        return inner if all(name in values for name in BINDING.findall(inner)) else ""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise RunError(f"no value for ${{{{{name}}}}}")
        return values[name]

    return BINDING.sub(one, OPTIONAL.sub(block, command))


@dataclass(slots=True)
class Node:
    name: str
    kind: str
    job: dict[str, Any]
    component: dict[str, Any]
    component_dir: Path
    upstream: list[str]


@dataclass(slots=True)
class Result:
    node: str
    status: str  # succeeded | failed | skipped (condition) | not run | cannot run locally | skipped (--skip)
    seconds: float = 0.0
    log: Path | None = None
    outputs: dict[str, Path] = field(default_factory=dict)
    environment: str = ""


def plan(project: Path) -> list[Node]:
    """The project's nodes in dependency order (bindings to other nodes' outputs are the edges)."""
    pipeline = _read(project / "pipeline.yml")
    jobs: dict[str, Any] = pipeline.get("jobs") or {}
    nodes: dict[str, Node] = {}
    for name, job in jobs.items():
        ref = job.get("trial") if job.get("type") == "sweep" else job.get("component")
        if not isinstance(ref, str):
            raise RunError(f"pipeline.yml: node {name!r} has no component file")
        path = (project / ref).resolve()
        refs = [
            m.split(".")[2]
            for m in BINDING.findall(yaml.safe_dump(job.get("inputs") or {}))
            if m.startswith("parent.jobs.")
        ]
        nodes[name] = Node(
            name=name,
            kind=str(job.get("type", "command")),
            job=job,
            component=_read(path),
            component_dir=path.parent,
            upstream=[r for r in dict.fromkeys(refs) if r in jobs],
        )
    order: list[Node] = []
    done: set[str] = set()
    while len(order) < len(nodes):
        ready = [n for n in nodes.values() if n.name not in done and set(n.upstream) <= done]
        if not ready:
            raise RunError("pipeline.yml: the nodes wait for each other in a cycle")
        order.append(ready[0])
        done.add(ready[0].name)
    return order


def pipeline_inputs(project: Path, given: dict[str, str], datastores: dict[str, Path]) -> dict[str, str]:
    """Every pipeline input as text: --input values first, then the defaults in pipeline.yml."""
    declared: dict[str, Any] = _read(project / "pipeline.yml").get("inputs") or {}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise RunError(f"unknown pipeline input(s): {', '.join(unknown)} (known: {', '.join(sorted(declared))})")
    values = {}
    for name, value in declared.items():
        if name in given:
            values[name] = str(Path(given[name]).resolve()) if isinstance(value, dict) else given[name]
        elif isinstance(value, dict):
            values[name] = _local_path(value.get("path"), datastores, f"pipeline input {name!r}")
        else:
            values[name] = _text(value)
    return values


def run(
    project: Path,
    run_dir: Path,
    *,
    inputs: dict[str, str] | None = None,
    datastores: dict[str, Path] | None = None,
    skip: frozenset[str] = frozenset(),
    on_start: Callable[[Node, int, int], None] | None = None,
    on_done: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Run every node; stop at the first failure. Returns one Result per node, in order."""
    nodes = plan(project)
    unknown = sorted(skip - {n.name for n in nodes})
    if unknown:
        raise RunError(f"--skip names unknown node(s): {', '.join(unknown)}")
    stores = datastores or {}
    parent = pipeline_inputs(project, inputs or {}, stores)
    shims = _python_shims(run_dir)
    results: list[Result] = []
    outputs: dict[tuple[str, str], Path] = {}
    failed = False
    for i, node in enumerate(nodes, 1):
        folders = {o: run_dir / node.name / "outputs" / o for o in (node.component.get("outputs") or {})}
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        outputs.update({(node.name, o): p for o, p in folders.items()})
        result = Result(
            node=node.name, status="not run", outputs=folders, environment=str(node.component.get("environment", ""))
        )
        if failed:
            results.append(result)
            continue
        if on_start:
            on_start(node, i, len(nodes))
        if node.name in skip:
            result.status = "skipped (--skip)"
        elif node.kind not in LOCAL_KINDS or node.component.get("type", "command") != "command":
            result.status = "cannot run locally"
            failed = True
        else:
            values = _values(node, parent, outputs, stores)
            _execute(node, values, run_dir / node.name, shims, result)
            failed = result.status == "failed"
        results.append(result)
        if on_done:
            on_done(result)
    return results


def _values(
    node: Node, parent: dict[str, str], outputs: dict[tuple[str, str], Path], datastores: dict[str, Path]
) -> dict[str, str]:
    declared: dict[str, Any] = node.component.get("inputs") or {}
    bound: dict[str, Any] = node.job.get("inputs") or {}
    values: dict[str, str] = {}
    for name, port in declared.items():
        if name in bound:
            values[f"inputs.{name}"] = _bound(bound[name], parent, outputs, datastores, f"{node.name}.{name}")
        elif isinstance(port, dict) and port.get("default") is not None:
            values[f"inputs.{name}"] = _text(port["default"])
    values.update({f"outputs.{o}": str(outputs[(node.name, o)]) for o in node.component.get("outputs") or {}})
    return values


def _bound(
    value: Any, parent: dict[str, str], outputs: dict[tuple[str, str], Path], datastores: dict[str, Path], what: str
) -> str:
    if isinstance(value, dict):
        return _local_path(value.get("path"), datastores, what)
    if not isinstance(value, str) or "${{" not in value:
        return _text(value)

    def one(match: re.Match[str]) -> str:
        parts = match.group(1).split(".")
        if parts[:2] == ["parent", "inputs"] and parts[2] in parent:
            return parent[parts[2]]
        if parts[:2] == ["parent", "jobs"] and len(parts) == 5 and (parts[2], parts[4]) in outputs:
            return str(outputs[(parts[2], parts[4])])
        raise RunError(f"{what}: cannot resolve ${{{{{match.group(1)}}}}}")

    return BINDING.sub(one, value)


def _execute(node: Node, values: dict[str, str], folder: Path, shims: Path, result: Result) -> None:
    command = substitute(str(node.component.get("command", "")), values)
    cwd = folder / "code"
    code = node.component.get("code")
    shutil.rmtree(cwd, ignore_errors=True)
    if isinstance(code, str):
        shutil.copytree(node.component_dir / code, cwd)
    else:
        cwd.mkdir(parents=True)
    env = {**os.environ, **{str(k): _text(v) for k, v in (node.job.get("environment_variables") or {}).items()}}
    env["PATH"] = f"{shims}{os.pathsep}{env.get('PATH', '')}"
    result.log = folder / "log.txt"
    started = time.perf_counter()
    (folder / "command.sh").write_text(command + "\n", encoding="utf-8")  # the log holds only what it printed
    with result.log.open("w", encoding="utf-8") as log:
        code_ = subprocess.call(["bash", "-c", command], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    result.seconds = time.perf_counter() - started
    text = result.log.read_text(encoding="utf-8", errors="replace")
    if code_ != 0:
        result.status = "failed"
    elif SKIPPED_MARK in text:
        result.status = "skipped (condition)"
    else:
        result.status = "succeeded"


def _python_shims(run_dir: Path) -> Path:
    """`python` and `python3` in commands mean the interpreter running sm2aml."""
    shims = run_dir / ".bin"
    shims.mkdir(parents=True, exist_ok=True)
    for name in ("python", "python3"):
        shim = shims / name  # a script, not a link: a link would lose the virtual environment
        shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    return shims


def _local_path(uri: Any, datastores: dict[str, Path], what: str) -> str:
    if not isinstance(uri, str):
        raise RunError(f"{what} has no path: give it with --input NAME=PATH")
    match = DATASTORE_URI.match(uri)
    if match:
        store, rest = match.groups()
        if store not in datastores:
            raise RunError(f"{what} reads datastore {store!r}: map it with --datastore {store}=FOLDER")
        return str((datastores[store] / rest).resolve())
    if "://" in uri or uri.startswith("azureml:"):
        raise RunError(f"{what} is {uri}: give a local folder with --input NAME=PATH")
    return uri


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return "" if value is None else str(value)


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RunError(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict):
        raise RunError(f"{path} is not a YAML mapping")
    return doc
