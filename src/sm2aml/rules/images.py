"""Container images → Azure ML environments: curated where one fits, custom otherwise."""

from __future__ import annotations

import re
from typing import Any

import yaml

from sm2aml import aml, ir
from sm2aml.data import table
from sm2aml.rules.context import Context

_ECR = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)(?::([^@]+))?")
CURATED = "azureml://registries/azureml/environments/{name}/labels/latest"


def environment(ctx: Context, image: ir.Value, where: str) -> str:
    """The `environment:` reference a component uses for this image."""
    if not isinstance(image, str):
        ctx.diags.add("SM2AML402", "the image is computed at run time; using the scikit-learn environment", where=where)
        return CURATED.format(name="sklearn-1.5")
    chosen = ctx.options.mapping.image_for(image)  # sm2aml.toml [images]
    if chosen is not None:
        ctx.diags.add("SM2AML310", f"{image} → {chosen} (from the mapping file)", where=where)
        if chosen.startswith("azureml:"):
            return chosen
        stem = chosen.rsplit("/", 1)[-1].split(":")[0].split("@")[0]
        return _custom(ctx, aml.snake(f"{ctx.options.prefix}{stem}"), chosen, f"Replaces {image}", None)
    m = _ECR.match(image)
    if m is None:
        return _custom(ctx, aml.snake(image.rsplit("/", 1)[-1].split(":")[0]), image, f"Image {image}", None)
    _account, region, repo, tag = m.groups()
    tag = tag or "latest"
    known = table("images")["repositories"].get(repo)
    if known is None:
        target = f"<your-registry>.azurecr.io/{repo}:{tag}"
        ctx.diags.add(
            "SM2AML304",
            f"private image {image} must move to Azure Container Registry: "
            f"az acr import --name <your-registry> --source {image} --image {repo}:{tag} "
            f"(needs --username AWS --password $(aws ecr get-login-password --region {region}))",
            where=where,
        )
        return _custom(ctx, aml.snake(repo), target, f"Imported from {image}", None)
    version = tag.split("-")[0]
    note = str(known["note"]).format(version=version, xgb_version=_xgb(version))
    if "curated" in known:
        ctx.diags.add("SM2AML310", f"{image} → curated environment {known['curated']}: {note}", where=where)
        return CURATED.format(name=known["curated"])
    name = aml.snake(f"{ctx.options.prefix}{repo}-{version}")
    conda = None if name in ctx.environments else _conda(known["conda"], version)  # the first use defines it
    ctx.diags.add("SM2AML310", f"{image} → custom environment {name}: {note}", where=where)
    return _custom(ctx, name, table("images")["base_image"], f"Replaces {image}: {note}", conda)


def _custom(ctx: Context, name: str, image: str, description: str, conda: str | None) -> str:
    ctx.environments.setdefault(name, aml.Environment(name=name, image=image, description=description, conda=conda))
    return f"file:../../environments/{name}.yml"


def _xgb(version: str) -> str:
    versions: dict[str, str] = table("images")["xgboost_versions"]
    return versions.get(version, versions.get(".".join(version.split(".")[:2]), version))


def _conda(spec: list[Any], version: str) -> str:
    def fill(item: Any) -> Any:
        if isinstance(item, str):
            return item.format(xgb_version=_xgb(version), version=version)
        if isinstance(item, dict):
            return {k: [fill(i) for i in v] for k, v in item.items()}
        return item

    doc = {"name": "sm2aml", "channels": ["conda-forge"], "dependencies": [fill(i) for i in spec]}
    return yaml.safe_dump(doc, sort_keys=False)
