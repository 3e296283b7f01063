"""ConditionStep → a small condition component whose outcome gates the branch nodes; FailStep → a failing node."""

from __future__ import annotations

import json
from typing import Any

from sm2aml import aml, ir, runtime
from sm2aml.rules import control_flow, expressions, images, nodes
from sm2aml.rules.context import Context, NodeDraft

# What each type becomes, for the coverage matrix (`sm2aml rules`).
COVERAGE = {
    "Condition": ("condition component whose outcome gates the branch nodes", "approximate"),
    "Condition (--control-flow if_else)": (
        "condition component whose boolean control output drives an if_else node (private preview)",
        "approximate",
    ),
    "Fail": ("command node that fails with the message", "direct"),
}
OUTCOME = "outcome"
PROPERTY_OUTPUT = ("ProcessingOutputConfig", "Outputs")


def convert(step: ir.Step, ctx: Context) -> None:
    draft = nodes.start(ctx, step)
    draft.environment = images.CURATED.format(name="sklearn-1.5")
    spec = _Spec(ctx, draft)
    conditions = [spec.condition(c, f"{step.where}/Arguments/Conditions/{i}") for i, c in enumerate(step.conditions)]
    document = {"step": step.name, "condition": {"kind": "and", "conditions": conditions}}
    launcher = runtime.LAUNCHERS["condition"]
    draft.src_files[launcher] = runtime.source("condition")
    draft.src_files["condition.json"] = json.dumps(document, indent=2, sort_keys=True) + "\n"
    outcome = draft.add_output(OUTCOME, aml.Port(type="uri_folder", description="'true' or 'false' in file outcome"))
    words = [f"python {launcher}", f"--outcome ${{{{outputs.{outcome}}}}}"]
    words += [f"--value '{key}=${{{{inputs.{key}}}}}'" for key in spec.values]
    words += [f"--folder {key}=${{{{inputs.{key}}}}}" for key in spec.folders]
    construct = "condition component gating its branches"
    if control_flow.enabled(ctx):
        control = draft.add_output(
            control_flow.CONTROL_OUTPUT,
            aml.Port(type="boolean", is_control=True, description="The condition's value, read by the if_else node"),
        )
        words.append(f"--control {control}=${{{{outputs.{control}}}}}")
        construct = "condition component and if_else node choosing its branch"
        draft.deterministic = False  # a reused run's control output is not documented to reach the if_else node
        ctx.diags.add(
            "SM2AML410",
            f"{step.name!r} becomes condition node {draft.name!r} and an if_else node reading its output "
            f"{control}; if_else is a private preview feature",
            where=step.where,
        )
    draft.command = " ".join(words)
    ctx.step_outputs[(step.name, ("Outcome",))] = aml.NodeOutput(node=draft.name, output=outcome)
    enclosing = ctx.gates.get(step.name, ())
    for branch, expected in ((step.if_steps, True), (step.else_steps, False)):
        for inner in branch:
            ctx.gates[inner.name] = (*enclosing, (draft.name, expected))
    ctx.outcome(step, construct, "approximate", draft.name)


def fail(step: ir.Step, ctx: Context) -> None:
    draft = nodes.start(ctx, step)
    draft.environment = images.CURATED.format(name="sklearn-1.5")
    draft.code = None
    message = step.arguments.get("ErrorMessage", "")
    text = expressions.command_text(ctx, draft, message, f"{step.where}/Arguments/ErrorMessage")
    draft.command = f"echo {text} >&2 && exit 1"
    ctx.outcome(step, "command node that fails with the message", "direct", draft.name)


class _Spec:
    """Builds the JSON the condition launcher evaluates, declaring the inputs it reads."""

    def __init__(self, ctx: Context, draft: NodeDraft) -> None:
        self.ctx, self.draft = ctx, draft
        self.values: list[str] = []
        self.folders: list[str] = []

    def condition(self, cond: ir.Condition, where: str) -> dict[str, Any]:
        match cond:
            case ir.Compare(op=op, left=left, right=right):
                return {"kind": op, "left": self.value(left, where), "right": self.value(right, where)}
            case ir.In(query=query, values=values):
                return {
                    "kind": "in",
                    "query": self.value(query, where),
                    "values": [self.value(v, where) for v in values],
                    "text": expressions.describe(list(values)),
                }
            case ir.Not(condition=inner):
                return {"kind": "not", "condition": self.condition(inner, where)}
            case ir.Or(conditions=conds):
                return {"kind": "or", "conditions": [self.condition(c, where) for c in conds]}
            case _:
                ir.assert_never(cond)

    def value(self, value: ir.Value, where: str) -> dict[str, Any]:
        match value:
            case None | bool() | int() | float() | str():
                return {"kind": "literal", "value": value}
            case ir.ParamRef(name=name):
                binding = expressions.parameter_input(self.ctx, name)
                port = self.ctx.pipeline_inputs[binding.name]
                key = self._input(self.ctx.param_inputs[name], aml.Port(type=port.type, default=port.default), binding)
                if key not in self.values:
                    self.values.append(key)
                return {"kind": "input", "name": key, "type": port.type}
            case ir.JsonGet(source=ir.PropertyFileRef() as ref, path=path):
                folder, file_path = self._property_file(ref, where)
                return {"kind": "json_get", "folder": folder, "file": file_path, "path": path}
            case ir.JsonGet(source=ir.Join(on="/", values=(ir.StepProp() as prop, str() as file)), path=path) if (
                found := self.ctx.step_outputs.get((prop.step, prop.path))
            ) is not None:  # an @step function's return value: results.json in its output folder
                key = self._input(f"{prop.step}_{prop.path[-1]}", aml.Port(type="uri_folder"), found)
                if key not in self.folders:
                    self.folders.append(key)
                return {"kind": "json_get", "folder": key, "file": file, "path": path}
            case ir.Join(on=on, values=values):
                return {"kind": "join", "on": on, "values": [self.value(v, where) for v in values]}
            case _:
                self.ctx.diags.add(
                    "SM2AML402",
                    f"{expressions.describe(value)} cannot be evaluated by the condition "
                    "component; it is compared as an empty string",
                    where=where,
                )
                return {"kind": "literal", "value": ""}

    def _input(self, wanted: str, port: aml.Port, binding: aml.Binding) -> str:
        for existing, bound in self.draft.bindings.items():
            if bound == binding:
                return existing
        return self.draft.add_input(wanted, port, binding)

    def _property_file(self, ref: ir.PropertyFileRef, where: str) -> tuple[str, str]:
        producer = self.ctx.pipeline.step(ref.step)
        pf = next(p for p in producer.property_files if p.name == ref.name)
        found = self.ctx.step_outputs.get((ref.step, (*PROPERTY_OUTPUT, pf.output_name, "S3Output", "S3Uri")))
        binding: aml.Binding
        if found is None:
            prop = ir.StepProp(step=ref.step, path=(*PROPERTY_OUTPUT, pf.output_name, "S3Output", "S3Uri"))
            binding = expressions.data_binding(self.ctx, prop, where)
        else:
            binding = found
        key = self._input(
            f"{ref.step}_{pf.output_name}",
            aml.Port(type="uri_folder", description=f"Holds property file {ref.name} ({pf.file_path})"),
            binding,
        )
        if key not in self.folders:
            self.folders.append(key)
        return key, pf.file_path
