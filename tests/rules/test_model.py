"""Model, RegisterModel and the SDK's repack step: what each becomes, table by table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.rules.model_steps import (
    ARTIFACTS,
    CODE,
    ROLE,
    SKLEARN,
    component,
    container,
    create_model,
    emitted_findings,
    evaluate,
    messages,
    node,
    register,
    run,
    training,
    transform,
)

from sm2aml import aml, emit
from sm2aml.rules import endpoints, model


def test_registration_node_registers_the_training_model_folder_with_tags_and_metrics() -> None:
    project, diags = run([training(), evaluate(), register()])
    reg = node(project, "r_register_model")
    comp = component(project, "r_register_model")
    assert reg.inputs["model"] == aml.NodeOutput(node="train", output="model")  # the folder, not model.tar.gz
    assert reg.inputs["model_quality_statistics"] == aml.NodeOutput(node="evaluate", output="evaluation")
    assert reg.inputs["model_approval_status"] == aml.ParentInput(name="model_approval_status")
    assert comp.environment == model.REGISTRY_ENVIRONMENT
    assert comp.command == (
        "python sm2aml_register.py --name housing-models --model ${{inputs.model}} "
        "--output ${{outputs.registration}} --program inference.py "
        "--tag approval_status=${{inputs.model_approval_status}} "
        f"--tag sagemaker_image={SKLEARN} --tag sagemaker_program=inference.py "
        "--tag content_types=text/csv --tag response_types=text/csv "
        "--metric model_quality_statistics=${{inputs.model_quality_statistics}}/evaluation.json"
    )
    assert "sm2aml_register.py" in comp.src_files
    assert (comp.name, CODE) in {(c.component, c.uri) for c in project.code_sources}
    assert {"SM2AML230", "SM2AML231", "SM2AML236"} <= set(diags.codes())
    (outcome,) = [o for o in project.outcomes if o.step == "R-RegisterModel"]
    assert (outcome.node, outcome.outcome) == ("r_register_model", "approximate")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        pytest.param(
            {"ModelApprovalStatus": "Approved", "ModelPackageDescription": "It's good"},
            ["--description 'It'\"'\"'s good'", "--tag approval_status=Approved"],
            id="literal-status-and-description",
        ),
        pytest.param(
            {"CustomerMetadataProperties": {"team": "pricing", "run": {"Get": "Execution.PipelineExecutionArn"}}},
            ["--tag team=pricing", '--tag run="${AZUREML_ROOT_RUN_ID:-local}"'],
            id="customer-metadata-becomes-tags",
        ),
        pytest.param(
            {"ModelPackageGroupName": "Group With Spaces/and#more"},
            ["--name Group-With-Spaces-and-more"],
            id="group-name-made-legal",
        ),
        pytest.param(
            {
                "DriftCheckBaselines": {
                    "ModelQuality": {"Constraints": {"S3Uri": "s3://b/baseline/constraints.json"}},
                }
            },
            ["--metric drift_model_quality_constraints=${{inputs.drift_model_quality_constraints}}"],
            id="drift-baselines-are-metrics-files",
        ),
    ],
)
def test_registration_command_words(arguments: dict[str, Any], expected: list[str]) -> None:
    project, _ = run([training(), evaluate(), register(**arguments)])
    command = component(project, "r_register_model").command
    for word in expected:
        assert word in command


def test_group_name_from_a_parameter_is_read_at_run_time_and_endpoints_use_its_default() -> None:
    group = [{"Name": "Group", "Type": "String", "DefaultValue": "prod-models"}]
    step = register(ModelPackageGroupName={"Get": "Parameters.Group"})
    project, _ = run([training(), evaluate(), step], group)
    assert "--name ${{inputs.group}}" in component(project, "r_register_model").command
    assert node(project, "r_register_model").inputs["group"] == aml.ParentInput(name="group")
    assert [e.deployment.model for e in project.online_endpoints] == ["azureml:prod-models@latest"]


def test_literal_model_data_is_registered_from_the_datastore_and_gets_a_model_yaml() -> None:
    spec = {
        "Containers": [container(data="s3://b/models/v3/model.tar.gz")],
        "SupportedContentTypes": ["text/csv"],
    }
    project, diags = run([register(InferenceSpecification=spec, ModelApprovalStatus="Approved", ModelMetrics={})])
    assert node(project, "r_register_model").inputs["model"] == aml.DataPath(
        type="uri_file", path="azureml://datastores/b/paths/models/v3/model.tar.gz"
    )
    (asset,) = project.models
    assert (asset.name, asset.path, asset.stage, asset.tags) == (
        "housing-models",
        "azureml://datastores/b/paths/models/v3/model.tar.gz",
        "Production",
        {"approval_status": "Approved"},
    )
    assert "SM2AML243" in diags.codes()
    assert project.online_endpoints == ()  # no realtime instance types, no endpoint


def test_literal_metrics_uri_below_a_step_output_is_read_from_that_output() -> None:
    metrics = {"ModelQuality": {"Statistics": {"S3Uri": "s3://b/eval/reports/evaluation.json"}}}
    project, diags = run([training(), evaluate(destination="s3://b/eval"), register(ModelMetrics=metrics)])
    reg = node(project, "r_register_model")
    assert reg.inputs["model_quality_statistics"] == aml.NodeOutput(node="evaluate", output="evaluation")
    assert "${{inputs.model_quality_statistics}}/reports/evaluation.json" in component(project, reg.name).command
    assert messages(diags, "SM2AML245")


@pytest.mark.parametrize(
    ("instance_types", "size", "mapped"),
    [
        pytest.param(["ml.m5.large"], "Standard_D2as_v4", True, id="dsv3-becomes-dasv4"),
        pytest.param(["ml.c5.xlarge"], "Standard_F4s_v2", False, id="fsv2-accepted"),
        pytest.param(["ml.t2.medium", "ml.m5.xlarge"], "Standard_DS2_v2", False, id="first-accepted-wins"),
        pytest.param(["ml.g5.xlarge"], "Standard_NC24ads_A100_v4", True, id="a10-stands-in-as-a100"),
        pytest.param(["ml.inf1.xlarge"], None, True, id="unknown-type-no-endpoint"),
    ],
)
def test_realtime_instance_types_pick_an_endpoint_size(
    instance_types: list[str], size: str | None, mapped: bool
) -> None:
    spec = {"Containers": [container()], "SupportedRealtimeInferenceInstanceTypes": instance_types}
    project, diags = run([training(), register(InferenceSpecification=spec, ModelMetrics={})])
    assert [e.deployment.instance_type for e in project.online_endpoints] == ([size] if size else [])
    assert ("SM2AML237" in diags.codes()) is mapped


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("Standard_DS3_v2", "Standard_DS3_v2"),
        ("Standard_D16s_v5", "Standard_D16as_v4"),
        ("Standard_E8s_v3", "Standard_E8s_v3"),
        ("Standard_NC6s_v3", "Standard_NC6s_v3"),
        ("Standard_NC4as_T4_v3", "Standard_NC4as_T4_v3"),
        ("Standard_ND96asr_v4", "Standard_ND96asr_v4"),
        ("Standard_M128s", None),
    ],
)
def test_endpoint_sizes(size: str, expected: str | None) -> None:
    assert endpoints.endpoint_size(size) == expected


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("housing-models", "housing-models"),
        ("2024_models", "models"),
        ("ab", "ab-endpoint"),
        ("a" * 40, "a" * 32),
        ("Model.Package_Group", "Model-Package-Group"),
    ],
)
def test_endpoint_names_are_legal(group: str, expected: str) -> None:
    project, _ = run([training(), register(ModelPackageGroupName=group, ModelMetrics={})])
    assert [e.name for e in project.online_endpoints] == [expected]


def test_two_packages_of_one_group_get_two_endpoints() -> None:
    steps = [training(), register("A-RegisterModel", ModelMetrics={}), register("B-RegisterModel", ModelMetrics={})]
    project, _ = run(steps)
    assert [e.name for e in project.online_endpoints] == ["housing-models", "housing-models-2"]


def test_endpoint_deployment_serves_the_latest_registered_version_with_the_inference_script() -> None:
    project, _ = run([training(), evaluate(), register()])
    (endpoint,) = project.online_endpoints
    d = endpoint.deployment
    assert (d.model, d.scoring_script, d.instance_count) == ("azureml:housing-models@latest", "sm2aml_inference.py", 1)
    assert d.environment == "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
    assert d.environment_variables == {
        "SAGEMAKER_PROGRAM": "inference.py",
        "SM2AML_ACCEPT": "text/csv",
        "SM2AML_CONTENT_TYPE": "text/csv",
    }


def test_custom_environment_gets_a_serving_variant() -> None:
    xgb = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
    spec = {
        "Containers": [container(image=xgb, program=None)],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
    }
    project, _ = run([training(), register(InferenceSpecification=spec, ModelMetrics={})])
    (endpoint,) = project.online_endpoints
    assert endpoint.deployment.environment == "file:../environments/sagemaker_xgboost_1_7_serving.yml"
    variant = next(e for e in project.environments if e.name == "sagemaker_xgboost_1_7_serving")
    assert "azureml-inference-server-http" in yaml.safe_load(variant.conda or "")["dependencies"][-1]["pip"]


def test_model_definition_is_reported_under_the_transform_that_serves_it() -> None:
    project, diags = run([training(), create_model(), transform()])
    (outcome,) = [o for o in project.outcomes if o.step == "M-CreateModel"]
    assert (outcome.construct, outcome.outcome, outcome.node) == (
        "model definition used by Score",
        "approximate",
        "score",
    )
    assert [n.name for n in project.pipeline.nodes] == ["train", "score"]
    assert messages(diags, "SM2AML232")


def test_unused_model_definition_and_other_uses_of_its_name_are_reported() -> None:
    lambda_step = {
        "Name": "Deploy",
        "Type": "Lambda",
        "Arguments": {"model_name": {"Get": "Steps.M-CreateModel.ModelName"}},
        "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:deploy",
    }
    project, diags = run([training(), create_model(), lambda_step])
    (outcome,) = [o for o in project.outcomes if o.step == "M-CreateModel"]
    assert outcome.node is None
    assert messages(diags, "SM2AML233")
    (use,) = [d for d in diags if d.code == "SM2AML234"]
    assert use.where.endswith("/Arguments/model_name") and "Deploy" in use.message


def test_inference_pipeline_models_convert_their_first_container() -> None:
    step = create_model()
    step["Arguments"] = {"ExecutionRoleArn": ROLE, "Containers": [container(), container(image="x/y:1")]}
    _, diags = run([training(), step, transform()])
    assert messages(diags, "SM2AML244")


# the SDK's _RepackModelStep, in the shape ModelStep(step_args=Model(entry_point=…, source_dir=…).register(…)) builds
def repack_step(source_dir: str = '"/home/me/project/code"', dependencies: str = "null") -> dict[str, Any]:
    step = training("R-RepackModel-0")
    step["Arguments"]["InputDataConfig"] = [
        {
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": ARTIFACTS,
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
            "ChannelName": "training",
        }
    ]
    step["Arguments"]["HyperParameters"] = {
        "inference_script": '"inference.py"',
        "model_archive": {"Std:Join": {"On": "", "Values": [ARTIFACTS]}},
        "dependencies": dependencies,
        "source_dir": source_dir,
        "sagemaker_submit_directory": '"s3://b/repack/source/sourcedir.tar.gz"',
        "sagemaker_program": '"_repack_script_launcher.sh"',
        "sagemaker_container_log_level": "20",
        "sagemaker_region": '"us-east-1"',
    }
    step["Description"] = "Used to repack a model with customer scripts for a register/create model step"
    return step


@pytest.mark.parametrize(
    ("source_dir", "dependencies", "flags"),
    [
        pytest.param('"/home/me/project/code"', "null", " --source-dir", id="source-dir"),
        pytest.param("null", "null", "", id="script-only"),
        pytest.param("null", '"/home/me/libs/common /home/me/libs/extra/"', " --dependency common --dependency extra"),
    ],
)
def test_repack_step_becomes_a_repack_node(source_dir: str, dependencies: str, flags: str) -> None:
    packaged = container(
        data={"Get": "Steps.R-RepackModel-0.ModelArtifacts.S3ModelArtifacts"}, submit="/opt/ml/model/code"
    )
    spec = {"Containers": [packaged], "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"]}
    steps = [training(), repack_step(source_dir, dependencies), register(InferenceSpecification=spec, ModelMetrics={})]
    project, diags = run(steps)
    comp = component(project, "r_repack_model_0")
    assert comp.command == (
        "python sm2aml_repack.py --model ${{inputs.packed_model}} --inference-script inference.py "
        "--model-dir ${{outputs.model}} --artifacts ${{outputs.model_artifacts}}" + flags
    )
    assert node(project, "r_repack_model_0").inputs["packed_model"] == aml.NodeOutput(
        node="train", output="model_artifacts"
    )
    assert node(project, "r_register_model").inputs["model"] == aml.NodeOutput(node="r_repack_model_0", output="model")
    # the code is inside the model: the registration node has nothing to fetch or copy
    assert "--program" not in component(project, "r_register_model").command
    assert [s.component for s in project.code_sources] == ["train", "r_repack_model_0"]
    assert messages(diags, "SM2AML241")


def test_emitted_registration_endpoint_and_model_files_validate(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    literal = register(
        "Old-RegisterModel",
        ModelPackageGroupName="archived-models",
        ModelApprovalStatus="Rejected",
        ModelMetrics={},
        InferenceSpecification={
            "Containers": [container(data="s3://b/models/old/model.tar.gz")],
            "SupportedRealtimeInferenceInstanceTypes": ["ml.c5.xlarge"],
        },
    )
    project, _ = run([training(), evaluate(), register(), literal, repack_step()])
    paths = {f.path for f in emit(project)}
    assert {
        "models/archived-models.yml",
        "endpoints/housing-models.endpoint.yml",
        "endpoints/housing-models.deployment.yml",
        "endpoints/housing-models/sm2aml_inference.py",
        "endpoints/archived-models.deployment.yml",
    } <= paths
    assert emitted_findings(project, tmp_path / "out") == []
    deployment = yaml.safe_load((tmp_path / "out" / "endpoints" / "housing-models.deployment.yml").read_text())
    assert deployment["code_configuration"] == {"code": "./housing-models", "scoring_script": "sm2aml_inference.py"}


def test_a_broken_deployment_is_caught_by_validation(tmp_path: Path) -> None:
    project, _ = run([training(), register(ModelMetrics={})])
    out = tmp_path / "out"
    assert emitted_findings(project, out) == []
    (out / "endpoints" / "housing-models" / "sm2aml_inference.py").unlink()
    path = out / "endpoints" / "housing-models.deployment.yml"
    path.write_text(path.read_text().replace('endpoint_name: "housing-models"', 'endpoint_name: "elsewhere"'))
    from sm2aml.validate import validate

    codes = sorted(d.code for d in validate(out, azure=False))
    assert codes == ["SM2AML502", "SM2AML504"]


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("endpoints/housing-models.endpoint.yml", 'auth_mode: "key"', 'auth_mode: "password"'),
        ("endpoints/housing-models.deployment.yml", "instance_count: 1", 'instance_count: "many"'),
        ("models/housing-models.yml", 'type: "custom_model"', 'type: "pickle"'),
    ],
)
def test_azure_ai_ml_loads_models_endpoints_and_deployments(tmp_path: Path, path: str, old: str, new: str) -> None:
    pytest.importorskip("azure.ai.ml")
    spec = {
        "Containers": [container(data="s3://b/models/v3/model.tar.gz")],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
    }
    project, _ = run([register(InferenceSpecification=spec, ModelMetrics={})])
    out = tmp_path / "out"
    assert emitted_findings(project, out) == []
    text = (out / path).read_text()
    assert old in text
    (out / path).write_text(text.replace(old, new))
    from sm2aml.validate import validate

    assert [(d.code, d.where) for d in validate(out, azure=True)] == [("SM2AML505", path)]
