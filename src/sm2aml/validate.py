"""Offline checks of an emitted project: bindings resolve, names are legal, files exist, azure-ai-ml loads it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from sm2aml import aml
from sm2aml.diagnostics import Diagnostics, Severity

BINDING = re.compile(r"\$\{\{\s*(\S*?)\s*\}\}")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SELF_CONTAINED = frozenset({"automl"})  # node types that need no component file
ENDPOINT_NAME = re.compile(r"^[a-zA-Z][-a-zA-Z0-9]{1,30}[a-zA-Z0-9]$")  # 3-32 characters
OPTIONAL_BLOCK = re.compile(r"\$\[\[(.*?)\]\]", re.S)
IF_ELSE_BLOCKS = ("true_block", "false_block")
NODE_REF = re.compile(r"\$\{\{\s*parent\.jobs\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
CONDITION = re.compile(r"\$\{\{\s*parent\.jobs\.([A-Za-z_][A-Za-z0-9_]*)\.outputs\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def validate(out: Path, *, azure: bool = True) -> Diagnostics:
    """Check an emitted project folder; with azure=True also load every file with azure-ai-ml.

    A project of the SDK target alone has pipeline.py instead of pipeline.yml: with azure=True its
    build_pipeline() builds the job (offline) for azure-ai-ml to check."""
    diags = Diagnostics()
    sdk_only = not (out / "pipeline.yml").exists() and (out / "pipeline.py").is_file()
    pipeline = None if sdk_only else _load_yaml(out / "pipeline.yml", "pipeline.yml", diags)
    components: dict[str, dict[str, Any]] = {}
    for path in sorted(out.glob("components/*/component.yml")):
        rel = path.relative_to(out).as_posix()
        doc = _load_yaml(path, rel, diags)
        if isinstance(doc, dict):
            _check_component(doc, path, rel, diags)
            components[rel] = doc
            if doc.get("version") is not None:  # a registered component: nodes name it azureml:<name>:<version>
                components[f"azureml:{doc.get('name')}:{doc.get('version')}"] = doc
    if isinstance(pipeline, dict):
        _check_pipeline(pipeline, out, components, diags)
    _check_endpoints(out, diags)
    _check_schedules(out, pipeline if isinstance(pipeline, dict) else None, diags)
    if azure and not diags.at_least(Severity.ERROR):
        from sm2aml.validate_azure import check

        check(out, diags)
    return diags


def _check_schedules(out: Path, pipeline: dict[str, Any] | None, diags: Diagnostics) -> None:
    """Job schedules: the job file create_job names exists, and the inputs it sets are the job's."""
    for path in sorted(out.glob("schedules/*.yml")):
        rel = path.relative_to(out).as_posix()
        doc = _load_yaml(path, rel, diags)
        create = doc.get("create_job") if isinstance(doc, dict) else None
        if not isinstance(create, dict):
            continue  # a monitor schedule (create_monitor), or a job given by ARM id
        job = create.get("job")
        if not isinstance(job, str) or not (path.parent / job).is_file():
            where = f"{rel}#/create_job/job"
            diags.add("SM2AML502", f"the job file {job!r} of the schedule does not exist", where=where)
            continue
        is_pipeline = (path.parent / job).resolve() == (out / "pipeline.yml").resolve()
        declared = ((pipeline or {}).get("inputs") or {}) if is_pipeline else None
        for name in sorted(create.get("inputs") or {}):
            if declared is not None and name not in declared:
                diags.add(
                    "SM2AML502",
                    f"the schedule sets input {name!r}, which pipeline.yml does not declare",
                    where=f"{rel}#/create_job/inputs/{name}",
                )


def _check_endpoints(out: Path, diags: Diagnostics) -> None:
    """Online endpoints and deployments: legal names, a known endpoint, the scoring code present."""
    endpoints = set()
    for path in sorted(out.glob("endpoints/*.endpoint.yml")):
        rel = path.relative_to(out).as_posix()
        doc = _load_yaml(path, rel, diags)
        name = doc.get("name") if isinstance(doc, dict) else None
        if not isinstance(name, str) or not ENDPOINT_NAME.match(name):
            diags.add("SM2AML503", f"endpoint name {name!r} is not legal", where=f"{rel}#/name")
        endpoints.add(name)
    for path in sorted(out.glob("endpoints/*.deployment.yml")):
        rel = path.relative_to(out).as_posix()
        doc = _load_yaml(path, rel, diags)
        if not isinstance(doc, dict):
            continue
        if not isinstance(doc.get("name"), str) or not ENDPOINT_NAME.match(doc["name"]):
            diags.add("SM2AML503", f"deployment name {doc.get('name')!r} is not legal", where=f"{rel}#/name")
        if doc.get("endpoint_name") not in endpoints:
            diags.add(
                "SM2AML502", f"endpoint {doc.get('endpoint_name')!r} is not defined", where=f"{rel}#/endpoint_name"
            )
        config = doc.get("code_configuration") or {}
        script = path.parent / str(config.get("code", ".")) / str(config.get("scoring_script", ""))
        if config and not script.is_file():
            diags.add(
                "SM2AML504", f"scoring script {script.relative_to(out)} is missing", where=f"{rel}#/code_configuration"
            )


def _load_yaml(path: Path, rel: str, diags: Diagnostics) -> Any:
    if not path.is_file():
        diags.add("SM2AML504", f"{rel} is missing", where=rel)
        return None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        diags.add("SM2AML505", f"{rel} is not valid YAML: {exc}", where=rel)
        return None


def _check_component(doc: dict[str, Any], path: Path, rel: str, diags: Diagnostics) -> None:
    name = doc.get("name")
    if not isinstance(name, str) or not aml.COMPONENT_NAME.match(name):
        diags.add("SM2AML503", f"component name {name!r} is not legal", where=f"{rel}#/name")
    ports = {"inputs": doc.get("inputs") or {}, "outputs": doc.get("outputs") or {}}
    for section, items in ports.items():
        seen: set[str] = set()
        for key in items:
            if not aml.IO_NAME.match(key) or key.lower() in seen:
                diags.add(
                    "SM2AML503", f"{section} name {key!r} is not legal or not unique", where=f"{rel}#/{section}/{key}"
                )
            seen.add(key.lower())
    task = doc.get("task")
    task = task if isinstance(task, dict) else {}  # a parallel component's code
    for pointer, code in (("/code", doc.get("code")), ("/task/code", task.get("code"))):
        if isinstance(code, str) and not (path.parent / code).exists():
            diags.add("SM2AML504", f"code folder {code} does not exist", where=f"{rel}#{pointer}")
    env = doc.get("environment")
    if isinstance(env, str) and env.startswith("file:") and not (path.parent / env[5:]).is_file():
        diags.add("SM2AML504", f"environment file {env[5:]} does not exist", where=f"{rel}#/environment")
    _check_component_bindings(doc, ports, rel, diags)


def _check_component_bindings(
    doc: dict[str, Any], ports: dict[str, dict[str, Any]], rel: str, diags: Diagnostics
) -> None:
    """Bindings (command, parallel task, spark args …) name declared ports; optional ones sit in $[[…]]."""
    for pointer, text in _strings({k: v for k, v in doc.items() if k not in ("inputs", "outputs")}, ""):
        optional_text = " ".join(OPTIONAL_BLOCK.findall(text))
        for expr in BINDING.findall(text):
            section, _, key = expr.partition(".")
            if section not in ports or key not in ports[section]:
                diags.add("SM2AML502", f"binding ${{{{{expr}}}}} does not resolve", where=f"{rel}#{pointer}")
            elif section == "inputs" and (ports["inputs"][key] or {}).get("optional") and expr not in optional_text:
                diags.add("SM2AML502", f"optional input {key} is used outside $[[…]]", where=f"{rel}#{pointer}")
    for section in ("inputs", "outputs"):
        for pointer, text in _strings(doc.get(section) or {}, f"/{section}"):
            if BINDING.search(text):
                diags.add("SM2AML502", f"binding {text!r} in a declaration", where=f"{rel}#{pointer}")


def _check_pipeline(doc: dict[str, Any], out: Path, components: dict[str, dict[str, Any]], diags: Diagnostics) -> None:
    jobs = doc.get("jobs") or {}
    job_outputs = {
        name: set((components.get(_component_path(job)) or {}).get("outputs") or job.get("outputs") or {})
        for name, job in jobs.items()
    }
    for name, job in jobs.items():
        if job.get("type") == "if_else":
            _check_if_else(name, job, jobs, components, diags)
        else:
            _check_node(name, job, components.get(_component_path(job)), diags)
    _check_blocks_are_disjoint(jobs, diags)
    inputs, outputs = doc.get("inputs") or {}, doc.get("outputs") or {}
    for pointer, text in _strings(doc, ""):
        for expr in BINDING.findall(text):
            job = jobs.get(pointer.split("/")[2]) if pointer.startswith("/jobs/") else None
            if (job or {}).get("type") == "if_else" and pointer.split("/")[3] in IF_ELSE_BLOCKS:
                continue  # node bindings, checked by _check_if_else
            space = set((job or {}).get("search_space") or {})
            if not _resolves(expr, inputs, outputs, job_outputs, space):
                diags.add("SM2AML502", f"binding ${{{{{expr}}}}} does not resolve", where=f"pipeline.yml#{pointer}")


def _check_node(name: str, job: dict[str, Any], comp: dict[str, Any] | None, diags: Diagnostics) -> None:
    at = f"pipeline.yml#/jobs/{name}"
    if not aml.NODE_NAME.match(name) or not name.isidentifier():
        diags.add("SM2AML503", f"node name {name!r} is not legal", where=at)
    if comp is None and job.get("type") in SELF_CONTAINED:
        return
    if comp is None:
        ref = _component_path(job)
        where = "no components/*/component.yml has that name and version" if ref.startswith("azureml:") else ""
        diags.add(
            "SM2AML504",
            f"node {name!r} uses component {ref!r}, which is missing" + (f" ({where})" if where else ""),
            where=f"{at}/component",
        )
        return
    declared, given = comp.get("inputs") or {}, job.get("inputs") or {}
    space = (job.get("search_space") or {}) if job.get("type") == "sweep" else {}
    for key in space:
        if key not in declared:
            diags.add(
                "SM2AML502",
                f"sweep node {name!r} searches input {key!r} its trial does not declare",
                where=f"{at}/search_space/{key}",
            )
    for key in given:
        if key not in declared:
            diags.add(
                "SM2AML502",
                f"node {name!r} binds input {key!r} its component does not declare",
                where=f"{at}/inputs/{key}",
            )
    for key, port in declared.items():
        if key not in given and key not in space and not port.get("optional") and port.get("default") is None:
            diags.add("SM2AML502", f"required input {key!r} of node {name!r} is not bound", where=f"{at}/inputs")
    for key in job.get("outputs") or {}:
        if key not in (comp.get("outputs") or {}):
            diags.add(
                "SM2AML502",
                f"node {name!r} sets output {key!r} its component does not declare",
                where=f"{at}/outputs/{key}",
            )


def _check_if_else(
    name: str, job: dict[str, Any], jobs: dict[str, Any], components: dict[str, dict[str, Any]], diags: Diagnostics
) -> None:
    """The condition binds a boolean control output of a node; each block entry is ${{parent.jobs.<other node>}}."""
    at = f"pipeline.yml#/jobs/{name}"
    if not aml.NODE_NAME.match(name) or not name.isidentifier():
        diags.add("SM2AML503", f"node name {name!r} is not legal", where=at)
    condition = job.get("condition")
    match = CONDITION.fullmatch(condition) if isinstance(condition, str) else None
    if match:
        node, output = match.groups()
        port = ((components.get(_component_path(jobs.get(node) or {})) or {}).get("outputs") or {}).get(output)
        if not (isinstance(port, dict) and port.get("type") == "boolean" and port.get("is_control") is True):
            diags.add(
                "SM2AML502",
                f"if_else node {name!r}: {condition} is not a boolean control output (is_control: true)",
                where=f"{at}/condition",
            )
    elif not isinstance(condition, bool):
        diags.add(
            "SM2AML502", f"if_else node {name!r}: condition {condition!r} binds no node output", where=f"{at}/condition"
        )
    blocks = {key: _block_nodes(name, key, job.get(key), jobs, diags) for key in IF_ELSE_BLOCKS}
    if not any(blocks.values()):
        diags.add("SM2AML502", f"if_else node {name!r} has neither a true_block nor a false_block", where=at)
    for both in sorted(set(blocks["true_block"]) & set(blocks["false_block"])):
        diags.add("SM2AML502", f"if_else node {name!r} lists {both!r} in both blocks", where=at)


def _block_nodes(name: str, key: str, value: Any, jobs: dict[str, Any], diags: Diagnostics) -> list[str]:
    """The nodes a true_block or false_block names; each entry must be ${{parent.jobs.<another node>}}."""
    entries = value if isinstance(value, list) else [] if value is None else [value]
    found = []
    for i, entry in enumerate(entries):
        match = NODE_REF.fullmatch(entry) if isinstance(entry, str) else None
        if match is None or match.group(1) not in jobs or match.group(1) == name:
            diags.add(
                "SM2AML502",
                f"if_else node {name!r}: {key} entry {entry!r} is not ${{{{parent.jobs.<another node>}}}}",
                where=f"pipeline.yml#/jobs/{name}/{key}" + (f"/{i}" if isinstance(value, list) else ""),
            )
        else:
            found.append(match.group(1))
    return found


def _check_blocks_are_disjoint(jobs: dict[str, Any], diags: Diagnostics) -> None:
    seen: dict[str, str] = {}
    for name, job in jobs.items():
        if job.get("type") != "if_else":
            continue
        for key in IF_ELSE_BLOCKS:
            value = job.get(key)
            for entry in value if isinstance(value, list) else [value]:
                match = NODE_REF.fullmatch(entry) if isinstance(entry, str) else None
                if match and match.group(1) != name and seen.setdefault(match.group(1), name) != name:
                    diags.add(
                        "SM2AML502",
                        f"node {match.group(1)!r} is in blocks of both {seen[match.group(1)]!r} and {name!r}",
                        where=f"pipeline.yml#/jobs/{name}/{key}",
                    )


def _component_path(job: dict[str, Any]) -> str:
    """The key of a node's component in the loaded components: its file, or azureml:<name>:<version>."""
    comp = job.get("trial") if job.get("type") == "sweep" else job.get("component")
    return comp.removeprefix("./") if isinstance(comp, str) else ""


def local_component(out: Path, ref: str) -> Path | None:
    """The component file a node's reference means: a path in the project, or for azureml:<name>:<version>
    the components/*/component.yml of that name and version (None when the project has none)."""
    if not ref.startswith("azureml:"):
        return out / ref
    name, _, version = ref.removeprefix("azureml:").partition(":")
    for path in sorted(out.glob("components/*/component.yml")):
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(doc, dict) and doc.get("name") == name and str(doc.get("version")) == version:
            return path
    return None


def _resolves(
    expr: str, inputs: dict[str, Any], outputs: dict[str, Any], job_outputs: dict[str, set[str]], space: set[str]
) -> bool:
    parts = expr.split(".")
    match parts:
        case ["parent", "inputs", name]:
            return name in inputs
        case ["parent", "outputs", name]:
            return name in outputs
        case ["parent", "jobs", node, "outputs", name]:
            return name in job_outputs.get(node, set())
        case ["search_space", name]:
            return name in space
        case ["name"] | ["output_name"]:
            return True
        case _:
            return False


def _strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{i}")
    elif isinstance(value, str):
        yield pointer, value
