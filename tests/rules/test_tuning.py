"""TuningStep → sweep node: one table per mapping (strategy, ranges, limits, objective, early stopping, outputs)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from sm2aml import aml, emit, load, write
from sm2aml.config import Options
from sm2aml.rules import convert
from sm2aml.validate import validate

SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = "arn:aws:iam::111122223333:role/SageMakerRole"
LR = {"Name": "learning-rate", "MinValue": "0.001", "MaxValue": "0.1", "ScalingType": "Linear"}
DEPTH = {"Name": "max-depth", "MinValue": "2", "MaxValue": "8", "ScalingType": "Auto"}
LOSS = {"Name": "loss", "Values": ['"log_loss"', '"exponential"']}


def tuning(
    name: str = "Tune",
    *,
    continuous: list[dict[str, Any]] | None = None,
    integer: list[dict[str, Any]] | None = None,
    categorical: list[dict[str, Any]] | None = None,
    **config: Any,
) -> dict[str, Any]:
    """A Tuning step in the shape the SageMaker SDK writes (TuningStep over a script-mode estimator)."""
    ranges = {
        "ContinuousParameterRanges": [LR] if continuous is None else continuous,
        "IntegerParameterRanges": [DEPTH] if integer is None else integer,
        "CategoricalParameterRanges": [LOSS] if categorical is None else categorical,
    }
    settings: dict[str, Any] = {
        "Strategy": "Random",
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 10, "MaxParallelTrainingJobs": 2},
        "TrainingJobEarlyStoppingType": "Off",
        "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
        "ParameterRanges": ranges,
    }
    settings.update(config)
    return {
        "Name": name,
        "Type": "Tuning",
        "Arguments": {
            "HyperParameterTuningJobConfig": {k: v for k, v in settings.items() if v is not None},
            "TrainingJobDefinition": {
                "StaticHyperParameters": {
                    "n-estimators": "200",
                    "sagemaker_program": '"train.py"',
                    "sagemaker_submit_directory": '"s3://b/code/sourcedir.tar.gz"',
                },
                "RoleArn": ROLE,
                "OutputDataConfig": {"S3OutputPath": "s3://b/tuning"},
                "StoppingCondition": {"MaxRuntimeInSeconds": 1800},
                "HyperParameterTuningResourceConfig": {
                    "InstanceCount": 1,
                    "InstanceType": "ml.m5.xlarge",
                    "VolumeSizeInGB": 30,
                },
                "AlgorithmSpecification": {
                    "TrainingInputMode": "File",
                    "TrainingImage": SKLEARN,
                    "MetricDefinitions": [{"Name": "validation:auc", "Regex": "auc: ([0-9.]+)"}],
                },
                "InputDataConfig": [
                    {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3Uri": "s3://b/data/train"}}}
                ],
            },
        },
    }


def reader(uri: Any, name: str = "Inspect") -> dict[str, Any]:
    """A processing step reading one data location."""
    return {
        "Name": name,
        "Type": "Processing",
        "Arguments": {
            "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1}},
            "AppSpecification": {"ImageUri": SKLEARN, "ContainerEntrypoint": ["python3", "inspect.py"]},
            "ProcessingInputs": [
                {"InputName": "model", "S3Input": {"S3Uri": uri, "LocalPath": "/opt/ml/processing/model"}}
            ],
        },
    }


def top_model(top_k: int, step: str = "Tune") -> dict[str, Any]:
    """What TuningStep.get_top_model_s3_uri(top_k, s3_bucket="b", prefix="tuning") writes."""
    job = {"Get": f"Steps.{step}.TrainingJobSummaries[{top_k}].TrainingJobName"}
    return {"Std:Join": {"On": "/", "Values": ["s3:/", "b", "tuning", job, "output/model.tar.gz"]}}


def run(steps: list[dict[str, Any]], params: list[dict[str, Any]] | None = None, **options: Any):  # type: ignore[no-untyped-def]
    doc = {"Version": "2020-12-01", "Parameters": params or [], "Steps": steps}
    return convert(load(json.dumps(doc)), Options(**options))


def sweep(steps: list[dict[str, Any]], params: list[dict[str, Any]] | None = None, **options: Any):  # type: ignore[no-untyped-def]
    """The converted project, its findings and its sweep node."""
    project, diags = run(steps, params, **options)
    node = next(n for n in project.pipeline.nodes if n.kind == "sweep")
    return project, diags, node


def messages(diags: Any, code: str) -> list[str]:
    return [d.message for d in diags if d.code == code]


# --- strategy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "sampling", "early", "code"),
    [
        pytest.param({"Strategy": "Random"}, "random", None, None, id="random"),
        pytest.param({"Strategy": "Bayesian"}, "bayesian", None, None, id="bayesian"),
        pytest.param({"Strategy": None}, "bayesian", None, None, id="missing-is-bayesian"),
        pytest.param({"Strategy": "Grid", "continuous": []}, "grid", None, None, id="grid"),
        pytest.param({"Strategy": "Grid"}, "random", None, "SM2AML220", id="grid-with-continuous-is-random"),
        pytest.param(
            {
                "Strategy": "Hyperband",
                "StrategyConfig": {"HyperbandStrategyConfig": {"MinResource": 3, "MaxResource": 30}},
            },
            "random",
            {"type": "bandit", "slack_factor": 0.1, "evaluation_interval": 1, "delay_evaluation": 3},
            "SM2AML220",
            id="hyperband-is-random-with-bandit",
        ),
        pytest.param({"Strategy": "Annealing"}, "random", None, "SM2AML220", id="unknown-is-random"),
    ],
)
def test_strategy_becomes_a_sampling_algorithm(
    config: dict[str, Any], sampling: str, early: dict[str, Any] | None, code: str | None
) -> None:
    _, diags, node = sweep([tuning(**config)])
    assert node.settings["sampling_algorithm"] == sampling
    assert node.settings.get("early_termination") == early
    assert ("SM2AML220" in diags.codes()) == (code == "SM2AML220")


def test_random_seed_is_kept_for_random_sampling_only() -> None:
    _, _, node = sweep([tuning(RandomSeed=7)])
    assert node.settings["sampling_algorithm"] == {"type": "random", "seed": 7}
    _, diags, node = sweep([tuning(Strategy="Bayesian", RandomSeed=7)])
    assert node.settings["sampling_algorithm"] == "bayesian"
    assert any("RandomSeed" in m for m in messages(diags, "SM2AML209"))


# --- continuous ranges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scaling", "strategy", "distribution", "approximated"),
    [
        pytest.param("Linear", "Random", {"type": "uniform", "min_value": 0.001, "max_value": 0.1}, False, id="linear"),
        pytest.param("Auto", "Random", {"type": "uniform", "min_value": 0.001, "max_value": 0.1}, False, id="auto"),
        pytest.param(
            "Logarithmic",
            "Random",
            {"type": "loguniform", "min_value": math.log(0.001), "max_value": math.log(0.1)},
            False,
            id="log-is-loguniform-of-natural-logs",
        ),
        pytest.param(
            "Logarithmic",
            "Bayesian",
            {"type": "uniform", "min_value": 0.001, "max_value": 0.1},
            True,
            id="log-under-bayesian-is-uniform",
        ),
        pytest.param(
            "ReverseLogarithmic",
            "Random",
            {"type": "uniform", "min_value": 0.001, "max_value": 0.1},
            True,
            id="reverse-log-is-uniform",
        ),
    ],
)
def test_continuous_scaling_types(
    scaling: str, strategy: str, distribution: dict[str, Any], approximated: bool
) -> None:
    _, diags, node = sweep([tuning(Strategy=strategy, continuous=[{**LR, "ScalingType": scaling}])])
    assert node.settings["search_space"]["learning_rate"] == distribution
    assert any("learning-rate" in m for m in messages(diags, "SM2AML221")) == approximated


def test_loguniform_bounds_are_the_logs_of_the_sagemaker_bounds() -> None:
    _, _, node = sweep([tuning(continuous=[{**LR, "ScalingType": "Logarithmic"}])])
    space = node.settings["search_space"]["learning_rate"]
    assert math.exp(space["min_value"]) == pytest.approx(0.001)
    assert math.exp(space["max_value"]) == pytest.approx(0.1)


# --- integer ranges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "strategy", "distribution", "approximated"),
    [
        pytest.param(0, 9, "Random", {"type": "randint", "upper": 10}, False, id="from-zero-randint-exclusive-upper"),
        pytest.param(2, 8, "Random", {"type": "choice", "values": [2, 3, 4, 5, 6, 7, 8]}, False, id="small-choice"),
        pytest.param(2, 4, "Grid", {"type": "choice", "values": [2, 3, 4]}, False, id="grid-choice"),
        pytest.param(0, 3, "Bayesian", {"type": "choice", "values": [0, 1, 2, 3]}, True, id="bayesian-no-randint"),
        pytest.param(
            1, 500, "Random", {"type": "quniform", "min_value": 1, "max_value": 500, "q": 1}, True, id="wide-quniform"
        ),
    ],
)
def test_integer_bounds(low: int, high: int, strategy: str, distribution: dict[str, Any], approximated: bool) -> None:
    depth = {**DEPTH, "MinValue": str(low), "MaxValue": str(high)}
    _, diags, node = sweep([tuning(Strategy=strategy, continuous=[], integer=[depth])])
    assert node.settings["search_space"]["max_depth"] == distribution
    assert any("max-depth" in m for m in messages(diags, "SM2AML221")) == approximated


def test_integer_log_scaling_is_reported() -> None:
    depth = {**DEPTH, "ScalingType": "Logarithmic"}
    _, diags, node = sweep([tuning(integer=[depth])])
    assert node.settings["search_space"]["max_depth"]["type"] == "choice"
    assert any("Logarithmic scaling is not kept" in m for m in messages(diags, "SM2AML221"))


# --- categorical ranges --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "port_type", "choices"),
    [
        pytest.param(['"log_loss"', '"exponential"'], "string", ["log_loss", "exponential"], id="json-strings"),
        pytest.param(["gbtree", "dart"], "string", ["gbtree", "dart"], id="plain-strings"),
        pytest.param(["1", "3", "5"], "integer", [1, 3, 5], id="integers"),
        pytest.param(["0.1", "1"], "number", [0.1, 1], id="numbers"),
        pytest.param(["true", "maybe"], "string", ["true", "maybe"], id="mixed-stays-text"),
    ],
)
def test_categorical_values_are_typed(values: list[str], port_type: str, choices: list[Any]) -> None:
    project, _, node = sweep([tuning(categorical=[{"Name": "loss", "Values": values}])])
    assert node.settings["search_space"]["loss"] == {"type": "choice", "values": choices}
    component = next(c for c in project.components if c.name == node.component)
    assert component.inputs["loss"].type == port_type


def test_categorical_value_from_a_parameter_is_fixed_to_its_default() -> None:
    params = [{"Name": "Booster", "Type": "String", "DefaultValue": "dart"}]
    values = ["gbtree", {"Get": "Parameters.Booster"}]
    _, diags, node = sweep([tuning(categorical=[{"Name": "booster", "Values": values}])], params)
    assert node.settings["search_space"]["booster"] == {"type": "choice", "values": ["gbtree", "dart"]}
    assert any("Booster" in m for m in messages(diags, "SM2AML224"))


# --- objective -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("objective", "expected", "renamed"),
    [
        pytest.param(
            {"Type": "Maximize", "MetricName": "validation:auc"},
            {"goal": "maximize", "primary_metric": "validation:auc"},
            False,
            id="maximize-colon-kept",
        ),
        pytest.param(
            {"Type": "Minimize", "MetricName": "valid-rmse"},
            {"goal": "minimize", "primary_metric": "valid-rmse"},
            False,
            id="minimize",
        ),
        pytest.param(
            {"Type": "Minimize", "MetricName": "loss (avg)"},
            {"goal": "minimize", "primary_metric": "loss _avg_"},
            True,
            id="renamed-for-mlflow",
        ),
    ],
)
def test_objective(objective: dict[str, str], expected: dict[str, str], renamed: bool) -> None:
    _, diags, node = sweep([tuning(HyperParameterTuningJobObjective=objective)])
    assert node.settings["objective"] == expected
    assert ("SM2AML223" in diags.codes()) == renamed
    metrics = next(d for d in diags if d.code == "SM2AML206")
    assert f"MLflow metric {expected['primary_metric']!r}" in metrics.hint


def test_missing_objective_is_an_error_and_no_node() -> None:
    project, diags = run([tuning(HyperParameterTuningJobObjective=None)])
    assert project.pipeline.nodes == ()
    assert any("objective" in m for m in messages(diags, "SM2AML228"))
    assert [(o.step, o.outcome) for o in project.outcomes] == [("Tune", "manual")]


# --- limits ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "limits", "code"),
    [
        pytest.param(
            {"ResourceLimits": {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 4}},
            {"max_total_trials": 20, "max_concurrent_trials": 4, "trial_timeout": 1800},
            None,
            id="counts-and-trial-timeout",
        ),
        pytest.param(
            {
                "ResourceLimits": {
                    "MaxNumberOfTrainingJobs": 5,
                    "MaxParallelTrainingJobs": 1,
                    "MaxRuntimeInSeconds": 7200,
                }
            },
            {"max_total_trials": 5, "max_concurrent_trials": 1, "timeout": 7200, "trial_timeout": 1800},
            None,
            id="tuning-timeout",
        ),
        pytest.param(
            {"ResourceLimits": {"MaxNumberOfTrainingJobs": {"Get": "Parameters.Jobs"}, "MaxParallelTrainingJobs": 2}},
            {"max_total_trials": 12, "max_concurrent_trials": 2, "trial_timeout": 1800},
            "SM2AML224",
            id="parameter-fixed-to-default",
        ),
        pytest.param(
            {"Strategy": "Grid", "continuous": [], "ResourceLimits": {"MaxParallelTrainingJobs": 2}},
            {"max_total_trials": 14, "max_concurrent_trials": 2, "trial_timeout": 1800},
            None,
            id="grid-size-when-unset",
        ),
    ],
)
def test_limits(config: dict[str, Any], limits: dict[str, int], code: str | None) -> None:
    params = [{"Name": "Jobs", "Type": "Integer", "DefaultValue": 12}]
    _, diags, node = sweep([tuning(**config)], params)
    assert node.settings["limits"] == limits
    assert node.timeout is None  # the trial's limit is in the sweep's limits, not a command timeout
    assert ("SM2AML224" in diags.codes()) == (code == "SM2AML224")


def test_range_bound_from_a_parameter_is_fixed_to_its_default() -> None:
    params = [{"Name": "MaxLr", "Type": "Float", "DefaultValue": 0.5}]
    lr = {**LR, "MaxValue": {"Get": "Parameters.MaxLr"}}
    _, diags, node = sweep([tuning(continuous=[lr])], params)
    assert node.settings["search_space"]["learning_rate"]["max_value"] == 0.5
    assert any("MaxLr" in m for m in messages(diags, "SM2AML224"))


# --- early stopping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stopping", "strategy", "policy", "reported"),
    [
        pytest.param(
            "Auto",
            "Random",
            {"type": "median_stopping", "evaluation_interval": 1, "delay_evaluation": 5},
            True,
            id="auto-is-median-stopping",
        ),
        pytest.param("Auto", "Bayesian", None, True, id="auto-dropped-under-bayesian"),
        pytest.param("Off", "Random", None, False, id="off"),
    ],
)
def test_early_stopping(stopping: str, strategy: str, policy: dict[str, Any] | None, reported: bool) -> None:
    _, diags, node = sweep([tuning(Strategy=strategy, TrainingJobEarlyStoppingType=stopping)])
    assert node.settings.get("early_termination") == policy
    assert ("SM2AML222" in diags.codes()) == reported


# --- the trial ----------------------------------------------------------------------------------------


def test_trial_is_the_training_component_with_tuned_inputs_left_to_the_search_space() -> None:
    project, _, node = sweep([tuning()])
    component = next(c for c in project.components if c.name == node.component)
    assert node.kind == "sweep" and component.kind == "command"
    assert set(node.settings["search_space"]) == {"learning_rate", "max_depth", "loss"}
    for key in node.settings["search_space"]:
        assert component.inputs[key].default is None
        assert key not in node.inputs  # Azure ML fills it from the search space
    assert node.inputs["n_estimators"] == aml.Literal(value=200)
    assert "--hp learning-rate=${{inputs.learning_rate}}" in component.command
    assert "--hp 'loss=${{inputs.loss}}'" in component.command
    assert "--hp n-estimators=${{inputs.n_estimators}}" in component.command
    assert node.instance_type == "Standard_D4s_v3"
    assert {"model", "model_artifacts", "output_data", "output_archive"} <= set(component.outputs)


def test_identity_and_environment_variables_are_not_left_on_the_sweep_node() -> None:
    step = tuning()
    step["Arguments"]["TrainingJobDefinition"]["Environment"] = {"MODE": "fast run"}
    project, diags, node = sweep([step])
    component = next(c for c in project.components if c.name == node.component)
    assert node.identity is None and node.environment_variables == {}
    assert component.command.startswith("MODE='fast run' python sm2aml_training.py")
    assert any("identity" in m for m in messages(diags, "SM2AML226"))


def test_several_training_definitions_convert_the_first() -> None:
    step = tuning()
    args = step["Arguments"]
    config = args["HyperParameterTuningJobConfig"]
    first = args.pop("TrainingJobDefinition")
    first.update(
        DefinitionName="gb",
        TuningObjective=config.pop("HyperParameterTuningJobObjective"),
        HyperParameterRanges=config.pop("ParameterRanges"),
    )
    second = copy.deepcopy(first)
    second["DefinitionName"] = "rf"
    args["TrainingJobDefinitions"] = [first, second]
    _, diags, node = sweep([step])
    assert node.settings["objective"]["primary_metric"] == "validation:auc"
    assert set(node.settings["search_space"]) == {"learning_rate", "max_depth", "loss"}
    assert any("gb, rf" in m for m in messages(diags, "SM2AML227"))


def test_built_in_algorithm_trial_is_a_reported_placeholder() -> None:
    step = tuning()
    definition = step["Arguments"]["TrainingJobDefinition"]
    definition["AlgorithmSpecification"]["TrainingImage"] = XGBOOST
    definition["StaticHyperParameters"] = {"num_round": "100"}
    project, diags, node = sweep([step])
    component = next(c for c in project.components if c.name == node.component)
    assert set(node.settings["search_space"]) <= set(component.inputs)
    assert "SM2AML205" in diags.codes()
    assert [o.outcome for o in project.outcomes] == ["manual"]


def test_clusters_are_sized_for_the_concurrent_trials() -> None:
    project, _, node = sweep(
        [tuning(ResourceLimits={"MaxNumberOfTrainingJobs": 9, "MaxParallelTrainingJobs": 3})], compute="clusters"
    )
    cluster = next(c for c in project.computes if f"azureml:{c.name}" == node.compute)
    assert cluster.max_instances == 3


# --- outputs downstream ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        pytest.param(top_model(0), id="get-top-model-s3-uri-0"),
        pytest.param(
            {
                "Std:Join": {
                    "On": "/",
                    "Values": [
                        "s3://b/tuning",
                        {"Get": "Steps.Tune.BestTrainingJob.TrainingJobName"},
                        "output",
                        "model.tar.gz",
                    ],
                }
            },
            id="best-training-job",
        ),
    ],
)
def test_best_model_binds_to_the_sweep_output(uri: Any) -> None:
    project, diags = run([tuning(), reader(uri)])
    consumer = next(n for n in project.pipeline.nodes if n.kind == "command")
    assert consumer.inputs["model"] == aml.NodeOutput(node="tune", output="model_artifacts")
    assert not {"SM2AML402", "SM2AML404", "SM2AML225"} & set(diags.codes())


def test_lower_ranked_model_gets_a_stand_in_input() -> None:
    project, diags = run([tuning(), reader(top_model(2))])
    consumer = next(n for n in project.pipeline.nodes if n.kind == "command")
    stand_in = consumer.inputs["model"]
    assert isinstance(stand_in, aml.ParentInput)
    assert project.pipeline.inputs[stand_in.name].path is None
    assert any("TrainingJobSummaries[2]" in m and "best trial" in m for m in messages(diags, "SM2AML225"))


# --- what Azure ML accepts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"Strategy": "Random", "TrainingJobEarlyStoppingType": "Auto", "RandomSeed": 3}, id="random"),
        pytest.param({"Strategy": "Bayesian", "integer": [{**DEPTH, "MinValue": "1", "MaxValue": "400"}]}, id="bayes"),
        pytest.param({"Strategy": "Grid", "continuous": []}, id="grid"),
        pytest.param(
            {
                "Strategy": "Hyperband",
                "integer": [{**DEPTH, "MinValue": "0"}],
                "continuous": [{**LR, "ScalingType": "Logarithmic"}],
            },
            id="hyperband",
        ),
    ],
)
def test_emitted_sweep_passes_azure_validation(config: dict[str, Any], tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    project, _ = run([tuning(**config), reader(top_model(0))])
    write(emit(project), tmp_path / "out")
    assert [d.one_line() for d in validate(tmp_path / "out", azure=True)] == []
