"""ModelStep(name, step_args=model.register()/create()): a step collection of `<name>-RegisterModel` or
`<name>-CreateModel`, preceded by `<name>-RepackModel-<model>` (a Training step) when the model's entry
point has to be packed into model.tar.gz at run time."""

from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING, Any

from sm2aml.load.values import Args, Obj, Ref, Unknown

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model

REPACK_LAUNCHER = "_repack_script_launcher.sh"
REPACK_DESCRIPTION = "Used to repack a model with customer scripts for a register/create model step"
IGNORED_REPACK_SETTINGS = ("entry_point", "source_dir", "hyperparameters", "dependencies")


def model_step(model: Model, obj: Obj) -> Any:
    args = obj.get("step_args")
    if not isinstance(args, Obj) or args.kind != "ModelStepArgs":
        if isinstance(args, Unknown):
            why = args
        else:
            why = Unknown("ModelStep step_args must come from a model's register() or create()", obj.where)
        obj.attrs["steps"] = []
        obj.attrs["_unknown"] = why
        return obj
    name = obj.get("name")
    retry = obj.get("retry_policies")
    policies = {"create": retry, "register": retry, "repack": retry}
    if isinstance(retry, dict):
        policies = {k: retry.get(f"{k}_model_retry_policies") for k in policies}
    register = args.get("create_model_package_request") is not None
    request = copy.deepcopy(args.get("create_model_package_request" if register else "create_model_request"))
    steps: list[Obj] = []
    repacking = bool(args.get("need_runtime_repack"))
    if repacking:
        repack = _repack_step(model, obj, args, list(policies["repack"] or []))
        steps.append(repack)
        artifacts = model.sdk_properties(repack).child("ModelArtifacts").child("S3ModelArtifacts")
        container = request["InferenceSpecification"]["Containers"][0] if register else request["PrimaryContainer"]
        container["ModelDataUrl"] = artifacts
    suffix = "RegisterModel" if register else "CreateModel"
    sub = Obj(
        "_RegisterModelStep" if register else "CreateModelStep",
        {
            "name": f"{name}-{suffix}",
            "request": request,
            "depends_on": [] if repacking else list(obj.get("depends_on") or []),
            "retry_policies": list(policies["register" if register else "create"] or []),
            "display_name": obj.get("display_name"),
            "description": obj.get("description"),
        },
        obj.where,
    )
    steps.append(sub)
    obj.attrs["steps"] = steps
    return obj


def _repack_step(model: Model, obj: Obj, args: Obj, policies: list[Any]) -> Obj:
    """_RepackModelStep: an SKLearn training job running the SDK's repack script over the model archive."""
    served = args.get("model")
    settings = dict(obj.get("repack_model_step_settings") or {})
    for key in IGNORED_REPACK_SETTINGS:
        settings.pop(key, None)
    entry_point, source_dir = served.get("entry_point"), served.get("source_dir")
    dependencies = list(served.get("dependencies") or [])
    vpc = served.get("vpc_config") if isinstance(served.get("vpc_config"), dict) else {}
    keywords: dict[str, Any] = {
        "framework_version": settings.pop("framework_version", None) or "1.2-1",
        "instance_type": settings.pop("instance_type", None) or "ml.m5.large",
        "entry_point": REPACK_LAUNCHER,
        "source_dir": source_dir,
        "dependencies": dependencies,
        "sagemaker_session": settings.pop("sagemaker_session", None) or served.get("sagemaker_session"),
        "role": settings.pop("role", None) or served.get("role"),
        "hyperparameters": {
            "inference_script": os.path.basename(str(entry_point)),
            "model_archive": served.get("model_data"),
            "dependencies": " ".join(dependencies) if dependencies else None,
            "source_dir": source_dir,
        },
        "subnets": settings.pop("subnets", None) or vpc.get("Subnets"),
        "security_group_ids": settings.pop("security_group_ids", None) or vpc.get("SecurityGroupIds"),
        "output_path": settings.pop("output_path", None) or args.get("repack_output_prefix"),
        "output_kms_key": settings.pop("output_kms_key", None) or served.get("model_kms_key"),
        **settings,
    }
    repacker = model.call_ref(Ref("sagemaker.sklearn.estimator.SKLearn"), Args((), keywords), obj.where)
    if isinstance(repacker, Obj):
        repacker.attrs["disable_profiler"] = True
        repacker.attrs["_local_code"] = source_dir if isinstance(source_dir, str) else entry_point
    inputs = Obj("TrainingInput", {"s3_data": served.get("model_data"), "s3_data_type": "S3Prefix"}, obj.where)
    label = served.get("name") if isinstance(served.get("name"), str) else 0
    step = Obj(
        "TrainingStep",
        {
            "name": f"{obj.get('name')}-RepackModel-{label}",
            "estimator": repacker,
            "inputs": inputs,
            "step_args": None,
            "description": REPACK_DESCRIPTION,
            "display_name": None,
            "depends_on": list(obj.get("depends_on") or []),
            "retry_policies": policies,
            "cache_config": None,
        },
        obj.where,
    )
    return step
