"""Local execution of an emitted project: each command node in dependency order, as a subprocess.

Azure ML cannot run pipeline jobs on a workstation; this runs the same commands with the same
`${{…}}` substitution, in the current Python environment, with every output in its own folder.
An if_else node reads its condition's control output and skips the nodes of the other block; a node
that reads from a skipped node is skipped too.
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

from sm2aml.validate import local_component

BINDING = re.compile(r"\$\{\{\s*(\S*?)\s*\}\}")
OPTIONAL = re.compile(r"\$\[\[(.*?)\]\]", re.S)
DATASTORE_URI = re.compile(r"^azureml://datastores/([^/]+)/paths/(.*)$")
SKIPPED_MARK = "skipped: its condition branch was not taken"
LOCAL_KINDS = ("command",)
IF_ELSE_BLOCKS = {"true_block": True, "false_block": False}
NODE_REF = re.compile(r"^\$\{\{\s*parent\.jobs\.([^.\s]+)\s*\}\}$")


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
        if job.get("type") == "if_else":
            condition = [
                m.split(".")[2] for m in BINDING.findall(str(job.get("condition"))) if m.startswith("parent.jobs.")
            ]
            upstream = [c for c in condition if c in jobs]
            nodes[name] = Node(
                name=name, kind="if_else", job=job, component={}, component_dir=project, upstream=upstream
            )
            continue
        ref = job.get("trial") if job.get("type") == "sweep" else job.get("component")
        if not isinstance(ref, str):
            raise RunError(f"pipeline.yml: node {name!r} has no component file")
        found = local_component(project, ref)
        if found is None:
            raise RunError(f"pipeline.yml: node {name!r} uses {ref}, which is not in components/")
        path = found.resolve()
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
    for node in [n for n in nodes.values() if n.kind == "if_else"]:
        for member in (m for members in block_members(node.job).values() for m in members):
            if member in nodes:
                nodes[member].upstream.append(node.name)  # a block's nodes wait for the decision
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
    skipped: set[str] = set()  # nodes a condition left out, and the nodes that read from them
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
        if node.name in skipped or skipped & set(node.upstream):
            result.status = "skipped (condition)"
            skipped.add(node.name)
        elif node.kind == "if_else":
            skipped.update(_decide(node, outputs, run_dir / node.name, result))
            failed = result.status == "failed"
        elif node.name in skip:
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


def block_members(job: dict[str, Any]) -> dict[bool, list[str]]:
    """The nodes an if_else node runs when its condition is true, and when it is false."""
    out: dict[bool, list[str]] = {}
    for key, outcome in IF_ELSE_BLOCKS.items():
        value = job.get(key)
        entries = value if isinstance(value, list) else [] if value is None else [value]
        out[outcome] = [m.group(1) for e in entries if (m := NODE_REF.match(str(e)))]
    return out


def _decide(node: Node, outputs: dict[tuple[str, str], Path], folder: Path, result: Result) -> list[str]:
    """Read the condition of an if_else node; returns the nodes of the block not taken."""
    folder.mkdir(parents=True, exist_ok=True)
    result.log = folder / "log.txt"
    condition = node.job.get("condition")
    value: bool | None = condition if isinstance(condition, bool) else None
    parts = BINDING.fullmatch(str(condition).strip())
    ref = parts.group(1).split(".") if parts else []
    if value is None and len(ref) == 5 and (ref[2], ref[4]) in outputs:
        path = outputs[(ref[2], ref[4])]
        path = path / "output" if path.is_dir() else path  # a control output written into its folder
        text = path.read_text(encoding="utf-8").strip().lower() if path.is_file() else ""
        value = {"true": True, "false": False}.get(text)
    blocks = block_members(node.job)
    if value is None:
        result.log.write_text(f"sm2aml: no boolean value for condition {condition}\n", encoding="utf-8")
        result.status = "failed"
        return []
    taken = "true_block" if value else "false_block"
    result.log.write_text(f"sm2aml: condition {condition} is {value}: {taken} runs\n", encoding="utf-8")
    result.status = "succeeded"
    return blocks[not value]


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
