"""NotebookJobStep, as the SDK 2.x defines it: a Training job running the notebook with the scheduler image.

Plain settings (the SDK uploads the notebook, its initialization script and dependencies to a staged input
folder, whose name carries a time stamp: sdk_names.TIMESTAMP here), so the step is modelled in full.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from sm2aml import ir
from sm2aml.load import sdk_names
from sm2aml.load.sdk_function import RESULTS, role_arn, s3_root
from sm2aml.load.sdk_processing import format_tags
from sm2aml.load.values import Obj, Prop, Unknown, describe

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model
    from sm2aml.load.sdk_compile import StepContext

NOTEBOOK_CHANNEL = "sagemaker_headless_execution_pipelinestep"
NOTEBOOK_PROPERTIES: dict[str, tuple[ir.PathPart, ...]] = {
    "ComputingJobName": ("TrainingJobName",),
    "ComputingJobStatus": ("TrainingJobStatus",),
    "NotebookJobInputLocation": ("InputDataConfig", 0, "DataSource", "S3DataSource", "S3Uri"),
    "NotebookJobOutputLocationPrefix": RESULTS,
    "InputNotebookName": ("Environment", "SM_INPUT_NOTEBOOK_NAME"),
    "OutputNotebookName": ("Environment", "SM_OUTPUT_NOTEBOOK_NAME"),
}
_EXECUTION_ID = ir.ExecVar(name="PipelineExecutionId")


def init_notebook(model: Model, obj: Obj) -> None:
    """NotebookJobStep.__init__: a missing name or job name is derived from the notebook's file name."""
    notebook = obj.get("input_notebook")
    given = obj.get("name")
    if isinstance(notebook, str) and notebook and (not obj.get("notebook_job_name") or not given):
        derived = sdk_names.name_from_base(_job_prefix(os.path.basename(notebook)))
        obj.attrs["notebook_job_name"] = obj.get("notebook_job_name") or derived
        obj.attrs["name"] = given or derived
    obj.attrs["_properties_name"] = given


def notebook_properties(obj: Obj) -> Obj:
    """`properties` of a NotebookJobStep (named by the name given, as the SDK's _compose_properties)."""
    return Obj("NotebookJobProperties", {"name": obj.get("_properties_name"), "step": obj}, obj.where)


def _job_prefix(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9-]", "-", re.sub(r"^[^a-zA-Z0-9]+", "", name))


def attribute(obj: Obj, name: str, where: str) -> Any:
    """`step.properties.<name>` of a NotebookJobStep: the SDK's named shortcuts into the training job."""
    path = NOTEBOOK_PROPERTIES.get(name)
    if path is None:
        return Unknown(f"a NotebookJobStep's properties have no {name!r}", where)
    return Prop(str(obj.get("name")), path, obj.get("step"))


def arguments(ctx: StepContext, step: Obj) -> Any:
    """The Arguments of the notebook job's Training step (NotebookJobStep.arguments)."""
    model, where = ctx.model, step.where
    session = ctx.session
    region = model.region(session, where)
    notebook, job_name, image = step.get("input_notebook"), step.get("notebook_job_name"), step.get("image_uri")
    uploads = [notebook, step.get("initialization_script"), *list(step.get("additional_dependencies") or [])]
    for path in [u for u in uploads if u is not None]:
        if not isinstance(path, str) or not os.path.exists(model.it.local_path(path)):
            return Unknown(
                f"NotebookJobStep: {describe(path) if not isinstance(path, str) else path} is no file", where
            )
    if not isinstance(job_name, str) or not re.match(r"^[a-zA-Z][a-zA-Z0-9_-]*$", job_name):
        return Unknown(f"NotebookJobStep: the notebook job name {job_name!r} is not valid", where)
    if not isinstance(image, str) or region not in image:
        return Unknown(f"NotebookJobStep: the image {image!r} must be a known URI in the region {region}", where)
    if not step.get("kernel_name"):
        return Unknown("NotebookJobStep: kernel_name is required", where)
    root = step.get("s3_root_uri")
    if root is None:
        root = s3_root(model, session, where)
    prefix_name = _job_prefix(job_name)
    staged = sdk_names.s3_path_join(root, ctx.pipeline_name, ctx.step_name, sdk_names.name_from_base("input"))
    for path in [u for u in uploads if isinstance(u, str)]:
        ctx.local_code[f"{staged}/{os.path.basename(path)}"] = model.it.local_path(path)
    request: dict[str, Any] = {
        "TrainingJobName": prefix_name,
        "RoleArn": role_arn(step.get("role"), where),
        "RetryStrategy": {"MaximumRetryAttempts": step.get("max_retry_attempts")},
        "StoppingCondition": {"MaxRuntimeInSeconds": step.get("max_runtime_in_seconds")},
        "EnableInterContainerTrafficEncryption": step.get("encrypt_inter_container_traffic"),
        "AlgorithmSpecification": {
            "TrainingImage": image,
            "TrainingInputMode": "File",
            "ContainerEntrypoint": ["amazon_sagemaker_scheduler"],
        },
    }
    source = {"S3DataType": "S3Prefix", "S3Uri": staged, "S3DataDistributionType": "FullyReplicated"}
    request["InputDataConfig"] = [{"ChannelName": NOTEBOOK_CHANNEL, "DataSource": {"S3DataSource": source}}]
    output: dict[str, Any] = {
        "S3OutputPath": ir.Join(on="/", values=(root, ctx.pipeline_name, _EXECUTION_ID, ctx.step_name))
    }
    if step.get("s3_kms_key") is not None:
        output["KmsKeyId"] = step.get("s3_kms_key")
    request["OutputDataConfig"] = output
    resources = {
        "VolumeSizeInGB": step.get("volume_size"),
        "InstanceCount": 1,
        "InstanceType": step.get("instance_type"),
    }
    if step.get("volume_kms_key") is not None:
        resources["VolumeKmsKeyId"] = step.get("volume_kms_key")
    request["ResourceConfig"] = resources
    if step.get("subnets") is not None and step.get("security_group_ids") is not None:
        request["VpcConfig"] = {"Subnets": step.get("subnets"), "SecurityGroupIds": step.get("security_group_ids")}
    request["Tags"] = [
        *list(format_tags(step.get("tags")) or []),
        {"Key": "sagemaker:name", "Value": job_name},
        {"Key": "sagemaker:notebook-name", "Value": os.path.basename(notebook)},
        {"Key": "sagemaker:notebook-job-origin", "Value": "PIPELINE_STEP"},
        {"Key": "sagemaker:is-studio-archived", "Value": "false"},
    ]
    environment = dict(step.get("environment_variables") or {})
    environment.update(
        {
            "AWS_DEFAULT_REGION": region,
            "SM_JOB_DEF_VERSION": "1.0",
            "SM_ENV_NAME": "sagemaker-default-env",
            "SM_SKIP_EFS_SIMULATION": "true",
            "SM_EXECUTION_INPUT_PATH": f"/opt/ml/input/data/{NOTEBOOK_CHANNEL}",
            "SM_KERNEL_NAME": step.get("kernel_name"),
            "SM_INPUT_NOTEBOOK_NAME": os.path.basename(notebook),
            "SM_OUTPUT_NOTEBOOK_NAME": f"{prefix_name}.ipynb",
        }
    )
    script = step.get("initialization_script")
    if script:
        environment["SM_INIT_SCRIPT"] = os.path.basename(script)
    request["Environment"] = environment
    if step.get("parameters"):
        request["HyperParameters"] = step.get("parameters")
    return request
