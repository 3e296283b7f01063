"""aml.Project → a Python SDK v2 project: pipeline.py (build_pipeline), submit.py, requirements.txt (and
schedule.py when the pipeline has schedules: emit/sdk_schedule.py).

The components are the same components/*/component.yml files the YAML target writes, loaded with
`load_component`, so both targets run the same commands (condition gates included). Sweep nodes are
`.sweep(...)` on a trial node of their component; parallel and spark nodes call their YAML components (their
settings live there, as in the YAML target); AutoML nodes, which have no component, use azure.ai.ml.automl.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sm2aml import __version__, aml
from sm2aml.emit import File, SdkUnsupported
from sm2aml.emit.jinja import render
from sm2aml.emit.pycode import LINE_LENGTH, Call, Code, call

SCALAR_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
IDENTITIES = {"managed": "ManagedIdentity", "user_identity": "UserIdentity", "aml_token": "AmlToken"}
# azure.ai.ml.sweep classes by the YAML `type` of a distribution, sampling algorithm or early termination policy
_SWEEP_CLASSES = "Choice Uniform LogUniform QUniform QLogUniform Randint Normal LogNormal QNormal QLogNormal"
DISTRIBUTIONS = {name.lower(): name for name in _SWEEP_CLASSES.split()}
SAMPLING = {
    "random": "RandomSamplingAlgorithm",
    "grid": "GridSamplingAlgorithm",
    "bayesian": "BayesianSamplingAlgorithm",
}
POLICIES = {"bandit": "Bandit", "median_stopping": "MedianStopping", "truncation_selection": "TruncationSelection"}
SWEEP_KEYS = frozenset({"sampling_algorithm", "search_space", "objective", "limits", "early_termination"})
AUTOML_TASKS = frozenset({"classification", "regression"})
# Names the code uses inside build_pipeline besides its own locals (shadowing them would break it).
RESERVED = frozenset({"inputs", "overrides", "str", "int", "float", "bool", "dict", "dsl", "automl", "condition"})
_PARENT_INPUT = re.compile(r"^\$\{\{parent\.inputs\.([A-Za-z_][A-Za-z0-9_]*)\}\}$")
_NODE = re.compile(r"^\$\{\{parent\.jobs\.([A-Za-z_][A-Za-z0-9_]*)\}\}$")
_NODE_OUTPUT = re.compile(r"^\$\{\{parent\.jobs\.([A-Za-z_][A-Za-z0-9_]*)\.outputs\.([A-Za-z_][A-Za-z0-9_]*)\}\}$")


@dataclass(frozen=True, slots=True)
class Statement:
    """One line of the pipeline function: `target = value`, or a bare call when target is empty."""

    target: str
    value: Any


def emit(project: aml.Project) -> list[File]:
    from sm2aml.emit.sdk_schedule import schedule_file

    view = _Builder(project).view()
    files = [
        File("pipeline.py", render("sdk/pipeline.py.j2", **view)),
        File("submit.py", render("sdk/submit.py.j2")),
        File("requirements.txt", render("sdk/requirements.txt.j2")),
    ]
    schedules = schedule_file(project)
    return files if schedules is None else [*files, schedules]


class _Builder:
    def __init__(self, project: aml.Project) -> None:
        self.job = project.pipeline
        self.imports: dict[str, set[str]] = defaultdict(set)
        self.params = sorted(self.job.inputs)
        self.scope = aml.Names(RESERVED | frozenset(self.params))  # legal, unique, no keywords
        self.node_vars: dict[str, str] = {}
        self.if_else_nodes = {n.name for n in self.job.nodes if n.kind == "if_else"}
        self.functions: dict[str, str] = {}  # functions the pipeline body calls, by their local name

    def function(self, module: str, name: str) -> str:
        """The local name of a function the pipeline body calls (renamed if a pipeline input shadows it)."""
        if name not in self.functions:
            local = name if name not in self.params else self.scope.take(f"{name}_function")
            self.functions[name] = local
            self.use(module, name if local == name else f"{name} as {local}")
        return self.functions[name]

    def use(self, module: str, name: str) -> str:
        self.imports[module].add(name)
        return name

    def new(self, module: str, name: str, *args: Any, **kwargs: Any) -> Call:
        return call(self.use(module, name), *args, **kwargs)

    # --- the pipeline -------------------------------------------------------------------------

    def view(self) -> dict[str, Any]:
        job = self.job
        for node in job.nodes:  # first, so that node variables are the node names (the DSL names nodes by them)
            self.node_vars[node.name] = self.scope.take(node.name)
        function = self.scope.take(job.display_name or "pipeline")
        components = {n.component: "" for n in job.nodes if n.component}
        for name in components:
            components[name] = self.scope.take(f"{name}_component")
        statements = [s for node in self.ordered() for s in self.node(node, components)]
        params, data = self.parameters()
        self.use("pathlib", "Path")
        self.use("typing", "Any")
        self.use("azure.ai.ml", "dsl")
        self.use("azure.ai.ml", "load_component")
        self.use("azure.ai.ml.entities", "PipelineJob")
        return {
            "imports": self.import_lines(),
            "components": [Statement(var, call("_component", name)) for name, var in components.items()],
            "decorator": self.decorator(),
            "function": function,
            "params": params,
            "data_inputs": data,
            "statements": statements,
            "version": __version__,
        }

    def decorator(self) -> list[tuple[str, Any]]:
        job = self.job
        items: list[tuple[str, Any]] = [("display_name", job.display_name)]
        if job.description:
            items.append(("description", job.description))
        if job.experiment_name:
            items.append(("experiment_name", job.experiment_name))
        if job.tags:
            items.append(("tags", dict(sorted(job.tags.items()))))
        # the YAML loader reads `azureml:<name>` as the compute name
        items.append(("default_compute", job.default_compute.removeprefix("azureml:")))
        if job.force_rerun is not None:
            items.append(("force_rerun", job.force_rerun))
        if job.continue_on_step_failure is not None:
            items.append(("continue_on_step_failure", job.continue_on_step_failure))
        return items

    def parameters(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Typed parameters of the pipeline function, and the values of its data inputs (passed when called)."""
        params, data = [], {}
        for name in self.params:
            port = self.job.inputs[name]
            if port.type in aml.DATA_TYPES:
                params.append({"name": name, "annotation": self.new("azure.ai.ml", "Input", type=port.type)})
                data[name] = self.new("azure.ai.ml", "Input", type=port.type, path=port.path, mode=port.mode)
            elif port.type in SCALAR_TYPES:
                params.append({"name": name, "annotation": Code(SCALAR_TYPES[port.type]), "default": port.default})
            else:
                raise SdkUnsupported(f"pipeline input {name!r} has type {port.type!r}")
        return params, data

    def import_lines(self) -> list[str]:
        std = sorted(m for m in self.imports if not m.startswith("azure."))
        third = sorted(m for m in self.imports if m.startswith("azure."))
        lines = [self._import(m) for m in std]
        return [*lines, *([""] if lines and third else []), *(self._import(m) for m in third)]

    def _import(self, module: str) -> str:
        names = sorted(self.imports[module])
        line = f"from {module} import {', '.join(names)}"
        if len(line) <= LINE_LENGTH:
            return line
        return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"

    # --- nodes ----------------------------------------------------------------------------------

    def binding(self, value: aml.Binding) -> Any:
        match value:
            case aml.ParentInput(name=name):
                return Code(name)
            case aml.NodeOutput(node=node, output=output):
                return self.output(node, output)
            case aml.Literal(value=literal):
                return literal
            case aml.DataPath(type=kind, path=path, mode=mode):
                return self.new("azure.ai.ml", "Input", type=kind, path=path, mode=mode)

    def output(self, node: str, output: str) -> Any:
        var = self.node_vars[node]
        if hasattr(dict, output) or output.startswith("_"):  # `outputs` is a dict: its methods come first
            return call("dict.get", Code(f"{var}.outputs"), output)
        return Code(f"{var}.outputs.{output}")

    def reference(self, value: Any) -> Any:
        """A `${{parent…}}` string in node settings as the Python object it names; other values unchanged."""
        if isinstance(value, str):
            if (m := _PARENT_INPUT.match(value)) and m[1] in self.job.inputs:
                return Code(m[1])
            if (m := _NODE_OUTPUT.match(value)) and m[1] in self.node_vars:
                return self.output(m[1], m[2])
            if (m := _NODE.match(value)) and m[1] in self.node_vars and m[1] not in self.if_else_nodes:
                return Code(self.node_vars[m[1]])  # an if_else node stays a binding: azure-ai-ml cannot name it
        return value

    def ordered(self) -> list[aml.Node]:
        """The nodes in the YAML order, except that a node waits for the nodes it names (an if_else node
        comes before its blocks in the YAML; in Python it follows them)."""
        deps = {n.name: set(_dependencies(n)) & set(self.node_vars) - {n.name} for n in self.job.nodes}
        remaining, out = list(self.job.nodes), []
        done: set[str] = set()
        while remaining:
            node = next((n for n in remaining if deps[n.name] <= done), remaining[0])
            remaining.remove(node)
            done.add(node.name)
            out.append(node)
        return out

    def node(self, node: aml.Node, components: dict[str, str]) -> list[Statement]:
        var = self.node_vars[node.name]
        inputs = {k: self.binding(v) for k, v in sorted(node.inputs.items())}
        match node.kind:
            case "command" | "parallel" | "spark":
                out = [Statement(var, Call(components[node.component], (), tuple(inputs.items())))]
                out += self.settings(node, var)
            case "sweep":
                trial = self.scope.take(f"{node.name}_trial")
                out = [Statement(trial, Call(components[node.component], (), tuple(inputs.items())))]
                out += [Statement(var, self.sweep(node, trial)), *self.settings(node, var)]
            case "automl":
                out = [Statement(var, self.automl_node(node)), *self.automl_settings(node, var)]
            case "if_else":
                out = [Statement(var, self.if_else(node))]
            case kind:
                raise SdkUnsupported(f"node {node.name!r} is a {kind} node, which the SDK target does not write")
        if var != node.name or node.kind == "if_else":  # nothing refers to an if_else node (ruff: F841)
            out.insert(1, Statement(f"{var}.name", node.name))
        return out

    def settings(self, node: aml.Node, var: str) -> list[Statement]:
        """What the YAML target writes under a node besides its component and inputs."""
        out = []
        if node.display_name:
            out.append(Statement(f"{var}.display_name", node.display_name))
        if node.description:
            out.append(Statement(f"{var}.description", node.description))
        if node.compute:
            out.append(Statement(f"{var}.compute", node.compute))
        if node.environment_variables:
            out.append(Statement(f"{var}.environment_variables", dict(sorted(node.environment_variables.items()))))
        extra = {k: v for k, v in node.settings.items() if node.kind != "sweep" or k not in SWEEP_KEYS}
        resources = extra.pop("resources", None)
        if node.instance_type or node.instance_count or resources:
            config = "SparkResourceConfiguration" if node.kind == "spark" else "JobResourceConfiguration"
            values = {"instance_type": node.instance_type, "instance_count": node.instance_count}
            values.update(resources or {})
            out.append(Statement(f"{var}.resources", self.new("azure.ai.ml.entities", config, **values)))
        if node.timeout:
            if node.kind != "command":
                raise SdkUnsupported(f"node {node.name!r}: a time limit on a {node.kind} node")
            out.append(Statement("", call(f"{var}.set_limits", timeout=node.timeout)))
        if node.identity:
            if node.identity not in IDENTITIES:
                raise SdkUnsupported(f"node {node.name!r} has identity type {node.identity!r}")
            config = f"{IDENTITIES[node.identity]}Configuration"
            out.append(Statement(f"{var}.identity", self.new("azure.ai.ml.entities", config)))
        if extra:
            raise SdkUnsupported(f"node {node.name!r}: {node.kind} node settings {', '.join(sorted(extra))}")
        return out

    # --- sweep ----------------------------------------------------------------------------------

    def sweep(self, node: aml.Node, trial: str) -> Call:
        s = node.settings
        unknown = set(s) - SWEEP_KEYS - {"resources"}
        if unknown:
            raise SdkUnsupported(f"sweep node {node.name!r}: settings {', '.join(sorted(unknown))}")
        objective = s.get("objective", {})
        kwargs: dict[str, Any] = {
            "primary_metric": objective.get("primary_metric"),
            "goal": objective.get("goal"),
            "sampling_algorithm": self.sampling(s.get("sampling_algorithm")),
            "search_space": {k: self.distribution(node, k, v) for k, v in s.get("search_space", {}).items()},
        }
        limits = dict(s.get("limits", {}))
        for key in ("max_total_trials", "max_concurrent_trials", "timeout", "trial_timeout"):
            kwargs[key] = limits.pop(key, None)
        if limits:
            raise SdkUnsupported(f"sweep node {node.name!r}: limits {', '.join(sorted(limits))}")
        if "early_termination" in s:
            kwargs["early_termination_policy"] = self.policy(node, s["early_termination"])
        return call(f"{trial}.sweep", **kwargs)

    def sampling(self, value: Any) -> Any:
        if isinstance(value, dict):
            rest = dict(value)
            kind = rest.pop("type", None)
            if kind not in SAMPLING:
                raise SdkUnsupported(f"sampling algorithm {kind!r}")
            return self.new("azure.ai.ml.sweep", SAMPLING[kind], **rest)
        return value

    def distribution(self, node: aml.Node, name: str, value: Any) -> Call:
        rest = dict(value)
        kind = rest.pop("type", None)
        if kind not in DISTRIBUTIONS:
            raise SdkUnsupported(f"sweep node {node.name!r}: search space {name!r} of type {kind!r}")
        return self.new("azure.ai.ml.sweep", DISTRIBUTIONS[kind], **rest)

    def policy(self, node: aml.Node, value: Any) -> Call:
        rest = dict(value)
        kind = rest.pop("type", None)
        if kind not in POLICIES:
            raise SdkUnsupported(f"sweep node {node.name!r}: early termination {kind!r}")
        return self.new("azure.ai.ml.sweep", f"{POLICIES[kind]}Policy", **rest)

    def if_else(self, node: aml.Node) -> Call:
        """An if_else node (preview): condition(<control output>, true_block=[…], false_block=[…])."""
        s = node.settings
        unknown = set(s) - {"condition", "true_block", "false_block"}
        if unknown or not isinstance(s.get("condition"), str):
            raise SdkUnsupported(f"if_else node {node.name!r}: settings {', '.join(sorted(unknown)) or 'condition'}")
        if node.display_name or node.description or node.inputs:
            raise SdkUnsupported(f"if_else node {node.name!r}: a display name, description or inputs")
        blocks = {k: [self.reference(v) for v in s[k]] for k in ("true_block", "false_block") if k in s}
        return call(self.function("azure.ai.ml.dsl._condition", "condition"), self.reference(s["condition"]), **blocks)

    # --- automl ---------------------------------------------------------------------------------

    def automl_node(self, node: aml.Node) -> Call:
        s = node.settings
        task = s.get("task")
        if task not in AUTOML_TASKS:
            raise SdkUnsupported(f"AutoML node {node.name!r}: task {task!r}")
        automl = self.function("azure.ai.ml", "automl")
        data = s.get("training_data")
        if isinstance(data, dict):
            data = self.new("azure.ai.ml", "Input", **data)
        outputs = {k: self.new("azure.ai.ml", "Output", **v) for k, v in sorted(s.get("outputs", {}).items())}
        return call(
            f"{automl}.{task}",
            training_data=self.reference(data),
            target_column_name=s.get("target_column_name"),
            primary_metric=s.get("primary_metric"),
            validation_data_size=s.get("validation_data_size"),
            outputs=outputs or None,
        )

    def automl_settings(self, node: aml.Node, var: str) -> list[Statement]:
        s = node.settings
        unknown = set(s) - AUTOML_KEYS
        if unknown:
            raise SdkUnsupported(f"AutoML node {node.name!r}: settings {', '.join(sorted(unknown))}")
        out = []
        if node.display_name:
            out.append(Statement(f"{var}.display_name", node.display_name))
        if node.description:
            out.append(Statement(f"{var}.description", node.description))
        if "limits" in s:
            out.append(Statement("", call(f"{var}.set_limits", **s["limits"])))
        if "training" in s:
            out.append(Statement("", call(f"{var}.set_training", **s["training"])))
        identity = s.get("identity", {}).get("type") if isinstance(s.get("identity"), dict) else None
        if identity:
            if identity not in IDENTITIES:
                raise SdkUnsupported(f"AutoML node {node.name!r} has identity type {identity!r}")
            config = f"{IDENTITIES[identity]}Configuration"
            out.append(Statement(f"{var}.identity", self.new("azure.ai.ml.entities", config)))
        return out


AUTOML_KEYS = frozenset(
    {"task", "training_data", "target_column_name", "primary_metric", "limits", "training", "outputs", "identity"}
    | {"validation_data_size"}
)


def _dependencies(node: aml.Node) -> list[str]:
    """Names of the nodes this node reads from or names in its settings."""
    found = [b.node for b in node.inputs.values() if isinstance(b, aml.NodeOutput)]
    pending: list[Any] = [node.settings]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += value.values()
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str) and (m := _NODE.match(value) or _NODE_OUTPUT.match(value)):
            found.append(m[1])
    return found
