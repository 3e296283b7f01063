"""What a pipeline depends on outside itself (buckets, roles, images, instance types, keys, networks, endpoints),
and what stands for each in the Azure ML project."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sm2aml import aml, ir
from sm2aml.diagnostics import Diagnostics
from sm2aml.mapping import SERVERLESS
from sm2aml.rules import compute, identity, images, storage
from sm2aml.rules.context import Context

IMAGE_KEYS = frozenset({"ImageUri", "TrainingImage", "Image", "InferenceImage"})
ENDPOINT_STEPS = frozenset({"Endpoint", "EndpointConfig"})


@dataclass(slots=True)
class _Found:
    where: str
    steps: list[str] = field(default_factory=list)
    prefixes: set[str] = field(default_factory=set)
    details: dict[str, Any] = field(default_factory=dict)

    def seen(self, step: str) -> None:
        if step not in self.steps:
            self.steps.append(step)


def collect(ctx: Context) -> tuple[aml.SourceResource, ...]:
    """Every external resource the pipeline names, first use first within each kind."""
    walk = _Walker(ctx.pipeline)
    for p in ctx.pipeline.parameters:
        if isinstance(p.default, str) and (parts := storage.split_s3(p.default)):
            walk.note("bucket", parts[0], p.where, "").prefixes.add(_top(parts[1]))
    endpoints: list[aml.SourceResource] = []
    for step in ctx.pipeline.all_steps():
        walk.mapping(step.arguments, ctx.where(step, "Arguments"), step.name)
        if step.type in ENDPOINT_STEPS:
            name = ir.get(step.arguments, "EndpointName") or ir.get(step.arguments, "EndpointConfigName")
            source = name if isinstance(name, str) else step.name
            endpoints.append(
                aml.SourceResource(
                    kind="endpoint", source=source, where=step.where, details={"step": step.name, "type": step.type}
                )
            )
    for ep in ctx.online_endpoints.values():
        endpoints.append(
            aml.SourceResource(
                kind="endpoint",
                source=ep.tags.get("converted_from", ep.name),
                target=ep.name,
                details={"instance_type": ep.deployment.instance_type, "model": ep.deployment.model},
            )
        )
    found = walk.found
    scratch = Context(pipeline=ctx.pipeline, options=ctx.options, diags=Diagnostics())
    out = [_parameter(ctx, p) for p in ctx.pipeline.parameters]
    out += [_bucket(ctx, scratch, bucket, f) for bucket, f in sorted(found["bucket"].items())]
    out += [_role(ctx, scratch, arn, f) for arn, f in sorted(found["role"].items())]
    out += [_image(ctx, scratch, image, f) for image, f in sorted(found["image"].items())]
    out += [_instance_type(ctx, itype, f) for itype, f in sorted(found["instance_type"].items())]
    out += [
        aml.SourceResource(kind="kms_key", source=key, where=f.where, details={**f.details, "steps": f.steps})
        for key, f in sorted(found["kms_key"].items())
    ]
    return (*out, *walk.networks, *endpoints)


class _Walker:
    """Looks at every value of a step's arguments once; builds a JSON pointer only for what it keeps."""

    def __init__(self, pipeline: ir.Pipeline) -> None:
        self.pipeline = pipeline
        self.found: dict[str, dict[str, _Found]] = {
            k: {} for k in ("bucket", "role", "image", "instance_type", "kms_key")
        }
        self.networks: list[aml.SourceResource] = []

    def note(self, kind: str, key: str, where: str, step: str) -> _Found:
        entry = self.found[kind].setdefault(key, _Found(where))
        entry.seen(step)
        return entry

    def mapping(self, value: dict[str, ir.Value], where: str, step: str) -> None:
        for key, raw in value.items():
            item = _literal(self.pipeline, raw) if isinstance(raw, ir.ParamRef) else raw
            if isinstance(item, str):
                self.string(key, item, where, key, step)
            elif isinstance(item, dict):
                at = f"{where}/{_escape(key)}"
                if key == "VpcConfig":
                    self.networks.append(_network(item, at, step))
                self.mapping(item, at, step)
            elif isinstance(item, list):
                self.sequence(key, item, f"{where}/{_escape(key)}", step)

    def sequence(self, key: str, items: list[ir.Value], where: str, step: str) -> None:
        for i, raw in enumerate(items):
            element = _literal(self.pipeline, raw) if isinstance(raw, ir.ParamRef) else raw
            if isinstance(element, dict):
                self.mapping(element, f"{where}/{i}", step)
            elif isinstance(element, str):
                if key.endswith("InstanceTypes") and element.startswith("ml."):
                    self.note("instance_type", element, f"{where}/{i}", step)
                else:
                    self.string(key, element, where, str(i), step)

    def string(self, key: str, value: str, parent: str, token: str, step: str) -> None:
        """Keep a literal that names an external resource; `parent/token` is its pointer (token unescaped)."""
        if value.startswith("s3"):
            if parts := storage.split_s3(value):
                self.note("bucket", parts[0], _at(parent, token), step).prefixes.add(_top(parts[1]))
        elif value.startswith("arn:aws") and ":role/" in value:
            self.note("role", value, _at(parent, token), step)
        elif key in IMAGE_KEYS:
            self.note("image", value, _at(parent, token), step)
        elif key == "InstanceType" and value.startswith("ml."):
            self.note("instance_type", value, _at(parent, token), step)
        elif ("ms" in key or "MS" in key) and "kmskey" in key.lower():
            self.note("kms_key", value, _at(parent, token), step).details["field"] = key


def _at(parent: str, token: str) -> str:
    return f"{parent}/{_escape(token)}"


def _literal(pipeline: ir.Pipeline, value: ir.Value) -> ir.Value:
    if isinstance(value, ir.ParamRef):
        try:
            return pipeline.parameter(value.name).default
        except KeyError:
            return None
    return value


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1") if "~" in key or "/" in key else key


def _top(key: str) -> str:
    return key.split("/", 1)[0]


def _parameter(ctx: Context, p: ir.Parameter) -> aml.SourceResource:
    details: dict[str, Any] = {"type": p.type, "default": p.default}
    if p.enum_values:
        details["enum"] = list(p.enum_values)
    return aml.SourceResource(
        kind="parameter", source=p.name, target=ctx.param_inputs.get(p.name, ""), where=p.where, details=details
    )


def _bucket(ctx: Context, scratch: Context, bucket: str, f: _Found) -> aml.SourceResource:
    emitted = next((d for d in ctx.datastores.values() if storage.bucket_of(d) == bucket), None)
    ds = emitted or storage.datastore(scratch, bucket, f.where)
    copies = sorted(c.prefix for c in ctx.data_copies.values() if c.source.startswith(f"s3://{bucket}/"))
    details = {
        "storage_account": ds.account_name,
        "container": ds.container_name,
        "prefixes": sorted(p for p in f.prefixes if p),
        "copy_prefixes": copies,
        "emitted": emitted is not None,
        "steps": [s for s in f.steps if s],
    }
    return aml.SourceResource(kind="bucket", source=bucket, target=ds.name, where=f.where, details=details)


def _role(ctx: Context, scratch: Context, arn: str, f: _Found) -> aml.SourceResource:
    name = identity.identity(scratch, arn, f.where) or ""
    made = ctx.identities.get(name) or scratch.identities.get(name)
    details = {
        "role_assignments": [{"role": r.role, "scope": r.scope} for r in (made.roles if made else ())],
        "emitted": name in ctx.identities,
        "steps": f.steps,
    }
    return aml.SourceResource(kind="role", source=arn, target=name, where=f.where, details=details)


def _image(ctx: Context, scratch: Context, image: str, f: _Found) -> aml.SourceResource:
    ref = images.environment(scratch, image, f.where)
    custom = ref.startswith("file:")
    target = ref.rsplit("/", 1)[-1].removesuffix(".yml") if custom else ref
    details: dict[str, Any] = {"custom": custom, "steps": f.steps}
    if custom and target in scratch.environments:
        details["base_image"] = scratch.environments[target].image
    if ctx.options.mapping.image_for(image) is not None:
        details["mapped"] = True
    return aml.SourceResource(kind="image", source=image, target=target, where=f.where, details=details)


def _instance_type(ctx: Context, itype: str, f: _Found) -> aml.SourceResource:
    entry = compute.sku_for(itype) or {}
    chosen = ctx.options.mapping.instance_types.get(itype)
    details: dict[str, Any] = {
        k: entry[k] for k in ("vcpus", "memory_gib", "gpus", "gpu", "match") if entry.get(k) is not None
    }
    if chosen:
        details["match"] = "mapped"
    if ctx.options.mapping.compute != SERVERLESS:
        details["cluster"] = ctx.options.mapping.compute
    details["steps"] = f.steps
    return aml.SourceResource(
        kind="instance_type", source=itype, target=chosen or entry.get("sku", ""), where=f.where, details=details
    )


def _network(value: dict[str, ir.Value], where: str, step: str) -> aml.SourceResource:
    subnets, groups = _strings(value.get("Subnets")), _strings(value.get("SecurityGroupIds"))
    return aml.SourceResource(
        kind="network",
        source=", ".join(subnets) or "VpcConfig",
        target="workspace managed virtual network",
        where=where,
        details={"subnets": subnets, "security_group_ids": groups, "steps": [step]},
    )


def _strings(value: ir.Value) -> list[str]:
    return [s for s in value if isinstance(s, str)] if isinstance(value, list) else []
