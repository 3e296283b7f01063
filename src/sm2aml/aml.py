"""Target-side model: an Azure ML project. No SageMaker words here."""

from __future__ import annotations

import functools
import keyword
import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sm2aml.diagnostics import Diagnostic

Scalar: TypeAlias = str | int | float | bool | None

DATA_TYPES = frozenset({"uri_folder", "uri_file", "mltable", "mlflow_model", "custom_model"})
RESERVED_IO_NAMES = frozenset({"path", "ld_library_path", "user", "logname", "home", "pwd", "shell"})
# Plain scalars YAML 1.1 reads as booleans or null: never a key of ours, even if the templates quote nothing.
YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
NODE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
COMPONENT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
IO_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@functools.lru_cache(maxsize=8192)
def snake(text: str) -> str:
    """A legal lower-case identifier from any text: 'Abalone-Process' -> 'abalone_process'."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    if not text or not text[0].isalpha():
        text = f"n_{text}" if text else "unnamed"
    return text


class Names:
    """Hands out unique legal names within one scope (case-insensitive, reserved words avoided)."""

    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self._taken: set[str] = set(reserved)

    def take(self, text: str) -> str:
        base = snake(text)
        if keyword.iskeyword(base) or base in RESERVED_IO_NAMES or base in YAML_WORDS:
            base = f"{base}_"
        name, n = base, 2
        while name.lower() in self._taken:
            name, n = f"{base}_{n}", n + 1
        self._taken.add(name.lower())
        return name


# --- bindings: what a node input is bound to ---------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ParentInput:
    name: str

    def ref(self) -> str:
        return f"${{{{parent.inputs.{self.name}}}}}"


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeOutput:
    node: str
    output: str

    def ref(self) -> str:
        return f"${{{{parent.jobs.{self.node}.outputs.{self.output}}}}}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Literal:
    value: Scalar


@dataclass(frozen=True, slots=True, kw_only=True)
class DataPath:
    type: str
    path: str
    mode: str | None = None


Binding: TypeAlias = ParentInput | NodeOutput | Literal | DataPath


# --- declarations ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Port:
    """A component input or output, or a pipeline input."""

    type: str
    optional: bool = False
    default: Scalar = None
    description: str = ""
    enum: tuple[Scalar, ...] = ()
    mode: str | None = None
    path: str | None = None
    is_control: bool = False  # a primitive output an if_else node reads


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """A component; `kind` command, parallel or spark. `settings` holds the kind's own keys as YAML data."""

    name: str
    display_name: str
    description: str
    command: str
    environment: str
    kind: str = "command"
    settings: dict[str, Any] = field(default_factory=dict)
    code: str | None = "./src"
    inputs: dict[str, Port] = field(default_factory=dict)
    outputs: dict[str, Port] = field(default_factory=dict)
    is_deterministic: bool = True
    src_files: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """A pipeline job; `kind` command, sweep (component is the trial), parallel or spark."""

    name: str
    component: str
    kind: str = "command"
    settings: dict[str, Any] = field(default_factory=dict)  # the kind's own keys (search_space, limits, …)
    display_name: str = ""
    description: str = ""
    inputs: dict[str, Binding] = field(default_factory=dict)
    outputs: dict[str, Port] = field(default_factory=dict)
    environment_variables: dict[str, str] = field(default_factory=dict)
    instance_type: str | None = None
    instance_count: int | None = None
    timeout: int | None = None
    compute: str | None = None
    identity: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineJob:
    name: str
    display_name: str
    description: str = ""
    experiment_name: str | None = None
    inputs: dict[str, Port] = field(default_factory=dict)
    nodes: tuple[Node, ...] = ()
    default_compute: str = "azureml:serverless"
    force_rerun: bool | None = None
    continue_on_step_failure: bool | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Environment:
    """A custom environment (image + optional conda file); curated ones are referenced, not emitted."""

    name: str
    image: str
    description: str = ""
    conda: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Datastore:
    name: str
    account_name: str
    container_name: str
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleAssignment:
    role: str
    role_id: str
    scope: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    name: str
    description: str
    roles: tuple[RoleAssignment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Compute:
    name: str
    size: str
    min_instances: int = 0
    max_instances: int = 1
    identity: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DataCopy:
    """One S3 prefix to copy into a blob container."""

    source: str
    account_name: str
    container_name: str
    prefix: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """A model asset whose files already sit at a fixed location (a datastore path)."""

    name: str
    path: str
    type: str = "custom_model"
    description: str = ""
    stage: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class OnlineDeployment:
    """The one deployment of an online endpoint: a registered model served by a scoring script."""

    name: str
    model: str  # azureml:<name>@latest
    environment: str
    instance_type: str
    instance_count: int = 1
    scoring_script: str | None = None
    src_files: dict[str, str] = field(default_factory=dict)
    environment_variables: dict[str, str] = field(default_factory=dict)
    collections: tuple[str, ...] = ()  # data_collector collections (model_inputs, model_outputs)


@dataclass(frozen=True, slots=True, kw_only=True)
class OnlineEndpoint:
    name: str
    deployment: OnlineDeployment
    description: str = ""
    auth_mode: str = "key"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """A recurring trigger of the pipeline job: schedules/<name>.yml (`az ml schedule create`)."""

    name: str
    display_name: str = ""
    description: str = ""
    cron: str | None = None  # five-field cron expression (trigger type cron)
    frequency: str | None = None  # recurrence trigger: minute | hour | day | week | month
    interval: int | None = None
    time_zone: str = "UTC"  # a Windows time zone name
    start_time: str | None = None  # ISO 8601, no offset (the time zone applies)
    end_time: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)  # pipeline inputs the trigger sets (scalars, data)
    enabled: bool = True  # False: disable it after creating it (the YAML cannot say so)
    origin: str = ""  # what it was made from, for the file's comment and the report


@dataclass(frozen=True, slots=True, kw_only=True)
class Monitor:
    """A model monitor schedule: schedules/<name>.yml with `create_monitor` (data drift / data quality)."""

    name: str
    description: str = ""
    cron: str | None = None
    frequency: str | None = "day"
    interval: int | None = 1
    time_zone: str = "UTC"
    settings: dict[str, Any] = field(default_factory=dict)  # the create_monitor mapping as YAML data
    endpoint: str = ""  # the online endpoint whose collected data it reads
    files: dict[str, str] = field(default_factory=dict)  # project path -> text (the reference data's MLTable)
    # (project file, storage account, container, blob name): files to put next to the reference data first
    uploads: tuple[tuple[str, str, str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeSource:
    """Code SageMaker kept in S3 that belongs in a component's src/ folder."""

    component: str
    uri: str
    where: str = ""  # where the source names it (its SM2AML203 finding is there)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What became of one source step: the construct it maps to and how faithfully."""

    step: str
    step_type: str
    construct: str
    outcome: str  # direct | approximate | manual
    node: str | None = None
    upstream: tuple[str, ...] = ()  # the source steps this one waits for
    where: str = ""  # where the step is in the source


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceResource:
    """Something of the source platform the pipeline depends on, and what stands for it in the project."""

    kind: str  # parameter | bucket | role | image | instance_type | kms_key | network | endpoint
    source: str  # its name, URI or ARN there
    target: str = ""  # what stands for it here ("" when nothing does)
    where: str = ""  # first place it is used
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    name: str
    source: str
    pipeline: PipelineJob
    components: tuple[Component, ...] = ()
    environments: tuple[Environment, ...] = ()
    datastores: tuple[Datastore, ...] = ()
    identities: tuple[Identity, ...] = ()
    computes: tuple[Compute, ...] = ()
    models: tuple[Model, ...] = ()
    online_endpoints: tuple[OnlineEndpoint, ...] = ()
    data_copies: tuple[DataCopy, ...] = ()
    code_sources: tuple[CodeSource, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    resources: tuple[SourceResource, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    monitors: tuple[Monitor, ...] = ()
    register_components: bool = False  # components are registered by version before the job, not anonymously
