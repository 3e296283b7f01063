"""QualityCheckStep and ClarifyCheckStep (SDK 2.x): a baselining Processing job of the model-monitor
(or Clarify) image, run by a CheckJobConfig, with the check's settings beside the Arguments.

The SDK builds the job when the step is constructed: the baselining job's name carries a time stamp
(sdk_names.TIMESTAMP here), local scripts and data are uploaded under
`s3://<bucket>/model-monitor/baselining/<job name>/input/<input name>`, and the job's environment tells the
analyzer where its inputs are. What Python the step gets is checked the way the SDK checks it; what it
would refuse becomes an Unknown with the SDK's reason.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sm2aml.load import sdk_names
from sm2aml.load.sdk_signatures import signature
from sm2aml.load.values import PIPELINE_VARIABLE_KINDS, Obj, Prop, Unknown, describe, is_pipeline_variable

if TYPE_CHECKING:
    from sm2aml.load.sdk_compile import StepContext

INPUT_BASE = "/opt/ml/processing/input"
OUTPUT_PATH = "/opt/ml/processing/output"
BASELINE_INPUT = "baseline_dataset_input"
PREPROCESSOR_INPUT = "record_preprocessor_script_input"
POSTPROCESSOR_INPUT = "post_analytics_processor_script_input"
INPUT_NAMES = {
    BASELINE_INPUT: "baseline dataset",
    PREPROCESSOR_INPUT: "record preprocessor script",
    POSTPROCESSOR_INPUT: "post-analytics processor script",
}
SUGGESTION_JOB_BASE = "baseline-suggestion-job"
QUALITY_CONFIGS = {"DataQualityCheckConfig": "DATA_QUALITY", "ModelQualityCheckConfig": "MODEL_QUALITY"}
# The named properties the SDK puts on a check step's `properties` (nothing else resolves there).
PROPERTIES = {
    "QualityCheckStep": (
        "CalculatedBaselineConstraints",
        "CalculatedBaselineStatistics",
        "BaselineUsedForDriftCheckStatistics",
        "BaselineUsedForDriftCheckConstraints",
    ),
    "ClarifyCheckStep": ("CalculatedBaselineConstraints", "BaselineUsedForDriftCheckConstraints"),
}
MODEL_QUALITY_ATTRIBUTES = (
    ("inference_attribute", "inference_attribute"),
    ("probability_attribute", "probability_attribute"),
    ("ground_truth_attribute", "ground_truth_attribute"),
    ("probability_threshold_attribute", "probability_threshold_attribute"),
)


# --- properties ----------------------------------------------------------------------------------------


def check_properties(step: Obj) -> Obj:
    """`step.properties` of a check step."""
    return Obj("CheckStepProperties", {"step": step}, step.where)


def property_attribute(obj: Obj, name: str, where: str) -> Any:
    """`step.properties.<name>`: only the S3 URIs of the baselines the SDK names."""
    step = obj.get("step")
    names = PROPERTIES[step.kind]
    if name not in names:
        return Unknown(f"a {step.kind}'s properties have no {name!r} (it has {', '.join(names)})", where)
    return Prop(str(step.get("name")), (name,), step)


# --- the step --------------------------------------------------------------------------------------------


def quality_check(ctx: StepContext, step: Obj) -> tuple[Any, dict[str, Any]]:
    """(Arguments, CheckType and the check's settings) of a QualityCheckStep."""
    config, job = step.get("quality_check_config"), step.get("check_job_config")
    extra = _settings(step, statistics=True)
    if not isinstance(config, Obj) or config.kind not in QUALITY_CONFIGS:
        why = config if isinstance(config, Unknown) else None
        why = why or Unknown(
            f"quality_check_config is {describe(config)}; the SDK accepts only a DataQualityCheckConfig or "
            "ModelQualityCheckConfig (RuntimeError)",
            step.where,
        )
        return why, extra
    extra = {"CheckType": QUALITY_CONFIGS[config.kind], **extra}
    monitor = _monitor(ctx, job, step.where)
    if isinstance(monitor, Unknown):
        return monitor, extra
    ctx.session = ctx.model.session_of(monitor)
    region = ctx.model.region(ctx.session, step.where)
    from sm2aml.load.sdk_functions import image

    monitor.attrs["image_uri"] = image(ctx.model, "model-monitor", region, step.where)
    job_name = _baselining_job_name(monitor, step.where)
    inputs = _quality_inputs(ctx, config, monitor, job_name)
    if isinstance(inputs, Unknown):
        return inputs, extra
    output = _quality_output(ctx, config, monitor, job_name)
    environment = _quality_environment(config, monitor, inputs)
    if isinstance(environment, Unknown):
        return environment, extra
    monitor.attrs["env"] = environment
    from sm2aml.load.sdk_processing import process_request

    present_inputs = [i for i in inputs.values() if i is not None]
    return process_request(ctx, monitor, {"inputs": present_inputs, "outputs": [output]}), extra


def _settings(step: Obj, *, statistics: bool) -> dict[str, Any]:
    """The keys QualityCheckStep/ClarifyCheckStep.to_request adds beside the Arguments."""
    out: dict[str, Any] = {
        "ModelPackageGroupName": step.get("model_package_group_name"),
        "SkipCheck": step.get("skip_check"),
        "FailOnViolation": step.get("fail_on_violation"),
        "RegisterNewBaseline": step.get("register_new_baseline"),
    }
    if statistics:
        out["SuppliedBaselineStatistics"] = step.get("supplied_baseline_statistics")
    out["SuppliedBaselineConstraints"] = step.get("supplied_baseline_constraints")
    return out


def _monitor(ctx: StepContext, job: Any, where: str) -> Obj | Unknown:
    """CheckJobConfig._generate_model_monitor: the settings of the baselining Processor."""
    if isinstance(job, Unknown):
        return job
    if not isinstance(job, Obj) or job.kind != "CheckJobConfig":
        return Unknown(f"check_job_config is {describe(job)}, not a CheckJobConfig", where)
    if not job.get("role"):
        return Unknown("the CheckJobConfig has no role (the SDK requires one)", job.where)
    keep = (
        "role", "instance_count", "instance_type", "volume_size_in_gb", "volume_kms_key", "output_kms_key",
        "max_runtime_in_seconds", "base_job_name", "sagemaker_session", "tags", "network_config",
    )  # fmt: skip
    attrs = {key: job.get(key) for key in keep}
    env = job.get("env")
    attrs["env"] = copy.deepcopy(env) if isinstance(env, dict) else env
    attrs["entrypoint"] = None
    return Obj("Processor", attrs, job.where)


def _baselining_job_name(monitor: Obj, where: str) -> Any:
    """ModelMonitor._generate_baselining_job_name (with the fixed time stamp)."""
    base = monitor.get("base_job_name")
    if base is None or base == "":
        return sdk_names.name_from_base(SUGGESTION_JOB_BASE)
    if not isinstance(base, str):
        return Unknown(f"the CheckJobConfig's base_job_name is {describe(base)}, not a known string", where)
    return sdk_names.name_from_base(base)


def _processing_input(source: Any, name: str) -> Obj:
    defaults = (signature("ProcessingInput") or ((), {}))[1]
    attrs = {**defaults, "source": source, "destination": f"{INPUT_BASE}/{name}", "input_name": name}
    return Obj("ProcessingInput", attrs, "")


def _upload(ctx: StepContext, monitor: Obj, job_name: Any, source: Any, name: str) -> Any:
    """ModelMonitor._upload_and_convert_to_processing_input: an S3 URI stays, a local path is uploaded."""
    what = INPUT_NAMES[name]
    if source is None:
        return None
    if isinstance(source, Unknown):
        return source
    if not isinstance(source, str):
        return Unknown(f"{what} is {describe(source)}; the SDK needs a local path or an s3:// URI here", ctx.where)
    if sdk_names.is_s3(source):
        return _processing_input(source, name)
    if isinstance(job_name, Unknown):
        return job_name
    session = ctx.model.session_of(monitor)
    prefix = session.get("default_bucket_prefix")
    desired = sdk_names.s3_path_join(
        "s3://",
        ctx.model.bucket(session, ctx.where),
        prefix if isinstance(prefix, str) else None,
        "model-monitor",
        "baselining",
        job_name,
        "input",
        name,
    )
    local = Path(ctx.model.it.local_path(sdk_names.local_file(source)))
    if local.exists():
        ctx.local_code[sdk_names.upload_uri(str(local), desired, is_dir=local.is_dir())] = str(local)
    else:
        ctx.model.it.report("SM2AML127", f"the {what} {source} does not exist next to the pipeline", ctx.where)
    return _processing_input(desired, name)


def _quality_inputs(ctx: StepContext, config: Obj, monitor: Obj, job_name: Any) -> dict[str, Any] | Unknown:
    """QualityCheckStep._generate_baseline_job_inputs."""
    dataset = config.get("baseline_dataset")
    if is_pipeline_variable(dataset):
        baseline = _processing_input(dataset, BASELINE_INPUT)
    else:
        baseline = _upload(ctx, monitor, job_name, dataset, BASELINE_INPUT)
    inputs = {BASELINE_INPUT: baseline}
    inputs[POSTPROCESSOR_INPUT] = _upload(
        ctx,
        monitor,
        job_name,
        config.get("post_analytics_processor_script"),
        POSTPROCESSOR_INPUT,
    )
    if config.kind == "DataQualityCheckConfig":
        script = config.get("record_preprocessor_script")
        inputs[PREPROCESSOR_INPUT] = _upload(ctx, monitor, job_name, script, PREPROCESSOR_INPUT)
    if baseline is None:
        return Unknown("the quality check config has no baseline_dataset (the SDK fails here)", config.where)
    for value in inputs.values():
        if isinstance(value, Unknown):
            return value
    return inputs


def _quality_output(ctx: StepContext, config: Obj, monitor: Obj, job_name: Any) -> Obj:
    """QualityCheckStep._generate_baseline_output: output_s3_uri, else under the default bucket."""
    destination = config.get("output_s3_uri")
    if destination is None or destination == "":
        session = ctx.model.session_of(monitor)
        prefix = session.get("default_bucket_prefix")
        bucket = ctx.model.bucket(session, ctx.where)
        if isinstance(job_name, Unknown):
            destination = job_name
        else:
            parts = ("model-monitor", "baselining", job_name, "results")
            destination = sdk_names.s3_path_join("s3://", bucket, prefix if isinstance(prefix, str) else None, *parts)
    defaults = (signature("ProcessingOutput") or ((), {}))[1]
    attrs = {**defaults, "source": OUTPUT_PATH, "destination": destination, "output_name": "quality_check_output"}
    return Obj("ProcessingOutput", attrs, config.where)


def _quality_environment(config: Obj, monitor: Obj, inputs: dict[str, Any]) -> dict[str, Any] | Unknown:
    """ModelMonitor._generate_env_map as QualityCheckStep._generate_baseline_processor calls it."""
    env = monitor.get("env")
    if isinstance(env, Unknown):
        return env
    if env is not None and not isinstance(env, dict):
        return Unknown(f"the CheckJobConfig's env is {describe(env)}, not a dict", monitor.where)
    out: dict[str, Any] = dict(env or {})
    out["output_path"] = OUTPUT_PATH
    out["publish_cloudwatch_metrics"] = "Disabled"
    dataset_format = config.get("dataset_format")
    text = _json_text(dataset_format)
    if text is None:
        why = dataset_format if isinstance(dataset_format, Unknown) else None
        return why or Unknown(
            f"the dataset_format ({describe(dataset_format)}) is not a dict of known plain values, which the SDK "
            "writes into the job's environment as JSON",
            config.where,
        )
    out["dataset_format"] = text
    script_inputs = (
        ("record_preprocessor_script", PREPROCESSOR_INPUT),
        ("post_analytics_processor_script", POSTPROCESSOR_INPUT),
    )
    for key, name in script_inputs:
        given = inputs.get(name)
        if given is not None:
            out[key] = str(PurePosixPath(given.get("destination"), os.path.basename(config.get(key))))
    out["dataset_source"] = inputs[BASELINE_INPUT].get("destination")
    if config.kind == "ModelQualityCheckConfig":
        out["analysis_type"] = "MODEL_QUALITY"
        out["problem_type"] = config.get("problem_type")
        for attr, key in MODEL_QUALITY_ATTRIBUTES:
            value = _env_value(config.get(attr), attr, config.where)
            if isinstance(value, Unknown):
                return value
            if value is not None:
                out[key] = value
    return out


def _json_text(value: Any) -> str | None:
    """json.dumps of a plain dict; None when a part of it is not a plain JSON value."""

    def plain(item: Any) -> bool:
        if isinstance(item, dict):
            return all(isinstance(k, str) and plain(v) for k, v in item.items())
        if isinstance(item, list | tuple):
            return all(plain(v) for v in item)
        return item is None or isinstance(item, str | bool | int | float)

    return json.dumps(value) if isinstance(value, dict) and plain(value) else None


def _env_value(value: Any, name: str, where: str) -> Any:
    """quality_check_step._format_env_variable_value: text, or a pipeline variable of string type."""
    if value is None or isinstance(value, Unknown):
        return value
    if is_pipeline_variable(value):
        if isinstance(value, Obj) and value.kind in PIPELINE_VARIABLE_KINDS and value.kind != "ParameterString":
            return Unknown(f"{name} cannot be a {value.kind} (the SDK raises ValueError)", where)
        return value
    if isinstance(value, str | bool | int | float):
        return str(value)
    return Unknown(f"{name} is {describe(value)}, not a known value", where)


# --- ClarifyCheckStep -----------------------------------------------------------------------------------

CLARIFY_CONFIGS = {
    "DataBiasCheckConfig": ("DATA_BIAS", ("data_bias_config",), ("BiasConfig",)),
    "ModelBiasCheckConfig": (
        "MODEL_BIAS",
        ("data_bias_config", "model_config", "model_predicted_label_config"),
        ("BiasConfig", "ModelConfig", "ModelPredictedLabelConfig"),
    ),
    "ModelExplainabilityCheckConfig": (
        "MODEL_EXPLAINABILITY",
        ("model_config", "explainability_config"),
        ("ModelConfig", "SHAPConfig|PDPConfig"),
    ),
}
CLARIFY_INPUT_BASE = "/opt/ml/processing/input"


def clarify_check(ctx: StepContext, step: Obj) -> tuple[Any, dict[str, Any]]:
    """(Arguments, CheckType and the check's settings) of a ClarifyCheckStep.

    The SDK writes the Clarify analysis configuration to `analysis_config.json` under the data config's
    s3_analysis_config_output_path (else its s3_output_path) when the step is made; the definition holds
    only that file's S3 URI, so the configuration's content is checked for its kinds, not computed."""
    config, where = step.get("clarify_check_config"), step.where
    extra = _settings(step, statistics=False)
    if not isinstance(config, Obj) or config.kind not in CLARIFY_CONFIGS:
        why = config if isinstance(config, Unknown) else None
        return why or Unknown(
            f"clarify_check_config is {describe(config)}; the SDK accepts only a DataBiasCheckConfig, "
            "ModelBiasCheckConfig or ModelExplainabilityCheckConfig (RuntimeError)",
            where,
        ), extra
    check_type, fields, kinds = CLARIFY_CONFIGS[config.kind]
    extra = {"CheckType": check_type, **extra}
    for field, kind in zip(fields, kinds, strict=True):
        value = config.get(field)
        if not isinstance(value, Obj) or value.kind not in kind.split("|"):
            why = value if isinstance(value, Unknown) else None
            return why or Unknown(f"the {config.kind}'s {field} is {describe(value)}, not a {kind}", where), extra
    if config.kind != "DataBiasCheckConfig":
        model_name = config.get("model_config").get("model_name")
        if not isinstance(model_name, str) and not is_pipeline_variable(model_name):
            why = model_name if isinstance(model_name, Unknown) else None
            return why or Unknown("the check's ModelConfig needs a known model_name", where), extra
        extra["ModelName"] = model_name
    data = config.get("data_config")
    if not isinstance(data, Obj) or data.kind != "DataConfig":
        return data if isinstance(data, Unknown) else Unknown(f"data_config is {describe(data)}", where), extra
    analysis_uri = _analysis_config_uri(data)
    monitor = _monitor(ctx, step.get("check_job_config"), where)
    for value in (analysis_uri, monitor):
        if isinstance(value, Unknown):
            return value, extra
    assert isinstance(monitor, Obj)
    ctx.session = ctx.model.session_of(monitor)
    from sm2aml.load.sdk_functions import image

    monitor.attrs["image_uri"] = image(ctx.model, "clarify", ctx.model.region(ctx.session, where), where)
    config_input = _processing_input(analysis_uri, "analysis_config")
    config_input.attrs["destination"] = f"{CLARIFY_INPUT_BASE}/config"
    data_input = _processing_input(data.get("s3_data_input_path"), "dataset")
    data_input.attrs.update(
        destination=f"{CLARIFY_INPUT_BASE}/data", s3_compression_type=data.get("s3_compression_type")
    )
    defaults = (signature("ProcessingOutput") or ((), {}))[1]
    image_data = data.get("dataset_type") == "application/x-image"
    output = Obj(
        "ProcessingOutput",
        {
            **defaults,
            "source": OUTPUT_PATH,
            "destination": data.get("s3_output_path"),
            "output_name": "analysis_result",
            "s3_upload_mode": "Continuous" if image_data else "EndOfJob",
        },
        data.where,
    )
    from sm2aml.load.sdk_processing import process_request

    return process_request(ctx, monitor, {"inputs": [config_input, data_input], "outputs": [output]}), extra


def _analysis_config_uri(data: Obj) -> Any:
    """Where the SDK uploads analysis_config.json (clarify._upload_analysis_config)."""
    given = data.get("s3_analysis_config_output_path")
    if is_pipeline_variable(given):
        return Unknown("s3_analysis_config_output_path cannot be a pipeline variable (the SDK raises)", data.where)
    target = given or data.get("s3_output_path")
    if is_pipeline_variable(target):
        return Unknown(
            "s3_output_path cannot be a pipeline variable when s3_analysis_config_output_path is not given "
            "(the SDK raises)",
            data.where,
        )
    if isinstance(target, Unknown):
        return target
    if not sdk_names.is_s3(target):
        shown = repr(target) if isinstance(target, str) else describe(target)
        return Unknown(f"the DataConfig's output path is {shown}, not an s3:// URI", data.where)
    return sdk_names.upload_uri("analysis_config.json", target, is_dir=False)
