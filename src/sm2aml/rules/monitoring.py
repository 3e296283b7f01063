"""Model Monitor checks → Azure ML model monitors (schedules/<name>_monitor.yml) and model data collection.

A QualityCheck step computed statistics and constraints of a baseline dataset and compared later data with
them. Azure ML model monitoring compares the data an online deployment collects with reference data on a
schedule. This pass runs after every step is converted, when the endpoints the registered models get are known.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import yaml

from sm2aml import aml, ir
from sm2aml.rules import expressions, storage
from sm2aml.rules.context import Context

# Serverless Spark runs the monitoring jobs; azure-ai-ml accepts runtime versions 3.4 and 3.5.
SPARK = {"instance_type": "standard_e4s_v3", "runtime_version": "3.4"}
COLLECTIONS = ("model_inputs", "model_outputs")
COLLECT_PACKAGES = ("azureml-ai-monitoring", "pandas")
BASELINE_INPUT = "baseline_dataset_input"
# SageMaker problem types → the model performance signal's model type and metrics.
PROBLEMS = {
    "Regression": ("regression", "mae, mse, rmse"),
    "BinaryClassification": ("classification", "accuracy, precision, recall"),
    "MulticlassClassification": ("classification", "accuracy, precision, recall"),
}
# SageMaker's baseline constraints flag any rise in missing values, type errors or out-of-range values.
QUALITY_THRESHOLDS = {"null_value_rate": 0.0, "data_type_error_rate": 0.0, "out_of_bounds_rate": 0.0}
BIAS_WHY = (
    "Azure ML model monitoring has no bias signal; the Responsible AI dashboard's fairness assessment measures "
    "the same disparities offline"
)


def collect(ctx: Context) -> tuple[aml.Monitor, ...]:
    """A monitor for each quality check the project can monitor; findings for the others."""
    monitors: list[aml.Monitor] = []
    names = aml.Names()
    for step in ctx.pipeline.all_steps():
        if step.type == "QualityCheck":
            monitor = _quality(ctx, step, names)
            if monitor is not None:
                monitors.append(monitor)
    return tuple(monitors)


def clarify_why(step: ir.Step) -> str:
    """Why a ClarifyCheck step gets guidance rather than a monitoring signal (for its SM2AML260 finding)."""
    check = step.extra.get("CheckType")
    if check == "MODEL_EXPLAINABILITY":
        config = _input_uri(step, "analysis_config")
        return (
            "its model-monitoring counterpart is a feature_attribution_drift signal (both rank feature attributions "
            "and compare the rankings with NDCG), which needs the label column as reference_data.target_column_name; "
            "the definition keeps the label and headers in the analysis config in S3"
            + (f" ({expressions.describe(config)})" if config is not None else "")
            + ", so no signal is emitted: add one to a monitor schedule with that label"
        )
    return BIAS_WHY


def _quality(ctx: Context, step: ir.Step, names: aml.Names) -> aml.Monitor | None:
    check = step.extra.get("CheckType")
    env = ir.get(step.arguments, "Environment")
    title = f"QualityCheck step {step.name!r} ({check})"
    if check == "MODEL_QUALITY":
        _model_quality(ctx, step, env, title)
        return None
    endpoint = _endpoint(ctx, step)
    baseline = _input_uri(step, BASELINE_INPUT)
    fixed, origin = _fixed_uri(ctx, baseline)
    missing = []
    if endpoint is None:
        missing.append(
            "an online endpoint for the registered model (the monitor reads the inputs the deployment collects): "
            "give the model's registration realtime instance types (inference_instances) so one is emitted, or "
            "monitor data of your own with a pre_processing_component"
        )
    if fixed is None:
        given = expressions.describe(baseline) if baseline is not None else "not set"
        missing.append(
            f"a fixed baseline dataset location (it is {given}): "
            "give baseline_dataset an S3 URI without execution variables"
        )
    if endpoint is None or fixed is None:
        ctx.diags.add(
            "SM2AML274", f"{title} gets no Azure ML model monitor; it lacks " + "; and ".join(missing), where=step.where
        )
        return None
    reference = storage.datastore_uri(ctx, _folder(fixed), ctx.where(step, "Arguments", "ProcessingInputs"))
    assert reference is not None  # _fixed_uri returns s3:// URIs only
    deployment = endpoint.deployment.name
    _collect(ctx, endpoint, step)
    name = names.take(f"{step.name}_monitor")
    name = name if name.endswith("_monitor") else f"{name}_monitor"
    table, format_note = _mltable(env, fixed)
    production = {
        "input_data": {"path": f"azureml:{endpoint.name}-{deployment}-model_inputs:1", "type": "uri_folder"},
        "data_context": "model_inputs",
    }
    reference_data = {"input_data": {"path": reference, "type": "mltable"}, "data_context": "training"}
    signals: dict[str, Any] = {
        "data_drift": {
            "type": "data_drift",
            "production_data": copy.deepcopy(production),
            "reference_data": copy.deepcopy(reference_data),
            "features": "all_features",
        },
        "data_quality": {
            "type": "data_quality",
            "production_data": copy.deepcopy(production),
            "reference_data": copy.deepcopy(reference_data),
            "features": "all_features",
            "metric_thresholds": {"numerical": dict(QUALITY_THRESHOLDS), "categorical": dict(QUALITY_THRESHOLDS)},
        },
    }
    settings = {
        "compute": dict(SPARK),
        "monitoring_target": {"endpoint_deployment_id": f"azureml:{endpoint.name}:{deployment}"},
        "monitoring_signals": signals,
        "alert_notification": "azmonitoring",
    }
    table_path = f"monitoring/{name}/MLTable"
    ds_name, _, key = reference.removeprefix("azureml://datastores/").partition("/paths/")
    ds = ctx.datastores[ds_name]
    ctx.diags.add(
        "SM2AML273",
        f"{title} becomes model monitor schedules/{name}.yml: data drift and data quality of the inputs online "
        f"deployment {endpoint.name}/{deployment} collects, daily, against the baseline {origin} at {reference} "
        f"(read through {table_path}: upload it into that folder first, e.g. az storage blob upload --auth-mode login "
        f"--account-name {ds.account_name} --container-name {ds.container_name} --name {key.rstrip('/')}/MLTable "
        f"--file {table_path}); data quality alerts on any missing, mistyped or out-of-range value, as the "
        "baseline's constraints did; data drift uses Azure ML's default metrics and thresholds (SageMaker compared "
        "distributions with its own distance and threshold 0.1); model monitoring reads datastores with "
        f"credential-based access only, so give datastore {ds_name} an account key or SAS token{format_note}",
        where=step.where,
    )
    _check_options(ctx, step, title)
    return aml.Monitor(
        name=name,
        description=f"Converted from SageMaker {title}",
        settings=settings,
        endpoint=endpoint.name,
        files={table_path: table},
        uploads=((table_path, ds.account_name, ds.container_name, f"{key.rstrip('/')}/MLTable"),),
    )


def _model_quality(ctx: Context, step: ir.Step, env: ir.Value, title: str) -> None:
    problem = ir.get(env, "problem_type")
    unknown = ("classification or regression", "the metrics of that type")
    model_type, metrics = PROBLEMS.get(problem, unknown) if isinstance(problem, str) else unknown
    attrs = ", ".join(
        f"{key} {expressions.describe(value)}"
        for key in ("inference_attribute", "probability_attribute", "ground_truth_attribute")
        if (value := ir.get(env, key)) is not None
    )
    endpoint = _endpoint(ctx, step)
    target = f"online deployment {endpoint.name}/{endpoint.deployment.name}" if endpoint else "an online deployment"
    ctx.diags.add(
        "SM2AML274",
        f"{title} gets no Azure ML model monitor: its counterpart, a model_performance signal (model type "
        f"{model_type}, metric_thresholds on {metrics}), compares the model_outputs {target} collects with ground "
        "truth joined on a correlation id, and the pipeline has no production ground truth (SageMaker merged "
        f"labels from S3{'; ' + attrs if attrs else ''}); register the labels as a data asset with the "
        "correlation id column and add the signal with reference_data data_context ground_truth",
        where=step.where,
    )
    if endpoint is not None:
        _collect(ctx, endpoint, step)


def _check_options(ctx: Context, step: ir.Step, title: str) -> None:
    """SkipCheck, RegisterNewBaseline and supplied baselines steer the pipeline run, not the monitor."""
    supplied = [k for k in ("SuppliedBaselineStatistics", "SuppliedBaselineConstraints") if step.extra.get(k)]
    flags = [k for k in ("SkipCheck", "RegisterNewBaseline") if step.extra.get(k) not in (None, False)]
    if supplied or flags:
        ctx.diags.add(
            "SM2AML209",
            f"{title}: {', '.join([*flags, *supplied])} steered which baseline each run checked against; the monitor "
            "always compares with the reference data (replace it to move the baseline)",
            where=step.where,
        )


def _endpoint(ctx: Context, step: ir.Step) -> aml.OnlineEndpoint | None:
    """The online endpoint of the model the check belongs to: its model package group, or the only one."""
    group = step.extra.get("ModelPackageGroupName")
    found = [e for e in ctx.online_endpoints.values() if isinstance(group, str) and e.tags.get("model") == group]
    if not found and len(ctx.online_endpoints) == 1:
        found = list(ctx.online_endpoints.values())
    return found[0] if len(found) == 1 else None


def _collect(ctx: Context, endpoint: aml.OnlineEndpoint, step: ir.Step) -> None:
    """Turn on the deployment's data collector (once)."""
    if endpoint.deployment.collections:
        return
    deployment = dataclasses.replace(endpoint.deployment, collections=COLLECTIONS)
    scripted = deployment.scoring_script is not None
    if scripted:  # the sm2aml scoring script hands each request's rows and answers to the Collector
        variables = {**deployment.environment_variables, "SM2AML_COLLECT": "1"}
        environment = _collecting(ctx, deployment.environment, step.where)
        deployment = dataclasses.replace(deployment, environment_variables=variables, environment=environment)
    ctx.online_endpoints[endpoint.name] = dataclasses.replace(endpoint, deployment=deployment)
    ready = deployment.environment.startswith("file:") and deployment.environment != endpoint.deployment.environment
    how = (
        f"the scoring script {deployment.scoring_script} hands each request's rows and answers to "
        "azureml-ai-monitoring's Collector (SM2AML_COLLECT=1)"
        + (
            f", which serving environment {deployment.environment.removeprefix('file:../environments/')} adds"
            if ready
            else ", which the serving environment must have (pip install azureml-ai-monitoring pandas)"
        )
        if scripted
        else "the MLflow deployment collects them itself"
    )
    ctx.diags.add(
        "SM2AML275",
        f"online deployment {endpoint.name}/{deployment.name} collects model_inputs and model_outputs "
        f"(data_collector) for the monitoring of step {step.name!r}, as the data assets "
        f"{endpoint.name}-{deployment.name}-model_inputs and -model_outputs: {how}",
        where=step.where,
    )


def _collecting(ctx: Context, environment: str, where: str) -> str:
    """The deployment's environment with what collection needs: a variant of a custom one, or for a curated one
    the stand-in of data/images.yaml `collecting` (unchanged, and said so, when there is none)."""
    from sm2aml.data import table
    from sm2aml.rules import endpoints, images

    if environment.startswith("file:../environments/"):  # deployments sit one folder below the components
        wider = endpoints.with_packages(
            ctx, environment.replace("file:../", "file:../../", 1), COLLECT_PACKAGES, "collecting", where
        )
        return wider.replace("file:../../", "file:../", 1)
    stand_ins: dict[str, Any] = table("images").get("collecting", {})
    curated = next((n for n in stand_ins if environment == images.CURATED.format(name=n)), None)
    if curated is None:
        return environment
    name = aml.snake(f"{ctx.options.prefix}{curated}-collecting")
    doc = {"name": "sm2aml", "channels": ["conda-forge"], "dependencies": stand_ins[curated]}
    ctx.environments.setdefault(
        name,
        aml.Environment(
            name=name,
            image=table("images")["base_image"],
            description=f"Curated {curated} for serving, with azureml-ai-monitoring for data collection",
            conda=yaml.safe_dump(doc, sort_keys=False),
        ),
    )
    return f"file:../environments/{name}.yml"


def _input_uri(step: ir.Step, input_name: str) -> ir.Value:
    items = ir.get(step.arguments, "ProcessingInputs")
    for item in items if isinstance(items, list) else []:
        if ir.get(item, "InputName") == input_name:
            return ir.get(item, "S3Input", "S3Uri")
    return None


def _fixed_uri(ctx: Context, value: ir.Value) -> tuple[str | None, str]:
    """The S3 URI a value always has (a literal, a parameter's default, a step output's fixed destination)."""
    match value:
        case str() if storage.split_s3(value):
            return value, "dataset"
        case ir.ParamRef(name=name):
            default = next((p.default for p in ctx.pipeline.parameters if p.name == name), None)
            if isinstance(default, str) and storage.split_s3(default):
                return default, f"dataset (default of parameter {name})"
        case ir.StepProp(step=producer, path=("ProcessingOutputConfig", "Outputs", str(output), "S3Output", "S3Uri")):
            source = next((s for s in ctx.pipeline.all_steps() if s.name == producer), None)
            outputs = ir.get(source.arguments, "ProcessingOutputConfig", "Outputs") if source else None
            for item in outputs if isinstance(outputs, list) else []:
                if ir.get(item, "OutputName") == output:
                    uri, _ = _fixed_uri(ctx, ir.get(item, "S3Output", "S3Uri"))
                    if uri is not None:
                        return uri, (
                            f"output {output!r} of step {producer!r} (the copy of its last SageMaker run; point the "
                            "reference at a newer copy when the data changes)"
                        )
    return None, ""


def _folder(uri: str) -> str:
    """The folder of a baseline: the URI itself, or the folder of a single file."""
    last = uri.rstrip("/").rsplit("/", 1)[-1]
    return uri.rsplit("/", 1)[0] + "/" if "." in last else uri.rstrip("/") + "/"


def _mltable(env: ir.Value, uri: str) -> tuple[str, str]:
    """The MLTable file that reads the baseline as SageMaker's dataset_format says; a note when it guesses."""
    raw = ir.get(env, "dataset_format")
    try:
        fmt = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        fmt = {}
    fmt = fmt if isinstance(fmt, dict) else {}
    last = uri.rstrip("/").rsplit("/", 1)[-1]
    note = ""
    reader: dict[str, dict[str, Any]]
    if "parquet" in fmt:
        pattern, reader = "*.parquet", {"read_parquet": {"include_path_column": False}}
    elif "json" in fmt:
        lines = bool((fmt.get("json") or {}).get("lines", True))
        pattern, reader = "*.json*", {"read_json_lines": {"include_path_column": False}}
        if not lines:
            note = "; the baseline is JSON without lines, which MLTable does not read: convert it to JSON lines"
    else:
        header = bool((fmt.get("csv") or {}).get("header", False))
        reader = {"read_delimited": {"delimiter": ",", "header": "all_files_same_headers" if header else "no_header"}}
        pattern = "*.csv"
        if not header:
            note = (
                "; the baseline CSV has no header, so its columns are Column1, Column2, … and the collected inputs "
                "must carry the same names (without the label column) to be compared"
            )
    paths = [{"file": f"./{last}"}] if "." in last else [{"pattern": f"./{pattern}"}]
    doc = {
        "$schema": "https://azuremlschemas.azureedge.net/latest/MLTable.schema.json",
        "type": "mltable",
        "paths": paths,
        "transformations": [reader],
    }
    return yaml.safe_dump(doc, sort_keys=False), note
