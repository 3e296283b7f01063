"""Checks on the step graph: unique names, references that resolve, no cycles."""

from __future__ import annotations

from sm2aml import ir
from sm2aml.diagnostics import Diagnostics, Severity

_SEEN: dict[int, tuple[ir.Step, tuple[ir.Expr, ...]]] = {}  # id → (the step, kept alive so the id stays its)
_SEEN_LIMIT = 8192


def references(step: ir.Step) -> tuple[ir.Expr, ...]:
    """Every expression a step reads (arguments, top-level extras, conditions). Steps are immutable and the
    loader's checks and the rules both ask, so the answer is kept for the most recent steps."""
    seen = _SEEN.get(id(step))
    if seen is not None and seen[0] is step:
        return seen[1]
    out = list(ir.walk(step.arguments))
    out += ir.walk(step.extra)
    for cond in step.conditions:
        out += ir.walk(cond)
    if len(_SEEN) >= _SEEN_LIMIT:
        _SEEN.clear()
    _SEEN[id(step)] = (step, tuple(out))
    return _SEEN[id(step)][1]


def upstream(pipeline: ir.Pipeline, refs: dict[str, tuple[ir.Expr, ...]] | None = None) -> dict[str, list[str]]:
    """For each step, the steps it must wait for: data references, DependsOn, enclosing conditions
    (`refs`: each step's references when the caller has them already)."""
    deps: dict[str, list[str]] = {}

    def visit(step: ir.Step, enclosing: str | None) -> None:
        names = [enclosing] if enclosing else []
        names += step.depends_on
        for expr in refs[step.name] if refs is not None else references(step):
            if isinstance(expr, ir.StepProp | ir.PropertyFileRef):
                names.append(expr.step)
        deps[step.name] = list(dict.fromkeys(names))
        for child in step.if_steps + step.else_steps:
            visit(child, step.name)

    for step in pipeline.steps:
        visit(step, None)
    return deps


def check_graph(pipeline: ir.Pipeline, diags: Diagnostics, root: str = "") -> None:
    steps: dict[str, ir.Step] = {}
    for step in pipeline.all_steps():
        if step.name in steps:
            diags.add(
                "SM2AML103",
                f"step name {step.name!r} is used twice (first at {steps[step.name].where})",
                where=f"{step.where}/Name",
            )
        else:
            steps[step.name] = step
    params = {p.name for p in pipeline.parameters}
    for expr in ir.walk(pipeline.experiment or {}):
        _check_ref(expr, steps, params, diags, f"{root}/PipelineExperimentConfig")
    refs = {name: references(step) for name, step in steps.items()}
    for step in steps.values():
        for expr in refs[step.name]:
            _check_ref(expr, steps, params, diags, step.where)
        for i, name in enumerate(step.depends_on):
            if name not in steps:
                diags.add(
                    "SM2AML104",
                    f"step {step.name!r} depends on unknown step {name!r}",
                    where=f"{step.where}/DependsOn/{i}",
                )
    if not diags.at_least(Severity.ERROR):
        _check_cycles(upstream(pipeline, refs), steps, diags)


def _check_ref(expr: ir.Expr, steps: dict[str, ir.Step], params: set[str], diags: Diagnostics, where: str) -> None:
    if isinstance(expr, ir.ParamRef) and expr.name not in params:
        diags.add("SM2AML105", f"unknown parameter {expr.name!r}", where=where)
    elif isinstance(expr, ir.StepProp | ir.PropertyFileRef) and expr.step not in steps:
        diags.add("SM2AML104", f"reference to unknown step {expr.step!r}", where=where)
    elif isinstance(expr, ir.PropertyFileRef):
        names = {pf.name for pf in steps[expr.step].property_files}
        if expr.name not in names:
            diags.add("SM2AML106", f"step {expr.step!r} has no property file {expr.name!r}", where=where)


def _check_cycles(deps: dict[str, list[str]], steps: dict[str, ir.Step], diags: Diagnostics) -> None:
    state: dict[str, int] = {}
    for start in deps:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            name, i = stack.pop()
            if i == 0:
                state[name] = 1
                path.append(name)
            if i < len(deps[name]):
                stack.append((name, i + 1))
                nxt = deps[name][i]
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    diags.add("SM2AML107", "dependency cycle: " + " -> ".join(reversed(cycle)), where=steps[nxt].where)
                    return
                if not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[name] = 2
                path.pop()
