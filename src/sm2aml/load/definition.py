"""Definition JSON (Pipeline.definition() or describe-pipeline) → ir.Pipeline, every problem located."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from sm2aml import ir
from sm2aml.diagnostics import Diagnostic, Diagnostics, LoadError, Severity
from sm2aml.load.graph import check_graph

STEP_TYPES = frozenset(
    {
        "Processing",
        "Training",
        "Tuning",
        "Transform",
        "Model",
        "RegisterModel",
        "Condition",
        "Fail",
        "Lambda",
        "Callback",
        "EMR",
        "EMRServerless",
        "QualityCheck",
        "ClarifyCheck",
        "AutoML",
        "EndpointConfig",
        "Endpoint",
        "InferenceComponent",
        "Lineage",
        "Job",
        "Cleanup",
        "ForEach",
        "BedrockModelImport",
        "BedrockCustomModel",
        "BedrockCustomModelDeployment",
        "BedrockProvisionedModelThroughput",
    }
)
COMMON_STEP_KEYS = frozenset(
    {
        "Name",
        "Type",
        "Arguments",
        "DependsOn",
        "DisplayName",
        "Description",
        "CacheConfig",
        "RetryPolicies",
        "PropertyFiles",
    }
)
_PATH_TOKEN = re.compile(r"""\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]""")
_STEP_NAME = re.compile(r"[^.\[]+")


def load_definition(text: str, *, source: str = "", name: str = "") -> ir.Pipeline:
    """Parse definition text; raise LoadError on anything that leaves no sensible pipeline."""
    try:
        return _load(text, source, name)
    except RecursionError:
        diag = Diagnostic(
            code="SM2AML109",
            severity=Severity.ERROR,
            where="",
            message="the document is nested too deeply to be a pipeline definition",
        )
        raise LoadError(diag, source) from None


def _load(text: str, source: str, name: str) -> ir.Pipeline:
    doc = _parse_json(text, source, "")
    pointer = ""
    if isinstance(doc, dict) and isinstance(doc.get("PipelineDefinition"), str):
        given = doc.get("PipelineName")
        name = given if isinstance(given, str) else name
        doc = _parse_json(doc["PipelineDefinition"], source, "/PipelineDefinition")
        pointer = "/PipelineDefinition"
    return _Builder(source, pointer).pipeline(doc, name or "pipeline")


def _parse_json(text: str, source: str, pointer: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        inside = f" (inside {pointer})" if pointer else ""
        diag = Diagnostic(
            code="SM2AML101",
            severity=Severity.ERROR,
            message=f"not valid JSON{inside}: {exc.msg}",
            where=f"{exc.lineno}:{exc.colno}",
            hint="",
        )
        raise LoadError(diag, source) from None


class _Builder:
    def __init__(self, source: str, root: str) -> None:
        self.source = source
        self.root = root
        self.diags = Diagnostics()

    def fail(self, code: str, message: str, where: str) -> None:
        self.diags.add(code, message, where=where)

    # --- document ------------------------------------------------------------------------------

    def pipeline(self, doc: Any, name: str) -> ir.Pipeline:
        if not isinstance(doc, dict) or not isinstance(doc.get("Steps"), list):
            what = "an object without a Steps list" if isinstance(doc, dict) else type(doc).__name__
            diag = Diagnostic(
                code="SM2AML102",
                severity=Severity.ERROR,
                where=self.root or "/",
                message=f"not a SageMaker pipeline definition: found {what}",
                hint="Give Pipeline.definition() output or a describe-pipeline response.",
            )
            raise LoadError(diag, self.source)
        params = self.parameters(doc.get("Parameters") or [], f"{self.root}/Parameters")
        steps = tuple(
            step for i, raw in enumerate(doc["Steps"]) if (step := self.step(raw, f"{self.root}/Steps/{i}")) is not None
        )
        experiment = doc.get("PipelineExperimentConfig")
        pipeline = ir.Pipeline(
            name=name,
            version=str(doc.get("Version") or ""),
            parameters=params,
            steps=steps,
            experiment=self.value(experiment, f"{self.root}/PipelineExperimentConfig")
            if isinstance(experiment, dict)
            else None,
            metadata=self.value(doc["Metadata"], f"{self.root}/Metadata")
            if isinstance(doc.get("Metadata"), dict)
            else {},
            source=self.source,
        )
        check_graph(pipeline, self.diags, self.root)
        errors = self.diags.at_least(Severity.ERROR)
        if errors:
            raise LoadError(errors[0], self.source, tuple(self.diags))
        return replace(pipeline, diagnostics=tuple(self.diags))

    def parameters(self, raw: Any, where: str) -> tuple[ir.Parameter, ...]:
        if not isinstance(raw, list):
            self.fail("SM2AML109", "Parameters must be a list", where)
            return ()
        out: list[ir.Parameter] = []
        for i, item in enumerate(raw):
            at = f"{where}/{i}"
            if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
                self.fail("SM2AML109", "a parameter needs a Name", at)
                continue
            ptype = item.get("Type")
            if ptype not in ir.PARAMETER_TYPES:
                self.fail(
                    "SM2AML109",
                    f"parameter {item['Name']!r} has type {ptype!r}; expected one of {', '.join(ir.PARAMETER_TYPES)}",
                    f"{at}/Type",
                )
                continue
            if any(p.name == item["Name"] for p in out):
                self.fail("SM2AML109", f"parameter {item['Name']!r} is declared twice", f"{at}/Name")
                continue
            default = item.get("DefaultValue")
            if not _scalar_fits(ptype, default):
                self.fail(
                    "SM2AML109", f"default of {ptype} parameter {item['Name']!r} is {default!r}", f"{at}/DefaultValue"
                )
            enum = item.get("EnumValues") or []
            if not isinstance(enum, list) or not all(v is not None and _scalar_fits(ptype, v) for v in enum):
                self.fail(
                    "SM2AML109",
                    f"EnumValues of parameter {item['Name']!r} must be a list of {ptype} values",
                    f"{at}/EnumValues",
                )
                continue
            if enum and default is not None and default not in enum:
                self.diags.add(
                    "SM2AML109",
                    f"default {default!r} of parameter {item['Name']!r} is not one of its EnumValues",
                    where=f"{at}/DefaultValue",
                    severity=Severity.WARNING,
                )
            out.append(ir.Parameter(name=item["Name"], type=ptype, default=default, enum_values=tuple(enum), where=at))
        return tuple(out)

    # --- steps ---------------------------------------------------------------------------------

    def step(self, raw: Any, where: str) -> ir.Step | None:
        if not isinstance(raw, dict):
            self.fail("SM2AML109", "a step must be an object", where)
            return None
        name, stype = raw.get("Name"), raw.get("Type")
        if not isinstance(name, str) or not name:
            self.fail("SM2AML109", "a step needs a Name", f"{where}/Name")
            return None
        if not isinstance(stype, str):
            self.fail("SM2AML109", f"step {name!r} needs a Type", f"{where}/Type")
            return None
        known = stype in STEP_TYPES
        if not known:
            self.diags.add("SM2AML108", f"step {name!r} has unknown type {stype!r}", where=f"{where}/Type")
        args = raw.get("Arguments")
        if args is None:
            args = {}
        if not isinstance(args, dict):
            self.fail("SM2AML109", f"Arguments of step {name!r} must be an object", f"{where}/Arguments")
            args = {}
        depends = raw.get("DependsOn") or []
        if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
            self.fail("SM2AML109", f"DependsOn of step {name!r} must be a list of names", f"{where}/DependsOn")
            depends = []
        conditions: tuple[ir.Condition, ...] = ()
        branches: dict[str, tuple[ir.Step, ...]] = {"IfSteps": (), "ElseSteps": ()}
        if stype == "Condition":
            conds = args.get("Conditions")
            if not isinstance(conds, list):
                self.fail(
                    "SM2AML109", f"condition step {name!r} needs a Conditions list", f"{where}/Arguments/Conditions"
                )
                conds = []
            conditions = tuple(
                c for i, raw_c in enumerate(conds) if (c := self.condition(raw_c, f"{where}/Arguments/Conditions/{i}"))
            )
            for key in branches:
                items = args.get(key) or []
                if not isinstance(items, list):
                    self.fail("SM2AML109", f"{key} must be a list", f"{where}/Arguments/{key}")
                    items = []
                branches[key] = tuple(
                    s for i, r in enumerate(items) if (s := self.step(r, f"{where}/Arguments/{key}/{i}"))
                )
            args = {k: v for k, v in args.items() if k not in ("Conditions", "IfSteps", "ElseSteps")}
        return ir.Step(
            name=name,
            type=stype,
            arguments=self.value(args, f"{where}/Arguments"),
            depends_on=tuple(depends),
            display_name=_opt_str(raw.get("DisplayName")),
            description=_opt_str(raw.get("Description")),
            cache=self.cache(raw.get("CacheConfig"), f"{where}/CacheConfig"),
            retry_policies=self.retries(raw.get("RetryPolicies"), f"{where}/RetryPolicies"),
            property_files=self.property_files(raw.get("PropertyFiles"), f"{where}/PropertyFiles"),
            extra={k: self.value(v, f"{where}/{k}") for k, v in raw.items() if k not in COMMON_STEP_KEYS},
            conditions=conditions,
            if_steps=branches["IfSteps"],
            else_steps=branches["ElseSteps"],
            known_type=known,
            where=where,
        )

    def cache(self, raw: Any, where: str) -> ir.CacheConfig | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.fail("SM2AML109", "CacheConfig must be an object", where)
            return None
        return ir.CacheConfig(enabled=bool(raw.get("Enabled")), expire_after=_opt_str(raw.get("ExpireAfter")))

    def retries(self, raw: Any, where: str) -> tuple[ir.RetryPolicy, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            self.fail("SM2AML109", "RetryPolicies must be a list of objects", where)
            return ()
        for i, r in enumerate(raw):
            kinds = r.get("ExceptionType") or []
            if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
                self.fail("SM2AML109", "ExceptionType must be a list of names", f"{where}/{i}/ExceptionType")
                return ()
        return tuple(
            ir.RetryPolicy(
                exception_types=tuple(str(e) for e in r.get("ExceptionType") or ()),
                interval_seconds=r.get("IntervalSeconds"),
                backoff_rate=r.get("BackoffRate"),
                max_attempts=r.get("MaxAttempts"),
                expire_after_min=r.get("ExpireAfterMin"),
            )
            for r in raw
        )

    def property_files(self, raw: Any, where: str) -> tuple[ir.PropertyFile, ...]:
        if raw is None:
            return ()
        out = []
        for i, item in enumerate(raw if isinstance(raw, list) else [raw]):
            keys = ("PropertyFileName", "OutputName", "FilePath")
            if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in keys):
                self.fail(
                    "SM2AML109", "a property file needs PropertyFileName, OutputName and FilePath", f"{where}/{i}"
                )
                continue
            out.append(
                ir.PropertyFile(
                    name=item["PropertyFileName"], output_name=item["OutputName"], file_path=item["FilePath"]
                )
            )
        return tuple(out)

    # --- expressions ---------------------------------------------------------------------------

    def value(self, raw: Any, where: str) -> Any:
        """Plain JSON stays as it is; Get, Std:Join and Std:JsonGet become ir expressions."""
        if isinstance(raw, list):  # leaves stay as they are; only containers need their place
            return [v if isinstance(v, LEAVES) else self.value(v, f"{where}/{i}") for i, v in enumerate(raw)]
        if not isinstance(raw, dict):
            return raw
        if len(raw) == 1:
            ((key, body),) = raw.items()
            if key == "Get" and isinstance(body, str):
                return self.get(body, where)
            if key == "Std:Join" and isinstance(body, dict):
                values = body.get("Values")
                if not isinstance(values, list):
                    self.fail("SM2AML109", "Std:Join needs a Values list", f"{where}/Std:Join")
                    values = []
                return ir.Join(
                    on=str(body.get("On") or ""),
                    values=tuple(self.value(v, f"{where}/Std:Join/Values/{i}") for i, v in enumerate(values)),
                )
            if key == "Std:JsonGet" and isinstance(body, dict):
                return self.json_get(body, f"{where}/Std:JsonGet")
        return {k: v if isinstance(v, LEAVES) else self.value(v, f"{where}/{_escape(k)}") for k, v in raw.items()}

    def json_get(self, body: dict[str, Any], where: str) -> ir.Expr | None:
        path = body.get("Path")
        if not isinstance(path, str):
            self.fail("SM2AML109", "Std:JsonGet needs a Path", where)
            path = ""
        if "PropertyFile" in body:
            source = self.value(body["PropertyFile"], f"{where}/PropertyFile")
            if not isinstance(source, ir.PropertyFileRef):
                self.fail(
                    "SM2AML109",
                    "Std:JsonGet PropertyFile must be a Get of Steps.S.PropertyFiles.N",
                    f"{where}/PropertyFile",
                )
                return None
            return ir.JsonGet(source=source, path=path)
        if "S3Uri" in body:
            return ir.JsonGet(source=self.value(body["S3Uri"], f"{where}/S3Uri"), path=path)
        self.fail("SM2AML109", "Std:JsonGet needs a PropertyFile or an S3Uri", where)
        return None

    def get(self, text: str, where: str) -> ir.Expr | str:
        head, _, rest = text.partition(".")
        if head == "Parameters" and rest:
            return ir.ParamRef(name=rest)
        if head == "Execution" and rest:
            if rest not in ir.EXECUTION_VARIABLES:
                self.diags.add("SM2AML110", f"unknown execution variable {rest!r}", where=where)
            return ir.ExecVar(name=rest)
        if head == "PipelineExperimentConfig" and rest in ("ExperimentName", "TrialName"):
            return ir.ExperimentRef(name=rest)
        if head == "Steps" and (m := _STEP_NAME.match(rest)):
            step, tail = m.group(0), rest[m.end() :]
            if tail.startswith(".PropertyFiles.") and len(tail) > len(".PropertyFiles."):
                return ir.PropertyFileRef(step=step, name=tail[len(".PropertyFiles.") :])  # names may hold '-'
            parts = self.path(tail, text, where)
            if len(parts) == 2 and parts[0] == "PropertyFiles" and isinstance(parts[1], str):
                return ir.PropertyFileRef(step=step, name=parts[1])
            return ir.StepProp(step=step, path=parts)
        self.diags.add("SM2AML110", f"unknown Get expression {text!r}", where=where)
        return text

    def path(self, tail: str, text: str, where: str) -> tuple[ir.PathPart, ...]:
        parts: list[ir.PathPart] = []
        pos = 0
        while pos < len(tail):
            m = _PATH_TOKEN.match(tail, pos)
            if not m or m.end() == pos:
                self.fail("SM2AML109", f"cannot read property path in {text!r} at {tail[pos:]!r}", where)
                break
            ident, index, sq, dq = m.groups()
            parts.append(int(index) if index is not None else next(p for p in (ident, sq, dq) if p is not None))
            pos = m.end()
        return tuple(parts)

    def condition(self, raw: Any, where: str) -> ir.Condition | None:
        if not isinstance(raw, dict):
            self.fail("SM2AML109", "a condition must be an object", where)
            return None
        ctype = raw.get("Type")
        if ctype in ir.COMPARE_OPS:
            return ir.Compare(
                op=ctype,
                left=self.value(raw.get("LeftValue"), f"{where}/LeftValue"),
                right=self.value(raw.get("RightValue"), f"{where}/RightValue"),
            )
        if ctype == "In" and isinstance(raw.get("Values"), list):
            return ir.In(
                query=self.value(raw.get("QueryValue"), f"{where}/QueryValue"),
                values=tuple(self.value(raw["Values"], f"{where}/Values")),
            )
        if ctype == "Not" and isinstance(raw.get("Condition"), dict):
            inner = self.condition(raw["Condition"], f"{where}/Condition")
            return ir.Not(condition=inner) if inner else None
        if ctype == "Or" and isinstance(raw.get("Conditions"), list):
            conds = tuple(
                c for i, r in enumerate(raw["Conditions"]) if (c := self.condition(r, f"{where}/Conditions/{i}"))
            )
            return ir.Or(conditions=conds)
        self.fail("SM2AML109", f"not a condition: type {ctype!r}", where)
        return None


LEAVES = (str, int, float, bool, type(None))


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _scalar_fits(ptype: str, value: Any) -> bool:
    if value is None:
        return True
    match ptype:
        case "String":
            return isinstance(value, str)
        case "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "Float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case _:
            return isinstance(value, bool)
