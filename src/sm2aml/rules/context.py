"""The conversion context: what the rules have built so far, and the services they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sm2aml import aml, ir
from sm2aml.config import Options
from sm2aml.diagnostics import Diagnostics


@dataclass(slots=True)
class NodeDraft:
    """A node being assembled by one rule; frozen into aml.Node + aml.Component at the end."""

    step: ir.Step
    name: str
    component: str
    inputs: dict[str, aml.Port] = field(default_factory=dict)
    outputs: dict[str, aml.Port] = field(default_factory=dict)
    bindings: dict[str, aml.Binding] = field(default_factory=dict)
    io_names: aml.Names = field(default_factory=aml.Names)
    command: str = ""
    environment: str = ""
    environment_variables: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # instance_type, instance_count, compute, timeout
    src_files: dict[str, str] = field(default_factory=dict)
    code: str | None = "./src"
    kind: str = "command"  # node kind: command, sweep, parallel, spark
    component_kind: str = "command"
    node_settings: dict[str, Any] = field(default_factory=dict)
    component_settings: dict[str, Any] = field(default_factory=dict)
    gates: tuple[tuple[str, bool], ...] = ()  # (condition node, outcome it needs) from enclosing conditions
    deterministic: bool = True
    after: list[str] = field(default_factory=list)  # node names to wait for without a data edge

    def add_input(self, wanted: str, port: aml.Port, binding: aml.Binding | None) -> str:
        """Declare a component input and bind it on the node; returns the legal name used."""
        name = self.io_names.take(wanted)
        self.inputs[name] = port
        if binding is not None:
            self.bindings[name] = binding
        return name

    def add_output(self, wanted: str, port: aml.Port) -> str:
        name = self.io_names.take(wanted)
        self.outputs[name] = port
        return name


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSpec:
    """A SageMaker model definition (CreateModel container): what its consumers need to serve it."""

    step: str
    image: ir.Value
    model_data: ir.Value
    environment: dict[str, ir.Value]
    role: ir.Value  # ExecutionRoleArn
    where: str  # JSON pointer of the container


@dataclass(slots=True)
class Context:
    pipeline: ir.Pipeline
    options: Options
    diags: Diagnostics
    node_names: aml.Names = field(default_factory=aml.Names)
    input_names: aml.Names = field(default_factory=aml.Names)
    drafts: dict[str, NodeDraft] = field(default_factory=dict)  # node name -> draft, in order
    component_names: aml.Names = field(default_factory=aml.Names)
    environments: dict[str, aml.Environment] = field(default_factory=dict)
    datastores: dict[str, aml.Datastore] = field(default_factory=dict)
    identities: dict[str, aml.Identity] = field(default_factory=dict)
    computes: dict[str, aml.Compute] = field(default_factory=dict)
    data_copies: dict[str, aml.DataCopy] = field(default_factory=dict)
    code_sources: list[aml.CodeSource] = field(default_factory=list)
    outcomes: list[aml.Outcome] = field(default_factory=list)
    pipeline_inputs: dict[str, aml.Port] = field(default_factory=dict)
    param_inputs: dict[str, str] = field(default_factory=dict)  # SageMaker parameter -> input name
    # (step name, property path) -> the node output that carries it
    step_outputs: dict[tuple[str, tuple[ir.PathPart, ...]], aml.NodeOutput] = field(default_factory=dict)
    # (step name, property path prefix) -> (code, why) for properties a converted step cannot provide
    unavailable: dict[tuple[str, tuple[ir.PathPart, ...]], tuple[str, str]] = field(default_factory=dict)
    step_nodes: dict[str, str] = field(default_factory=dict)  # step name -> node name
    gates: dict[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)  # branch step -> its gates
    model_specs: dict[str, ModelSpec] = field(default_factory=dict)  # Model step name -> what it defines
    models: dict[str, aml.Model] = field(default_factory=dict)
    online_endpoints: dict[str, aml.OnlineEndpoint] = field(default_factory=dict)

    def where(self, step: ir.Step, *keys: str | int) -> str:
        return "/".join([step.where, *(str(k) for k in keys)])

    def outcome(self, step: ir.Step, construct: str, outcome: str, node: str | None = None) -> None:
        self.outcomes.append(
            aml.Outcome(step=step.name, step_type=step.type, construct=construct, outcome=outcome, node=node)
        )
