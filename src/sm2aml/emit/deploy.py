"""The deploy plan of an emitted project: every command that puts it into a workspace, in dependency order.

One plan feeds everything that deploys: the README runbook, deploy.sh, the GitHub Actions workflow and the
Azure Pipelines definition, so they cannot disagree. Commands run from the project folder with
RESOURCE_GROUP, WORKSPACE and SUBSCRIPTION set, and AZURE_DEFAULTS_GROUP / AZURE_DEFAULTS_WORKSPACE pointing
`az ml` at the workspace. Also here: the content-derived versions of registered components.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sm2aml import aml
from sm2aml.emit import File
from sm2aml.emit.jinja import render

# Dependency order: what a stage creates, the stages after it may use.
STAGES = (
    "code",
    "identities",
    "datastores",
    "data",
    "environments",
    "compute",
    "components",
    "models",
    "job",
    "schedules",
    "endpoints",
)
# Steps behind a switch run only when asked (deploy.sh flag, workflow input); the rest run on every release.
SWITCHES = {
    "setup": ("--setup", "one-time setup: managed identities and their role assignments"),
    "copy_data": ("--copy-data", "copy the S3 data into the blob containers (once; again to refresh it)"),
    "endpoints": ("--endpoints", "online endpoints, once the pipeline has registered a model version"),
}
# Variables a step reads besides RESOURCE_GROUP, WORKSPACE and SUBSCRIPTION: name -> (secret?, what it is).
VARIABLES = {
    "AWS_ACCESS_KEY_ID": (True, "AWS access key that may read the S3 buckets"),
    "AWS_SECRET_ACCESS_KEY": (True, "its secret key"),
    "STORAGE_ACCOUNT_ID": (False, "resource id of the storage account behind the datastores"),
    "REGISTRY_ID": (False, "resource id of the container registry with custom images (may be empty)"),
}
WORKFLOW = ".github/workflows/azureml-deploy.yml"
AZURE_PIPELINE = "azure-pipelines.yml"
VERSION_LENGTH = 12
_ENV_FILE = re.compile(r"file:([^\s\"']+\.ya?ml)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One deploy command. `switch` names the opt-in it waits for (None: every release)."""

    stage: str
    title: str
    command: str
    once: bool = False
    switch: str | None = None
    needs: tuple[str, ...] = ()  # variables it reads (keys of VARIABLES)
    tools: tuple[str, ...] = ("az",)
    env: tuple[tuple[str, str], ...] = ()  # variables set for it alone

    @property
    def line(self) -> str:
        """The command as one shell line, its own variables set in front."""
        return "".join(f"{k}={shlex.quote(v)} " for k, v in self.env) + self.command


def _creates(stage: str, kind: str, files: list[tuple[str, str]]) -> list[Step]:
    """`az ml <kind> create --file <path>` for each (name, path)."""
    return [
        Step(stage=stage, title=f"{kind} {name}", command=f"az ml {kind} create --file {path}") for name, path in files
    ]


def plan(project: aml.Project, target: str = "yaml") -> tuple[Step, ...]:
    """Every deploy step of the project, in dependency order (STAGES)."""
    steps: list[Step] = []
    if project.code_sources:
        steps.append(
            Step(
                stage="code",
                title="fetch the step code SageMaker kept in S3 into components/*/src/",
                command="bash data_migration/fetch_code.sh",
                needs=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
                tools=("aws",),
            )
        )
    if project.identities:
        steps.append(
            Step(
                stage="identities",
                title="managed identities and role assignments",
                command="bash identity/create_identities.sh",
                once=True,
                switch="setup",
                needs=("STORAGE_ACCOUNT_ID", "REGISTRY_ID"),
            )
        )
    steps += _creates("datastores", "datastore", [(d.name, f"datastores/{d.name}.yml") for d in project.datastores])
    if project.data_copies:
        steps.append(
            Step(
                stage="data",
                title="copy the S3 data into the blob containers",
                command="bash data_migration/azcopy.sh",
                once=True,
                switch="copy_data",
                needs=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
                tools=("azcopy",),
                env=(("AZCOPY_AUTO_LOGIN_TYPE", "AZCLI"),),  # azcopy writes to blob storage as the az sign-in
            )
        )
    steps += _creates(
        "environments", "environment", [(e.name, f"environments/{e.name}.yml") for e in project.environments]
    )
    steps += _creates("compute", "compute", [(c.name, f"compute/{c.name}.yml") for c in project.computes])
    if project.register_components:
        steps += _creates(
            "components", "component", [(c.name, f"components/{c.name}/component.yml") for c in project.components]
        )
    steps += _creates("models", "model", [(m.name, f"models/{m.name}.yml") for m in project.models])
    steps += _job_steps(project, target)
    steps += _schedule_steps(project, target)
    for e in project.online_endpoints:
        steps += [
            Step(
                stage="endpoints",
                title=f"online endpoint {e.name}",
                command=f"az ml online-endpoint create --file endpoints/{e.name}.endpoint.yml",
                switch="endpoints",
            ),
            Step(
                stage="endpoints",
                title=f"its deployment {e.deployment.name}, with all the traffic",
                command=f"az ml online-deployment create --file endpoints/{e.name}.deployment.yml --all-traffic",
                switch="endpoints",
            ),
        ]
    steps += [
        s for m in project.monitors if m.endpoint and project.online_endpoints for s in _monitor_steps(m, "endpoints")
    ]
    return tuple(steps)


def _schedule_steps(project: aml.Project, target: str) -> list[Step]:
    """Job schedules (schedules/*.yml around pipeline.yml; the SDK target's schedule.py around build_pipeline)
    and the model monitors that read no endpoint of the project (those come after the endpoints)."""
    steps: list[Step] = []
    if target == "sdk" and project.schedules:
        names = ", ".join(s.name for s in project.schedules)
        steps.append(
            Step(
                stage="schedules",
                title=f"schedules {names}, built around pipeline.py by schedule.py",
                command='AZURE_SUBSCRIPTION_ID="$SUBSCRIPTION" AZURE_RESOURCE_GROUP="$RESOURCE_GROUP" '
                'AZUREML_WORKSPACE_NAME="$WORKSPACE" python schedule.py',
                tools=("python",),
            )
        )
    for s in project.schedules if target != "sdk" else ():
        steps.append(
            Step(
                stage="schedules",
                title=f"schedule {s.name}",
                command=f"az ml schedule create --file schedules/{s.name}.yml",
            )
        )
        if not s.enabled:
            steps.append(
                Step(
                    stage="schedules",
                    title=f"schedule {s.name} starts disabled",
                    command=f"az ml schedule disable --name {s.name}",
                )
            )
    steps += [
        s for m in project.monitors if not (m.endpoint and project.online_endpoints) for s in _monitor_steps(m, None)
    ]
    return steps


def _monitor_steps(monitor: aml.Monitor, switch: str | None) -> list[Step]:
    """The reference data's MLTable next to the data (as the signed-in user), then the monitor schedule."""
    uploads = [
        Step(
            stage="schedules",
            title=f"the MLTable of {monitor.name}'s reference data",
            command=f"az storage blob upload --auth-mode login --overwrite --account-name {shlex.quote(account)} "
            f"--container-name {shlex.quote(container)} --name {shlex.quote(blob)} --file {shlex.quote(file)}",
            switch=switch,
        )
        for file, account, container, blob in monitor.uploads
    ]
    return [
        *uploads,
        Step(
            stage="schedules",
            title=f"model monitor {monitor.name}",
            command=f"az ml schedule create --file schedules/{monitor.name}.yml",
            switch=switch,
        ),
    ]


def _job_steps(project: aml.Project, target: str) -> list[Step]:
    private = (("AZURE_ML_CLI_PRIVATE_FEATURES_ENABLED", "true"),) if _has_if_else(project) else ()
    if target != "sdk":
        return [
            Step(stage="job", title="the pipeline job", command="az ml job create --file pipeline.yml", env=private)
        ]
    return [
        Step(
            stage="job",
            title="the Python packages submit.py needs",
            command="python -m pip install -r requirements.txt",
            tools=("python",),
        ),
        Step(
            stage="job",
            title="the pipeline job, built by pipeline.py",
            command='AZURE_SUBSCRIPTION_ID="$SUBSCRIPTION" AZURE_RESOURCE_GROUP="$RESOURCE_GROUP" '
            'AZUREML_WORKSPACE_NAME="$WORKSPACE" python submit.py',
            tools=("python",),
            env=private,
        ),
    ]


def _has_if_else(project: aml.Project) -> bool:
    return any(n.kind == "if_else" for n in project.pipeline.nodes)


def switches(steps: Iterable[Step]) -> list[tuple[str, str, str]]:
    """The switches the steps use: (name, deploy.sh flag, what it turns on), in SWITCHES order."""
    used = {s.switch for s in steps}
    return [(name, flag, what) for name, (flag, what) in SWITCHES.items() if name in used]


def variables(steps: Iterable[Step]) -> list[tuple[str, bool, str]]:
    """The variables the steps read: (name, secret?, what it is), in VARIABLES order."""
    used = {v for s in steps for v in s.needs}
    return [(name, secret, what) for name, (secret, what) in VARIABLES.items() if name in used]


def emit(project: aml.Project, target: str, paths: Iterable[str]) -> list[File]:
    """deploy.sh, the GitHub Actions workflow and azure-pipelines.yml; `paths`: the project's other files."""
    steps = plan(project, target)
    context = {
        "project": project,
        "steps": steps,
        "switches": switches(steps),
        "variables": variables(steps),
        "triggers": _triggers(project, target, paths),
        "uses_python": any("python" in s.tools for s in steps),
        "secret": {name: secret for name, (secret, _) in VARIABLES.items()},
        "deploy_flags": {name: flag for name, (flag, _) in SWITCHES.items()},
    }
    return [
        File("deploy.sh", render("deploy/deploy.sh.j2", **context), executable=True),
        File(WORKFLOW, render("deploy/github-workflow.yml.j2", **context)),
        File(AZURE_PIPELINE, render("deploy/azure-pipelines.yml.j2", **context)),
    ]


def runbook(project: aml.Project, target: str) -> dict[str, Any]:
    """What the README's runbook sections are rendered from: the plan and what it asks of the deployer."""
    steps = plan(project, target)
    used = switches(steps)
    return {
        "steps": steps,
        "once": [s for s in steps if s.once],
        "switches": used,
        "switch_help": "; ".join(f"`{flag}`: {what}" for _, flag, what in used) or "none here",
        "deploy_flags": {name: flag for name, (flag, _) in SWITCHES.items()},
        "needs": variables(steps),
        "tools": sorted({t for s in steps for t in s.tools}),
        "registry": any(r.scope == "registry" for i in project.identities for r in i.roles),
    }


def _triggers(project: aml.Project, target: str, paths: Iterable[str]) -> list[str]:
    """Path filters for a push to main: each top-level file or folder of the project whose change deploys."""
    skip = {"MIGRATION_REPORT.md", "README.md", "report.json", "report.html", "graph.mmd"}
    if target == "sdk":
        skip.add("pipeline.yml")
    tops = {p.split("/", 1)[0] + ("/**" if "/" in p else "") for p in paths if p.split("/", 1)[0] not in skip}
    if target != "yaml":
        tops |= {"pipeline.py", "submit.py", "requirements.txt"}
    if project.schedules and target != "yaml":
        tops.add("schedule.py")
    if (project.schedules and target != "sdk") or project.monitors:
        tops.add("schedules/**")
    return sorted(tops | {"deploy.sh", AZURE_PIPELINE, WORKFLOW})


# --- registered components: versions derived from content ---------------------------------------


def component_version(text: str, files: Iterable[tuple[str, str | bytes]]) -> str:
    """A version that changes exactly when the component does: a hash of its YAML (without the version),
    every file under its folder and every environment file it names. Letters and digits, so a legal
    Azure ML asset version; the leading 'v' keeps YAML and the CLI from reading it as a number."""
    digest = hashlib.sha256()
    digest.update(text.encode("utf-8"))
    for path, data in sorted(files, key=lambda item: item[0]):
        raw = data.encode("utf-8") if isinstance(data, str) else data
        digest.update(f"\0{path}\0{len(raw)}\0".encode())
        digest.update(raw)
    return "v" + digest.hexdigest()[:VERSION_LENGTH]


def component_inputs(name: str, text: str, files: dict[str, str | bytes]) -> list[tuple[str, str | bytes]]:
    """The files a component's version depends on: its folder (but component.yml) and the environments it names."""
    folder = f"components/{name}/"
    out = [(p, t) for p, t in files.items() if p.startswith(folder) and p != f"{folder}component.yml"]
    for ref in sorted(set(_ENV_FILE.findall(text))):
        env = _normalise(folder + ref)
        conda = env[: -len(".yml")] + ".conda.yml" if env.endswith(".yml") else ""
        out += [(p, files[p]) for p in (env, conda) if p in files]
    return out


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
