"""Table-driven tests of the mapping rules, each on a small definition built in the test."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sm2aml import aml, load
from sm2aml.config import Options
from sm2aml.rules import convert

SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"


def processing(name: str = "Prep", **arguments: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}},
        "AppSpecification": {
            "ImageUri": SKLEARN,
            "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/p.py"],
        },
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "out",
                    "S3Output": {
                        "S3Uri": "s3://b/out",
                        "LocalPath": "/opt/ml/processing/out",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
    }
    args.update(arguments)
    return {"Name": name, "Type": "Processing", "Arguments": args}


def training(name: str = "Train", **arguments: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "AlgorithmSpecification": {"TrainingImage": SKLEARN, "TrainingInputMode": "File"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "OutputDataConfig": {"S3OutputPath": "s3://b/models"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"sagemaker_program": '"train.py"'},
    }
    args.update(arguments)
    return {"Name": name, "Type": "Training", "Arguments": args}


def run(steps: list[dict[str, Any]], params: list[dict[str, Any]] | None = None, **options: Any):  # type: ignore[no-untyped-def]
    doc = {"Version": "2020-12-01", "Parameters": params or [], "Steps": steps}
    return convert(load(json.dumps(doc)), Options(**options))


def codes(diags: Any) -> set[str]:
    return set(diags.codes())


@pytest.mark.parametrize(
    ("image", "environment", "code"),
    [
        pytest.param(
            SKLEARN,
            "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
            "SM2AML310",
            id="sklearn-curated",
        ),
        pytest.param(
            "683313688378.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310",
            "azureml://registries/azureml/environments/acpt-pytorch-2.2-cuda12.1/labels/latest",
            "SM2AML310",
            id="pytorch-curated",
        ),
        pytest.param(
            "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
            "file:../../environments/sagemaker_xgboost_1_7.yml",
            "SM2AML310",
            id="xgboost-custom",
        ),
        pytest.param(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/feature-builder:v3",
            "file:../../environments/team_feature_builder.yml",
            "SM2AML304",
            id="private-ecr",
        ),
    ],
)
def test_images_become_environments(image: str, environment: str, code: str) -> None:
    step = processing(AppSpecification={"ImageUri": image, "ContainerEntrypoint": ["python3", "x.py"]})
    project, diags = run([step])
    assert project.components[0].environment == environment
    assert code in codes(diags)


def test_xgboost_environment_pins_the_image_version() -> None:
    image = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
    project, _ = run([processing(AppSpecification={"ImageUri": image, "ContainerEntrypoint": ["python3", "x.py"]})])
    (env,) = project.environments
    assert "xgboost==1.7.6" in (env.conda or "")


@pytest.mark.parametrize(
    ("instance_type", "sku", "code"),
    [
        pytest.param("ml.m5.xlarge", "Standard_D4s_v3", None, id="general"),
        pytest.param("ml.g4dn.xlarge", "Standard_NC4as_T4_v3", None, id="t4-gpu"),
        pytest.param("ml.p3.2xlarge", "Standard_NC6s_v3", None, id="v100-gpu"),
        pytest.param("ml.zz9.huge", None, "SM2AML303", id="unknown"),
    ],
)
def test_instance_types_become_vm_sizes(instance_type: str, sku: str | None, code: str | None) -> None:
    step = processing(ProcessingResources={"ClusterConfig": {"InstanceType": instance_type, "InstanceCount": 1}})
    project, diags = run([step])
    assert project.pipeline.nodes[0].instance_type == sku
    if code:
        assert code in codes(diags)


def test_instance_type_parameter_is_fixed_to_its_default_with_a_warning() -> None:
    step = processing(
        ProcessingResources={
            "ClusterConfig": {"InstanceType": {"Get": "Parameters.Itype"}, "InstanceCount": {"Get": "Parameters.Count"}}
        }
    )
    params = [
        {"Name": "Itype", "Type": "String", "DefaultValue": "ml.c5.2xlarge"},
        {"Name": "Count", "Type": "Integer", "DefaultValue": 3},
    ]
    project, diags = run([step], params)
    node = project.pipeline.nodes[0]
    assert (node.instance_type, node.instance_count) == ("Standard_F8s_v2", 3)
    assert diags.codes().count("SM2AML308") == 2


def test_clusters_option_emits_compute_definitions() -> None:
    project, _ = run([processing(), training()], compute="clusters")
    assert [c.size for c in project.computes] == ["Standard_D4s_v3"]
    assert {n.compute for n in project.pipeline.nodes} == {f"azureml:{project.computes[0].name}"}
    assert all(n.instance_type is None for n in project.pipeline.nodes)


def test_buckets_become_datastores_and_a_copy_plan() -> None:
    step = processing(
        ProcessingInputs=[
            {
                "InputName": "raw",
                "S3Input": {
                    "S3Uri": "s3://my.data.bucket/raw/2024/part.csv",
                    "LocalPath": "/opt/ml/processing/input/raw",
                },
            }
        ]
    )
    project, diags = run([step], storage_account="stacme")
    (ds,) = project.datastores
    assert (ds.name, ds.account_name, ds.container_name) == ("my_data_bucket", "stacme", "my-data-bucket")
    binding = project.pipeline.nodes[0].inputs["raw"]
    assert binding == aml.DataPath(type="uri_file", path="azureml://datastores/my_data_bucket/paths/raw/2024/part.csv")
    (copy,) = project.data_copies
    assert (copy.source, copy.prefix) == ("s3://my.data.bucket/raw", "raw")
    assert "SM2AML301" in codes(diags)


def test_roles_become_managed_identities_with_rbac() -> None:
    project, diags = run([processing(RoleArn="arn:aws:iam::1:role/service-role/DataSciRole")])
    (identity,) = project.identities
    assert identity.name == "id-data-sci-role"
    assert {r.role for r in identity.roles} >= {"AzureML Data Scientist", "Storage Blob Data Contributor"}
    assert project.pipeline.nodes[0].identity == "managed"
    assert "SM2AML302" in codes(diags)


@pytest.mark.parametrize(
    ("env", "kept", "code"),
    [
        pytest.param({"MODE": "fast"}, {"MODE": "fast"}, None, id="plain"),
        pytest.param({"API_TOKEN": "abc"}, {}, "SM2AML210", id="secret-name"),
        pytest.param({"CFG": "AKIAABCDEFGHIJKLMNOP"}, {}, "SM2AML210", id="aws-key-value"),
    ],
)
def test_environment_variables_and_secrets(env: dict[str, str], kept: dict[str, str], code: str | None) -> None:
    project, diags = run([processing(Environment=env)])
    assert project.pipeline.nodes[0].environment_variables == kept
    if code:
        assert code in codes(diags)
        assert "abc" not in json.dumps([d.message for d in diags])


def test_computed_environment_variable_goes_into_the_command() -> None:
    params = [{"Name": "Stage", "Type": "String", "DefaultValue": "prod"}]
    project, _ = run([processing(Environment={"STAGE": {"Get": "Parameters.Stage"}})], params)
    assert project.components[0].command.startswith("STAGE=${{inputs.stage}} python sm2aml_processing.py")


def test_depends_on_without_data_edge_becomes_an_ordering_output() -> None:
    second = processing("Second")
    second["DependsOn"] = ["First"]
    project, diags = run([processing("First"), second])
    first_comp = next(c for c in project.components if c.name == "first")
    assert "sm2aml_done" in first_comp.outputs
    assert "${{outputs.sm2aml_done}}" in first_comp.command
    node = next(n for n in project.pipeline.nodes if n.name == "second")
    assert node.inputs["after_first"] == aml.NodeOutput(node="first", output="sm2aml_done")
    assert "SM2AML403" in codes(diags)


def test_depends_on_with_a_data_edge_adds_nothing() -> None:
    second = processing(
        "Second",
        ProcessingInputs=[
            {
                "InputName": "x",
                "S3Input": {
                    "S3Uri": {"Get": "Steps.First.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"},
                    "LocalPath": "/opt/ml/processing/input/x",
                },
            }
        ],
    )
    second["DependsOn"] = ["First"]
    project, diags = run([processing("First"), second])
    assert all("sm2aml_done" not in c.outputs for c in project.components)
    assert "SM2AML403" not in codes(diags)


@pytest.mark.parametrize(
    ("cache", "deterministic"),
    [
        pytest.param({"Enabled": True, "ExpireAfter": "P1D"}, True, id="cached"),
        pytest.param({"Enabled": False}, False, id="disabled"),
        pytest.param(None, False, id="absent"),
    ],
)
def test_cache_config_sets_is_deterministic(cache: dict[str, Any] | None, deterministic: bool) -> None:
    step = processing()
    if cache is not None:
        step["CacheConfig"] = cache
    project, _ = run([step])
    assert project.components[0].is_deterministic is deterministic


def test_training_hyperparameters_become_typed_inputs_on_the_command_line() -> None:
    hps = {
        "sagemaker_program": '"train.py"',
        "epochs": "10",
        "lr": "0.01",
        "name": '"run one"',
        "flag": "true",
        "depth": {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Depth"}]}},
    }
    project, _ = run([training(HyperParameters=hps)], [{"Name": "Depth", "Type": "Integer", "DefaultValue": 4}])
    comp = project.components[0]
    assert {k: comp.inputs[k].type for k in ("epochs", "lr", "name", "flag", "depth")} == {
        "epochs": "integer",
        "lr": "number",
        "name": "string",
        "flag": "boolean",
        "depth": "integer",
    }
    assert "--entry-point train.py" in comp.command
    assert "--hp epochs=${{inputs.epochs}}" in comp.command and "--hp 'name=${{inputs.name}}'" in comp.command
    node = project.pipeline.nodes[0]
    assert node.inputs["name"] == aml.Literal(value="run one")
    assert node.inputs["depth"] == aml.ParentInput(name="depth")
    assert node.timeout == 3600


def test_training_model_artifacts_feed_downstream_steps() -> None:
    consumer = processing(
        "Eval",
        ProcessingInputs=[
            {
                "InputName": "model",
                "S3Input": {
                    "S3Uri": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"},
                    "LocalPath": "/opt/ml/processing/model",
                },
            }
        ],
    )
    project, _ = run([training(), consumer])
    node = next(n for n in project.pipeline.nodes if n.name == "eval")
    assert node.inputs["model"] == aml.NodeOutput(node="train", output="model_artifacts")


def test_built_in_algorithm_training_is_a_reported_placeholder() -> None:
    project, diags = run([training(HyperParameters={"num_round": "50"})])
    assert "exit 1" in project.components[0].command
    assert "SM2AML205" in codes(diags)
    assert project.outcomes[0].outcome == "manual"


def test_metric_definitions_go_to_the_launcher_with_mlflow_names() -> None:
    metrics = [{"Name": "rmse", "Regex": "rmse=(.*)"}, {"Name": "val#acc", "Regex": r"acc: (\d+)"}]
    algo = {"TrainingImage": SKLEARN, "MetricDefinitions": metrics}
    project, diags = run([training(AlgorithmSpecification=algo)])
    (diag,) = [d for d in diags if d.code == "SM2AML206"]
    assert "rmse, val_acc" in diag.message and "--add-metric-logging" in diag.hint
    (renamed,) = [d for d in diags if d.code == "SM2AML223"]
    assert renamed.where.endswith("/MetricDefinitions/1/Name")
    (component,) = project.components
    assert "--metrics sm2aml_metrics.json" in component.command
    assert json.loads(component.src_files["sm2aml_metrics.json"]) == [
        {"Name": "rmse", "Regex": "rmse=(.*)"},
        {"Name": "val_acc", "Regex": r"acc: (\d+)"},
    ]
    (plain,) = run([training()])[0].components
    assert "--metrics" not in plain.command and "sm2aml_metrics.json" not in plain.src_files


@pytest.mark.parametrize(
    "step_type",
    ["Mystery"],  # AWS-only types have their own codes: tests/rules/test_aws_only.py
)
def test_other_step_types_are_reported_never_dropped(step_type: str) -> None:
    project, diags = run([{"Name": "S", "Type": step_type, "Arguments": {}}])
    assert [(o.step, o.outcome) for o in project.outcomes] == [("S", "manual")]
    assert any(d.code == "SM2AML201" and "'S'" in d.message for d in diags)


def test_consumers_of_unconverted_steps_get_a_stand_in_input() -> None:
    consumer = processing(
        "Use",
        ProcessingInputs=[
            {
                "InputName": "m",
                "S3Input": {
                    "S3Uri": {"Get": "Steps.Score.TransformOutput.S3OutputPath"},
                    "LocalPath": "/opt/ml/processing/m",
                },
            }
        ],
    )
    project, diags = run([{"Name": "Score", "Type": "Mystery", "Arguments": {}}, consumer])
    node = project.pipeline.nodes[0]
    assert isinstance(node.inputs["m"], aml.ParentInput)
    assert node.inputs["m"].name in project.pipeline.inputs
    assert "SM2AML404" in codes(diags)


def test_condition_branches_become_gated_nodes() -> None:
    cond = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 1}],
            "IfSteps": [processing("Inner")],
            "ElseSteps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "no"}}],
        },
    }
    project, _ = run([cond])
    assert {(o.step, o.node) for o in project.outcomes} == {("Check", "check"), ("Inner", "inner"), ("Stop", "stop")}
    commands = {c.name: c.command for c in project.components}
    assert commands["inner"].startswith('if [ "$(cat ${{inputs.gate_check}}/outcome 2>/dev/null)" = "true" ]; then ')
    assert commands["stop"].startswith('if [ "$(cat ${{inputs.gate_check}}/outcome 2>/dev/null)" = "false" ]; then ')
    assert "exit 1" in commands["stop"]


def test_execution_variables_in_arguments_are_approximated() -> None:
    app = {
        "ImageUri": SKLEARN,
        "ContainerEntrypoint": ["python3", "p.py"],
        "ContainerArguments": ["--run", {"Get": "Execution.PipelineExecutionId"}],
    }
    project, diags = run([processing(AppSpecification=app)])
    assert '--run "${AZUREML_ROOT_RUN_ID:-local}"' in project.components[0].command
    assert "SM2AML401" in codes(diags)


def test_names_are_legal_and_unique() -> None:
    project, _ = run([processing("Prep-Data"), processing("prep_data"), processing("PrepData")])
    assert [n.name for n in project.pipeline.nodes] == ["prep_data", "prep_data_2", "prep_data_3"]
    assert all(aml.NODE_NAME.match(n.name) for n in project.pipeline.nodes)


def test_a_variable_that_looks_like_a_binding_is_set_in_the_command() -> None:
    """Azure ML reads ${{…}} in a node's environment_variables as a binding; the command quotes it as text."""
    env = {"PLAIN": "x", "TEMPLATE": "a ${{inputs.x}} b", "": "${{y}}"}
    project, diags = run([training(Environment=env)])
    (node,) = project.pipeline.nodes
    (component,) = project.components
    assert node.environment_variables == {"PLAIN": "x"}
    assert component.command.startswith("TEMPLATE='a $''{{inputs.x}} b' python ")
    assert [d.where.rsplit("/", 1)[-1] for d in diags if d.code == "SM2AML209" and "cannot be set" in d.message] == [""]
