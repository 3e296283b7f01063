"""Realtime inference of a registered model → a managed online endpoint and its deployment (YAML pair)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from sm2aml import aml, ir, runtime
from sm2aml.rules import compute, images
from sm2aml.rules.context import Context

# VM sizes managed online endpoints accept (a narrower list than jobs), and stand-ins for the others.
ENDPOINT_SIZE = re.compile(
    r"^Standard_(DS\d+_v2|F\d+s_v2|D\d+as?_v4|E\d+s_v3|NC\d+s_v3|NC\d+as_T4_v3|NC\d+ads_A100_v4|NC\d+ads_H100_v5|ND\w+)$"
)
GENERAL = re.compile(r"^Standard_D(\d+)s_v[35]$")  # Dsv3 / Dsv5 → Dasv4 of the same size
STAND_IN = {
    "Standard_NC8ads_A10_v4": "Standard_NC24ads_A100_v4",
    "Standard_NC16ads_A10_v4": "Standard_NC24ads_A100_v4",
    "Standard_NC32ads_A10_v4": "Standard_NC48ads_A100_v4",
    "Standard_NV72ads_A10_v5": "Standard_NC96ads_A100_v4",
}
ENDPOINT_NAME = re.compile(r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
SERVING_PACKAGES = ("azureml-inference-server-http",)
DEPLOYMENT = "blue"


def endpoint_size(size: str) -> str | None:
    """The VM size an online endpoint accepts for a job VM size (None when there is no close one)."""
    if ENDPOINT_SIZE.match(size):
        return size
    if m := GENERAL.match(size):
        return f"Standard_D{m.group(1)}as_v4"
    return STAND_IN.get(size)


def endpoint_name(ctx: Context, model_name: str) -> str:
    """A legal endpoint name (3-32 characters, letters, digits and inner hyphens), unique in the project."""
    base = re.sub(r"[^a-zA-Z0-9]+", "-", model_name).strip("-")
    base = re.sub(r"^[^a-zA-Z]+", "", base) or "model"
    base = f"{base}-endpoint" if len(base) < 3 else base
    base = base[:32].rstrip("-")
    name, n = base, 2
    while name.lower() in {e.lower() for e in ctx.online_endpoints}:
        suffix = f"-{n}"
        name, n = base[: 32 - len(suffix)].rstrip("-") + suffix, n + 1
    assert ENDPOINT_NAME.match(name) and 3 <= len(name) <= 32, name
    return name


def with_packages(ctx: Context, environment: str, packages: tuple[str, ...], purpose: str, where: str) -> str:
    """The environment plus pip packages a purpose needs; curated environments are assumed to have them."""
    prefix = "file:../../environments/"
    if not environment.startswith(prefix):
        return environment
    name = environment.removeprefix(prefix).removesuffix(".yml")
    base = ctx.environments[name]
    if base.conda is None:
        ctx.diags.add(
            "SM2AML235",
            f"environment {name} comes from an image that must provide {', '.join(packages)} for {purpose}",
            where=where,
        )
        return environment
    variant = f"{name}_{purpose}"
    if variant not in ctx.environments:
        doc: dict[str, Any] = yaml.safe_load(base.conda)
        deps: list[Any] = doc.setdefault("dependencies", [])
        pip = next((d for d in deps if isinstance(d, dict) and "pip" in d), None)
        if pip is None:
            pip = {"pip": []}
            deps.append(pip)
        pip["pip"] += [p for p in packages if p not in pip["pip"]]
        ctx.environments[variant] = aml.Environment(
            name=variant,
            image=base.image,
            description=f"{base.description} (+ {', '.join(packages)} for {purpose})",
            conda=yaml.safe_dump(doc, sort_keys=False),
        )
    return f"{prefix}{variant}.yml"


def online(
    ctx: Context,
    step: ir.Step,
    *,
    model_name: str,
    image: ir.Value,
    program: str | None,
    content_type: str,
    accept: str,
    variables: dict[str, str],
) -> str | None:
    """Declare the online endpoint serving the registered model; returns its name (None when not possible)."""
    at = ctx.where(step, "Arguments", "InferenceSpecification", "SupportedRealtimeInferenceInstanceTypes")
    wanted = ir.get(step.arguments, "InferenceSpecification", "SupportedRealtimeInferenceInstanceTypes")
    candidates = [t for t in (wanted if isinstance(wanted, list) else []) if isinstance(t, str)]
    size, source = _size(candidates)
    if size is None:
        ctx.diags.add(
            "SM2AML237",
            f"no VM size that online endpoints accept is known for {', '.join(candidates) or 'these instance types'}; "
            "no endpoint is emitted",
            where=at,
        )
        return None
    job_size = (compute.sku_for(source) or {}).get("sku")
    if job_size != size:
        ctx.diags.add(
            "SM2AML237",
            f"{source} runs jobs on {job_size}, which online endpoints do not accept; the deployment uses {size}",
            where=at,
        )
    where = ctx.where(step, "Arguments", "InferenceSpecification", "Containers", 0, "Image")
    environment = with_packages(ctx, images.environment(ctx, image, where), SERVING_PACKAGES, "serving", where)
    name = endpoint_name(ctx, model_name)
    env = {"SM2AML_CONTENT_TYPE": content_type, "SM2AML_ACCEPT": accept, **variables}
    if program:
        env["SAGEMAKER_PROGRAM"] = program
    launcher = runtime.LAUNCHERS["inference"]
    ctx.online_endpoints[name] = aml.OnlineEndpoint(
        name=name,
        description=f"Serves model {model_name} as SageMaker served model package group step {step.name}",
        tags={"model": model_name, "converted_from": step.name},
        deployment=aml.OnlineDeployment(
            name=DEPLOYMENT,
            model=f"azureml:{model_name}@latest",
            environment=environment.replace("file:../../", "file:../"),  # endpoints/ is one level down
            instance_type=size,
            scoring_script=launcher,
            src_files={launcher: runtime.source("inference")},
            environment_variables=dict(sorted(env.items())),
        ),
    )
    ctx.diags.add(
        "SM2AML236",
        f"realtime inference on {source} becomes online endpoint {name!r} (deployment {DEPLOYMENT!r} on {size}) "
        f"serving the latest version of model {model_name!r}",
        where=at,
    )
    return name


def _size(candidates: list[str]) -> tuple[str | None, str]:
    """The first candidate with an accepted size (or a stand-in for one), and the instance type it came from."""
    for instance_type in candidates:
        entry = compute.sku_for(instance_type)
        if entry and (size := endpoint_size(str(entry["sku"]))):
            return size, instance_type
    return None, candidates[0] if candidates else ""
