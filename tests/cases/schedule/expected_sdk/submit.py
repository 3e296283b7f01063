"""Submit the pipeline job of pipeline.py to an Azure ML workspace.

    python submit.py [NAME=VALUE ...] [--stream]

NAME=VALUE overrides a pipeline input; the value is read as JSON when it can be
(0.5, true, "text"), as text otherwise. The workspace comes from the environment
variables AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME when
all three are set, otherwise from config.json (in this folder or above it, as
downloaded from the workspace's overview page). DefaultAzureCredential signs in with
`az login`, a managed identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET.
"""

import json
import os
import sys

from azure.ai.ml import MLClient
from azure.ai.ml.exceptions import UserErrorException, ValidationException
from azure.identity import DefaultAzureCredential
from pipeline import build_pipeline

WORKSPACE_VARIABLES = (
    "AZURE_SUBSCRIPTION_ID",
    "AZURE_RESOURCE_GROUP",
    "AZUREML_WORKSPACE_NAME",
)


def workspace_client() -> MLClient:
    """An MLClient for the workspace the environment names, else config.json."""
    credential = DefaultAzureCredential()
    if all(os.environ.get(name) for name in WORKSPACE_VARIABLES):
        subscription, group, workspace = map(os.environ.get, WORKSPACE_VARIABLES)
        return MLClient(credential, subscription, group, workspace)
    return MLClient.from_config(credential=credential)


def overrides(arguments: list[str]) -> dict[str, object]:
    """NAME=VALUE arguments as pipeline input values."""
    values: dict[str, object] = {}
    for argument in arguments:
        name, sep, text = argument.partition("=")
        if not sep:
            raise SystemExit(f"submit.py: expected NAME=VALUE, got {argument!r}")
        try:
            values[name] = json.loads(text)
        except ValueError:
            values[name] = text
    return values


def main(arguments: list[str]) -> int:
    stream = "--stream" in arguments
    try:
        job = build_pipeline(**overrides([a for a in arguments if a != "--stream"]))
    except UserErrorException as exc:  # an unknown input, a value of the wrong type
        print(f"submit.py: {exc}", file=sys.stderr)
        return 2
    try:
        client = workspace_client()
    except ValidationException as exc:  # no config.json
        print(f"submit.py: no workspace to submit to: {exc}", file=sys.stderr)
        print(
            "set AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and"
            " AZUREML_WORKSPACE_NAME, or put the workspace's config.json here",
            file=sys.stderr,
        )
        return 2
    print(f"submitting {job.display_name!r} to workspace {client.workspace_name!r} ...")
    submitted = client.jobs.create_or_update(job)
    print(f"submitted {submitted.name} ({submitted.status})")
    print(f"follow it at {submitted.studio_url}")
    if stream:
        client.jobs.stream(submitted.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
