"""S3 locations → identity-based blob datastores, azureml:// URIs and a copy plan."""

from __future__ import annotations

import re

from sm2aml import aml
from sm2aml.rules.context import Context

_S3 = re.compile(r"^s3a?://([^/]+)/?(.*)$")


def split_s3(uri: str) -> tuple[str, str] | None:
    m = _S3.match(uri)
    return (m.group(1), m.group(2)) if m else None


def datastore_uri(ctx: Context, uri: str, where: str) -> str | None:
    """azureml://datastores/<ds>/paths/<key> for an s3:// URI (None when it is not one)."""
    parts = split_s3(uri)
    if parts is None:
        return None
    bucket, key = parts
    ds = datastore(ctx, bucket, where)
    top = key.split("/", 1)[0] if "/" in key else key
    copy_key = f"{bucket}/{top}"
    if top and copy_key not in ctx.data_copies:
        ctx.data_copies[copy_key] = aml.DataCopy(
            source=f"s3://{bucket}/{top}", account_name=ds.account_name, container_name=ds.container_name, prefix=top
        )
    return f"azureml://datastores/{ds.name}/paths/{key}"


def datastore(ctx: Context, bucket: str, where: str) -> aml.Datastore:
    for ds in ctx.datastores.values():
        if ds.description.endswith(f"s3://{bucket}"):
            return ds
    chosen = ctx.options.mapping.buckets.get(bucket)  # sm2aml.toml [buckets."name"]
    name = (chosen and chosen.datastore) or aml.snake(bucket)
    container = (chosen and chosen.container) or re.sub(r"[^a-z0-9-]", "-", bucket.lower()).strip("-")[:63] or "data"
    ds = aml.Datastore(
        name=name,
        account_name=(chosen and chosen.storage_account) or ctx.options.account_for(ctx.pipeline.name),
        container_name=container,
        description=f"Migrated from s3://{bucket}",
    )
    ctx.datastores[name] = ds
    ctx.diags.add(
        "SM2AML301",
        f"bucket {bucket!r} becomes datastore {name!r} "
        f"(container {container!r} in storage account {ds.account_name!r})",
        where=where,
    )
    return ds


def bucket_of(ds: aml.Datastore) -> str:
    """The bucket a datastore made by datastore() stands for."""
    return ds.description.rsplit("s3://", 1)[-1]
