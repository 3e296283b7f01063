"""aml.Project → an Azure ML CLI v2 project: pipeline.yml, components/, environments/, datastores/, …"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sm2aml import __version__, aml
from sm2aml.emit import File, deploy
from sm2aml.emit.jinja import render


def emit(project: aml.Project, target: str = "yaml", code: Sequence[File] = ()) -> list[File]:
    """The YAML project; `target` (yaml, sdk or both) says which pipeline files the README and the deploy
    files use; `code`: step code found locally for components/*/src/ (part of registered components' versions)."""
    job = project.pipeline
    files: list[File] = []
    for e in project.environments:
        files.append(File(f"environments/{e.name}.yml", render("yaml/environment.yml.j2", e=e)))
        if e.conda:
            files.append(File(f"environments/{e.name}.conda.yml", e.conda))
    for d in project.datastores:
        files.append(File(f"datastores/{d.name}.yml", render("yaml/datastore.yml.j2", d=d)))
    for comp in project.computes:
        files.append(File(f"compute/{comp.name}.yml", render("yaml/compute.yml.j2", c=comp)))
    for m in project.models:
        files.append(File(f"models/{m.name}.yml", render("yaml/model.yml.j2", m=m)))
    for ep in project.online_endpoints:
        files.append(File(f"endpoints/{ep.name}.endpoint.yml", render("yaml/online_endpoint.yml.j2", e=ep)))
        files.append(
            File(f"endpoints/{ep.name}.deployment.yml", render("yaml/online_deployment.yml.j2", e=ep, d=ep.deployment))
        )
        files += [File(f"endpoints/{ep.name}/{path}", text) for path, text in sorted(ep.deployment.src_files.items())]
    for s in project.schedules:
        files.append(File(f"schedules/{s.name}.yml", render("yaml/schedule.yml.j2", s=s)))
    for mon in project.monitors:  # names end in _monitor: apart from the pipeline schedules
        files.append(File(f"schedules/{mon.name}.yml", render("yaml/monitor.yml.j2", m=mon)))
        files += [File(path, text) for path, text in sorted(mon.files.items())]
    if project.identities:
        files.append(
            File(
                "identity/create_identities.sh",
                render("scripts/create_identities.sh.j2", identities=project.identities),
                executable=True,
            )
        )
    copies = [
        {
            "s3_url": f"https://s3.amazonaws.com/{c.source.removeprefix('s3://')}",
            "blob_url": f"https://{c.account_name}.blob.core.windows.net/{c.container_name}/{c.prefix}",
        }
        for c in project.data_copies
    ]
    files.append(File("data_migration/azcopy.sh", render("scripts/azcopy.sh.j2", copies=copies), executable=True))
    files.append(
        File(
            "data_migration/fetch_code.sh",
            render("scripts/fetch_code.sh.j2", sources=project.code_sources),
            executable=True,
        )
    )
    versions = _components(project, files, code)
    files.append(
        File(
            "pipeline.yml",
            render(
                "yaml/pipeline.yml.j2",
                job=job,
                inputs=_pipeline_inputs(job),
                nodes=[_node(n, versions.get(n.component)) for n in job.nodes],
            ),
        )
    )
    files += deploy.emit(project, target, [f.path for f in (*files, *code)])
    if_else = any(n.kind == "if_else" for n in job.nodes)
    files.append(
        File(
            "README.md",
            render(
                "README.md.j2",
                project=project,
                job=job,
                version=__version__,
                if_else=if_else,
                target=target,
                **deploy.runbook(project, target),
            ),
        )
    )
    return files


def _components(project: aml.Project, files: list[File], code: Sequence[File]) -> dict[str, str]:
    """components/<name>/…: with register_components, each component.yml carries its content-derived version.
    Returns the versions by component name (empty when components stay anonymous)."""
    versions: dict[str, str] = {}
    for c in project.components:
        src = [File(f"components/{c.name}/src/{path}", text) for path, text in sorted(c.src_files.items())]
        if not c.src_files:
            src.append(File(f"components/{c.name}/src/.gitkeep", ""))
        text = render("yaml/component.yml.j2", c=c, version=None)
        if project.register_components:
            known = {f.path: f.text for f in (*files, *src, *code)}
            versions[c.name] = deploy.component_version(text, deploy.component_inputs(c.name, text, known))
            text = render("yaml/component.yml.j2", c=c, version=versions[c.name])
        files += [File(f"components/{c.name}/component.yml", text), *src]
    return versions


def binding(value: aml.Binding) -> Any:
    """A node or pipeline input value as YAML data: a `${{…}}` string, a literal, or a data mapping."""
    match value:
        case aml.ParentInput() | aml.NodeOutput():
            return value.ref()
        case aml.Literal(value=literal):
            return literal
        case aml.DataPath(type=kind, path=path, mode=mode):
            return {k: v for k, v in (("type", kind), ("path", path), ("mode", mode)) if v is not None}


def _pipeline_inputs(job: aml.PipelineJob) -> list[tuple[str, Any]]:
    """Pipeline-job inputs are bare literals or data mappings (no type/default keys at job level)."""
    out: list[tuple[str, Any]] = []
    for name, port in sorted(job.inputs.items()):
        if port.type in aml.DATA_TYPES:
            out.append(
                (
                    name,
                    {k: v for k, v in (("type", port.type), ("path", port.path), ("mode", port.mode)) if v is not None},
                )
            )
        else:
            out.append((name, port.default))
    return out


def _node(node: aml.Node, version: str | None = None) -> dict[str, Any]:
    ref = f"azureml:{node.component}:{version}" if version else f"./components/{node.component}/component.yml"
    return {
        "name": node.name,
        "component": node.component,
        "ref": ref,
        "kind": node.kind,
        "settings": node.settings,
        "display_name": node.display_name,
        "description": node.description,
        "compute": node.compute,
        "inputs": [(k, binding(v)) for k, v in sorted(node.inputs.items())],
        "environment_variables": node.environment_variables,
        "instance_type": node.instance_type,
        "instance_count": node.instance_count,
        "timeout": node.timeout,
        "identity": node.identity,
    }
