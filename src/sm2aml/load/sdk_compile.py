"""Pipeline(...) → ir.Pipeline, the way Pipeline.definition() compiles its steps: in order, each with
its pipeline and step name in context (the SDK derives S3 keys from them), steps referenced but not
listed added at the end, collections (ModelStep) expanded, condition branches nested."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_function, sdk_names
from sm2aml.load.sdk import Unresolved
from sm2aml.load.sdk_objects import COLLECTIONS, STEP_TYPES, is_step
from sm2aml.load.sdk_signatures import DEFAULT
from sm2aml.load.values import PIPELINE_VARIABLE_KINDS, Obj, Unknown, describe

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model

DROP: Any = object()
JOB_STEPS = frozenset({"ProcessingStep", "TrainingStep", "TransformStep", "TuningStep"})
PIPELINE_SESSION_STEPS = frozenset({"_FunctionStep", "NotebookJobStep"})  # compiled with the pipeline's session


@dataclass
class StepContext:
    """What the SDK's _pipeline_config holds while one step is compiled."""

    model: Model
    pipeline_name: str
    step_name: str
    where: str
    code_hash: str | None = None
    legacy: bool = False  # built from processor=/estimator=/... instead of step_args: no code or config hash
    session: Obj | None = None
    local_code: dict[str, str] = field(default_factory=dict)


def compile_pipeline(model: Model, pipe: Obj) -> ir.Pipeline:
    name = pipe.get("name")
    if not isinstance(name, str) or not name:
        reason = name.reason if isinstance(name, Unknown) else "it is not a string"
        model.it.report("SM2AML122", f"the pipeline's name is not known statically ({reason})", pipe.where)
        name = "pipeline"
    compiler = _Compiler(model, name)
    session = pipe.get("sagemaker_session")
    compiler.session = session if isinstance(session, Obj) else model.default_session(pipe.where)
    parameters = compiler.parameters(pipe.get("parameters"), pipe.where)
    steps = compiler.steps(pipe.get("steps"), pipe.where)
    experiment = compiler.experiment(pipe.get("pipeline_experiment_config"), pipe.where)
    return ir.Pipeline(
        name=name,
        version="2020-12-01",
        parameters=parameters,
        steps=steps,
        experiment=experiment,
        metadata={},
    )


class _Compiler:
    def __init__(self, model: Model, name: str) -> None:
        self.model = model
        self.name = name
        self.known: list[Obj] = []
        self.session: Obj | None = None
        self.function_steps: dict[str, ir.Step] = {}
        self.serialized: list[str] = []  # @step steps whose result another step reads: JSON output

    # --- values -----------------------------------------------------------------------------------

    def finish(self, value: Any, what: str, where: str) -> Any:
        """The definition value, with what cannot be known left out (and reported)."""
        if isinstance(value, Unknown):
            self.model.it.unresolved(value, what)
            return DROP
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                done = self.finish(item, f"{what}/{key}", where)
                if done is not DROP:
                    out[str(key)] = done
            return out
        if isinstance(value, list | tuple):
            items = [self.finish(item, f"{what}/{i}", where) for i, item in enumerate(value)]
            return [i for i in items if i is not DROP]
        try:
            return self.model.to_ir(value, where)
        except Unresolved as exc:
            self.model.it.unresolved(exc.unknown, what)
            return DROP

    def parameters(self, raw: Any, where: str) -> tuple[ir.Parameter, ...]:
        out: list[ir.Parameter] = []
        items = raw if isinstance(raw, list | tuple) else []
        if isinstance(raw, Unknown):
            self.model.it.unresolved(raw, "the pipeline's parameters")
        for item in items:
            if not isinstance(item, Obj) or item.kind not in PIPELINE_VARIABLE_KINDS:
                why = item if isinstance(item, Unknown) else Unknown(f"a parameter is {describe(item)}", where)
                self.model.it.unresolved(why, "a pipeline parameter")
                continue
            name, default = item.get("name"), item.get("default_value")
            if not isinstance(name, str) or isinstance(default, Unknown):
                why = default if isinstance(default, Unknown) else Unknown("its name is not a string", item.where)
                self.model.it.unresolved(why, "a pipeline parameter")
                continue
            enum = item.get("enum_values") if item.kind == "ParameterString" else None
            out.append(
                ir.Parameter(
                    name=name,
                    type=item.kind.removeprefix("Parameter"),
                    default=default,
                    enum_values=tuple(enum) if isinstance(enum, list | tuple) and enum else (),
                    where=item.where,
                )
            )
        return tuple(out)

    def experiment(self, raw: Any, where: str) -> dict[str, Any] | None:
        if raw is DEFAULT:
            return {
                "ExperimentName": ir.ExecVar(name="PipelineName"),
                "TrialName": ir.ExecVar(name="PipelineExecutionId"),
            }
        if raw is None:
            return None
        if isinstance(raw, Obj) and raw.kind == "PipelineExperimentConfig":
            value = {"ExperimentName": raw.get("experiment_name"), "TrialName": raw.get("trial_name")}
            done = self.finish(value, "PipelineExperimentConfig", where)
            return done if isinstance(done, dict) else None
        self.model.it.unresolved(Unknown(f"it is {describe(raw)}", where), "the pipeline experiment config")
        return None

    # --- steps ------------------------------------------------------------------------------------------

    def simplify(self, items: Any, where: str) -> list[Obj]:
        """Steps, collections expanded to their steps, names resolved (StepsCompiler._simplify_step_list)."""
        out: list[Obj] = []
        for given in items if isinstance(items, list | tuple) else []:
            entry = sdk_function.step_of(given)
            item = self.model.steps.get(entry) if isinstance(entry, str) else entry
            if item is None:
                self.model.it.report("SM2AML122", f"no step is named {entry!r}", where)
                continue
            if isinstance(item, Obj) and item.kind in COLLECTIONS:
                out += [s for s in item.get("steps") or [] if s not in out]
                if item.get("_unknown") is not None:
                    self.model.it.unresolved(item.get("_unknown"), f"step {item.get('name')}")
            elif is_step(item):
                if item not in out:
                    out.append(item)
            else:
                why = item if isinstance(item, Unknown) else Unknown(f"a step is {describe(item)}", where)
                self.model.it.unresolved(why, "a pipeline step")
        if isinstance(items, Unknown):
            self.model.it.unresolved(items, "the pipeline's steps")
        return out

    def _flatten(self, step: Obj) -> list[Obj]:
        out = [step]
        for sub in self.simplify(list(step.get("if_steps") or []) + list(step.get("else_steps") or []), step.where):
            out += self._flatten(sub) if sub.kind == "ConditionStep" else [sub]
        return out

    def _push(self, queue: deque[Obj], steps: list[Obj]) -> None:
        for step in steps:
            if step not in self.known:
                queue.append(step)
            self.known += [
                s for s in (self._flatten(step) if step.kind == "ConditionStep" else [step]) if s not in self.known
            ]

    def steps(self, raw: Any, where: str) -> tuple[ir.Step, ...]:
        queue: deque[Obj] = deque()
        self._push(queue, self.simplify(raw, where))
        out: list[ir.Step] = []
        while queue:
            step = queue.popleft()
            built = self.build(step, queue)
            if built is not None:
                out.append(built)
        for name in self.serialized:  # StepsCompiler._set_serialize_output_to_json_flag
            found = self.function_steps.get(name)
            container = ir.get(found.arguments, "AlgorithmSpecification", "ContainerArguments") if found else None
            if isinstance(container, list):
                container += ["--serialize_output_to_json", "true"]
        return tuple(out)

    def build(self, step: Obj, queue: deque[Obj]) -> ir.Step | None:
        name = step.get("name")
        if not isinstance(name, str):
            self.model.it.unresolved(
                name if isinstance(name, Unknown) else Unknown("not a string", step.where), f"the name of a {step.kind}"
            )
            return None
        ctx = StepContext(self.model, self.name, name, step.where, local_code=self.model.local_code)
        ctx.code_hash = _code_hash(self.model, step)
        if step.kind in PIPELINE_SESSION_STEPS:
            ctx.session = self.session
        stype = STEP_TYPES[step.kind]
        what = f"step {name!r}: Arguments"
        conditions: tuple[ir.Condition, ...] = ()
        branches: dict[str, tuple[ir.Step, ...]] = {"if_steps": (), "else_steps": ()}
        extra: dict[str, Any] = {}
        if step.kind == "ConditionStep":
            arguments: dict[str, Any] = {}
            conditions = tuple(self._conditions(step, name))
            for key in branches:
                subs = self.simplify(step.get(key) or [], step.where)
                branches[key] = tuple(b for s in subs if (b := self.build(s, queue)) is not None)
        else:
            from sm2aml.load.sdk_steps import step_arguments

            try:
                raw, extra = step_arguments(ctx, step)
            except (ArithmeticError, AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
                reason = f"computing them fails ({type(exc).__name__}: {exc})"  # an SDK shape the model misses
                raw, extra = Unknown(reason, step.where, "SM2AML124"), {}
            done = self.finish(raw, what, step.where)
            arguments = done if isinstance(done, dict) else {}
            extra = {k: v for k, v in self.finish(extra, f"step {name!r}", step.where).items()}
        depends = self._depends(step, name)
        for expr in [*ir.walk(arguments), *(e for c in conditions for e in ir.walk(c))]:
            if not isinstance(expr, ir.StepProp):
                continue
            source = self.model.steps.get(expr.step)
            if source is not None and source.kind == "_FunctionStep":  # a data edge from a @step
                depends += [expr.step] if expr.step not in depends else []
                self.serialized += [expr.step] if expr.step not in self.serialized else []
        built = ir.Step(
            name=name,
            type=stype,
            arguments=arguments,
            depends_on=tuple(depends),
            display_name=_text(step.get("display_name")),
            description=_text(step.get("description")),
            cache=self._cache(step),
            retry_policies=self._retries(step, name),
            property_files=self._property_files(step, name),
            extra=extra,
            conditions=conditions,
            if_steps=branches["if_steps"],
            else_steps=branches["else_steps"],
            where=step.where,
        )
        if step.kind == "_FunctionStep":
            self.function_steps[name] = built
        upstream = [self.model.steps.get(d) for d in depends]
        for expr in [*ir.walk(arguments), *(e for c in conditions for e in ir.walk(c))]:
            if isinstance(expr, ir.StepProp | ir.PropertyFileRef):
                upstream.append(self.model.steps.get(expr.step))
        self._push(queue, [s for s in upstream if s is not None])
        return built

    def _conditions(self, step: Obj, name: str) -> list[ir.Condition]:
        out: list[ir.Condition] = []
        for i, cond in enumerate(step.get("conditions") or []):
            if isinstance(cond, ir.Compare | ir.In | ir.Not | ir.Or):
                out.append(cond)
            else:
                why = cond if isinstance(cond, Unknown) else Unknown(f"a condition is {describe(cond)}", step.where)
                self.model.it.unresolved(why, f"step {name!r}: Conditions/{i}")
        return out

    def _depends(self, step: Obj, name: str) -> list[str]:
        out: list[str] = []
        for given in step.get("depends_on") or []:
            item = sdk_function.step_of(given)
            if isinstance(item, str):
                names = [item]
            elif isinstance(item, Obj) and item.kind in COLLECTIONS:
                names = [str(s.get("name")) for s in item.get("steps") or []]
            elif is_step(item):
                names = [str(item.get("name"))]
            else:
                why = item if isinstance(item, Unknown) else Unknown(f"it is {describe(item)}", step.where)
                self.model.it.unresolved(why, f"step {name!r}: DependsOn")
                continue
            out += [n for n in names if n not in out]
        return out

    def _cache(self, step: Obj) -> ir.CacheConfig | None:
        cache = step.get("cache_config")
        if not isinstance(cache, Obj) or cache.kind != "CacheConfig":
            return None
        expire = cache.get("expire_after")
        return ir.CacheConfig(enabled=bool(cache.get("enable_caching")), expire_after=_text(expire))

    def _retries(self, step: Obj, name: str) -> tuple[ir.RetryPolicy, ...]:
        out: list[ir.RetryPolicy] = []
        for policy in step.get("retry_policies") or []:
            if not isinstance(policy, Obj) or policy.kind not in ("StepRetryPolicy", "SageMakerJobStepRetryPolicy"):
                why = policy if isinstance(policy, Unknown) else Unknown(f"it is {describe(policy)}", step.where)
                self.model.it.unresolved(why, f"step {name!r}: a retry policy")
                continue
            kinds = list(policy.get("exception_types") or []) + list(policy.get("failure_reason_types") or [])
            out.append(
                ir.RetryPolicy(
                    exception_types=tuple(str(k) for k in kinds),
                    interval_seconds=policy.get("interval_seconds"),
                    backoff_rate=policy.get("backoff_rate"),
                    max_attempts=policy.get("max_attempts") or None,
                    expire_after_min=policy.get("expire_after_mins") or None,
                )
            )
        return tuple(out)

    def _property_files(self, step: Obj, name: str) -> tuple[ir.PropertyFile, ...]:
        out: list[ir.PropertyFile] = []
        for item in step.get("property_files") or []:
            if isinstance(item, Obj) and item.kind == "PropertyFile":
                values = (item.get("name"), item.get("output_name"), item.get("path"))
                if all(isinstance(v, str) for v in values):
                    out.append(ir.PropertyFile(name=values[0], output_name=values[1], file_path=values[2]))
                    continue
            why = item if isinstance(item, Unknown) else Unknown(f"it is {describe(item)}", step.where)
            self.model.it.unresolved(why, f"step {name!r}: a property file")
        return tuple(out)


def _code_hash(model: Model, step: Obj) -> str | None:
    """get_code_hash: only steps built from step_args hash their local code."""
    args = step.get("step_args")
    if not isinstance(args, Obj) or args.kind != "StepArgs" or step.kind not in ("ProcessingStep", "TrainingStep"):
        return None
    base = model.it.base_dir
    if step.kind == "ProcessingStep":
        kwargs = args.get("kwargs")
        deps: list[Any] = []
        for key in ("dependencies", "submit_py_files", "submit_class", "submit_jars", "submit_files"):
            value = kwargs.get(key)
            deps += [value] if key == "submit_class" and value else list(value or [])
        code = kwargs.get("submit_app") or kwargs.get("code")
        return _processing_hash(code, kwargs.get("source_dir"), deps, base)
    estimator = args.get("target")
    source_dir, entry_point = estimator.get("source_dir"), estimator.get("entry_point")
    deps = list(estimator.get("dependencies") or [])
    if not all(isinstance(d, str) for d in deps):
        return None
    if isinstance(source_dir, str) and source_dir:
        return sdk_names.hash_files_or_dirs([source_dir, *deps], base) if sdk_names.is_local(source_dir) else None
    if isinstance(entry_point, str) and entry_point and sdk_names.is_local(entry_point):
        return sdk_names.hash_files_or_dirs([entry_point, *deps], base)
    return None


def _processing_hash(code: Any, source_dir: Any, deps: list[Any], base: str) -> str | None:
    if not all(isinstance(d, str) for d in deps):
        return None
    if isinstance(source_dir, str) and source_dir and sdk_names.is_local(source_dir):
        if isinstance(code, str) and code and sdk_names.is_local(code):
            return sdk_names.hash_files_or_dirs([code, source_dir, *deps], base)
        return sdk_names.hash_files_or_dirs([source_dir, *deps], base)
    if isinstance(code, str) and code and sdk_names.is_local(code):
        return sdk_names.hash_files_or_dirs([code, *deps], base)
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
