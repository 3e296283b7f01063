"""SDK functions (not classes) the source front end evaluates: `image_uris.retrieve` and the role lookup."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sm2aml.load import images
from sm2aml.load.values import Args, Obj, Unknown, describe

if TYPE_CHECKING:
    from sm2aml.load.sdk import Model


def _image_uris_retrieve(model: Model, args: Args, where: str) -> Any:
    names = ("framework", "region", "version", "py_version", "instance_type", "accelerator_type", "image_scope")
    bound = args.bind(names, {})
    if isinstance(bound, str):
        return Unknown(f"image_uris.retrieve(...) {bound}", where)
    keys = ("version", "py_version", "instance_type", "image_scope", "container_version", "base_framework_version")
    return image(model, bound.get("framework"), bound.get("region"), where, **{k: bound.get(k) for k in keys})


def image(model: Model, framework: Any, region: Any, where: str, **options: Any) -> Any:
    """The SDK's image URI for a framework, or Unknown; parameters stand for their default values."""
    fixed: dict[str, Any] = {}
    for key, given in {"framework": framework, "region": region, **options}.items():
        value = given.get("default_value") if isinstance(given, Obj) and given.kind == "ParameterString" else given
        if isinstance(value, Unknown):
            return value
        if value is not None and not isinstance(value, str):
            return Unknown(f"image_uris.retrieve: {key} is {describe(value)}, not a known string", where)
        fixed[key] = value
    if not fixed["framework"] or not fixed["region"]:
        return Unknown("image_uris.retrieve needs a known framework and region", where)
    try:
        uri, real = images.retrieve(fixed.pop("framework"), fixed.pop("region"), **fixed)
    except images.ImageError as exc:
        return Unknown(f"the SDK refuses this image: {exc}", where)
    if not real:
        model.it.report(
            "SM2AML130",
            f"the SageMaker SDK's image data is not installed: {uri} names the repository and tag with the "
            f"placeholder account {images.PLACEHOLDER_ACCOUNT}",
            where,
        )
    return uri


def _execution_role(model: Model, args: Args, where: str) -> Any:
    return Unknown("the execution role is looked up in AWS when the pipeline is defined (pass --arg role=ARN)", where)


def _dataset_format(method: str, key: str, spec: tuple[tuple[str, str, Any], ...]) -> Callable[..., Any]:
    """A static method of model_monitor.(Monitoring)DatasetFormat: {key: {field: argument}}."""

    def build(model: Model, args: Args, where: str) -> Any:
        bound = args.bind(tuple(name for name, _, _ in spec), {name: default for name, _, default in spec})
        if isinstance(bound, str):
            return Unknown(f"{method}(...) {bound}", where)
        return {key: {field: bound[name] for name, field, _ in spec}}

    return build


FUNCTIONS: dict[str, Callable[[Model, Args, str], Any]] = {
    "image_uris.retrieve": _image_uris_retrieve,
    "get_execution_role": _execution_role,
    "DatasetFormat.csv": _dataset_format(
        "DatasetFormat.csv",
        "csv",
        (("header", "header", True), ("output_columns_position", "output_columns_position", "START")),
    ),
    "DatasetFormat.json": _dataset_format("DatasetFormat.json", "json", (("lines", "lines", True),)),
    "DatasetFormat.sagemaker_capture_json": _dataset_format(
        "DatasetFormat.sagemaker_capture_json", "sagemakerCaptureJson", ()
    ),
    "MonitoringDatasetFormat.csv": _dataset_format("MonitoringDatasetFormat.csv", "Csv", (("header", "Header", True),)),
    "MonitoringDatasetFormat.json": _dataset_format("MonitoringDatasetFormat.json", "Json", (("lines", "Line", True),)),
    "MonitoringDatasetFormat.parquet": _dataset_format("MonitoringDatasetFormat.parquet", "Parquet", ()),
}
