"""The source front end, one construct at a time: a small pipeline module → the IR fragments it must give.

Each snippet is a `build(session, role, bucket)` module like the golden cases (so it can also be built with
the SDK); the expected fragments are what Pipeline.definition() holds for it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from sm2aml import ir
from sm2aml.inspect import to_data
from sm2aml.load import load

ROLE = "arn:aws:iam::111122223333:role/Runner"
ARGS = {"role": ROLE, "bucket": "bkt", "region": "us-east-1"}
SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
EXECUTION_ID = {"expr": "ExecVar", "name": "PipelineExecutionId"}


def load_module(
    folder: Path, code: str, args: dict[str, str] | None = None, files: dict[str, str] | None = None
) -> ir.Pipeline:
    for name, text in {"code/prep.py": "print('prep')\n", "code/train.py": "print('train')\n", **(files or {})}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "pipeline.py"
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return load(path, args=ARGS if args is None else args)


def dig(value: Any, *path: Any) -> Any:
    for key in path:
        value = value[key]
    return value


def without_where(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_where(v) for k, v in value.items() if k != "where"}
    if isinstance(value, list):
        return [without_where(v) for v in value]
    return value


def param(id_: str, code: str, *expected: tuple[tuple[Any, ...], Any]) -> Any:
    return pytest.param(code, expected, id=id_)


def prop(step: str, *path: Any) -> dict[str, Any]:
    return {"expr": "StepProp", "step": step, "path": list(path)}


CASES = [
    param(
        "parameters",
        """
        from sagemaker.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString
        from sagemaker.workflow.pipeline import Pipeline

        def build(session, role, bucket):
            params = [
                ParameterString(name="Mode", default_value="fast", enum_values=["fast", "slow"]),
                ParameterInteger(name="Count", default_value=3),
                ParameterFloat(name="Ratio"),
                ParameterBoolean(name="Flag", default_value=False),
            ]
            return Pipeline(name="p", parameters=params, steps=[], sagemaker_session=session)
        """,
        (
            ("parameters",),
            [
                {"name": "Mode", "type": "String", "default": "fast", "enum_values": ["fast", "slow"]},
                {"name": "Count", "type": "Integer", "default": 3, "enum_values": []},
                {"name": "Ratio", "type": "Float", "default": None, "enum_values": []},
                {"name": "Flag", "type": "Boolean", "default": False, "enum_values": []},
            ],
        ),
        (("experiment",), {"ExperimentName": {"expr": "ExecVar", "name": "PipelineName"}, "TrialName": EXECUTION_ID}),
    ),
    param(
        "sklearn_processor_run",
        """
        import os
        from sagemaker.processing import ProcessingInput, ProcessingOutput
        from sagemaker.sklearn.processing import SKLearnProcessor
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import ProcessingStep

        HERE = os.path.dirname(os.path.realpath(__file__))

        def build(session, role, bucket):
            proc = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.large",
                                    instance_count=1, sagemaker_session=session)
            args = proc.run(code=os.path.join(HERE, "code", "prep.py"),
                            inputs=[ProcessingInput(source=f"s3://{bucket}/raw", destination="/opt/ml/processing/in")],
                            outputs=[ProcessingOutput(source="/opt/ml/processing/out")],
                            arguments=["--n", "3"])
            return Pipeline(name="p", steps=[ProcessingStep(name="Prep", step_args=args)], sagemaker_session=session)
        """,
        (("steps", 0, "type"), "Processing"),
        (("steps", 0, "arguments", "AppSpecification", "ImageUri"), SKLEARN_IMAGE),
        (
            ("steps", 0, "arguments", "AppSpecification", "ContainerEntrypoint"),
            ["python3", "/opt/ml/processing/input/code/prep.py"],
        ),
        (("steps", 0, "arguments", "AppSpecification", "ContainerArguments"), ["--n", "3"]),
        (("steps", 0, "arguments", "ProcessingInputs", 0, "InputName"), "input-1"),
        (("steps", 0, "arguments", "ProcessingInputs", 0, "S3Input", "S3Uri"), "s3://bkt/raw"),
        (("steps", 0, "arguments", "ProcessingInputs", 1, "InputName"), "code"),
        (("steps", 0, "arguments", "ProcessingOutputConfig", "Outputs", 0, "OutputName"), "output-1"),
        (
            ("steps", 0, "arguments", "ProcessingOutputConfig", "Outputs", 0, "S3Output", "S3Uri"),
            {"expr": "Join", "on": "/", "values": ["s3:/", "bkt", "p", EXECUTION_ID, "Prep", "output", "output-1"]},
        ),
        (("steps", 0, "arguments", "ProcessingResources", "ClusterConfig", "VolumeSizeInGB"), 30),
        (("steps", 0, "arguments", "RoleArn"), ROLE),
    ),
    param(
        "legacy_processing_step",
        """
        from sagemaker.processing import ProcessingInput, ScriptProcessor
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import ProcessingStep

        def build(session, role, bucket):
            proc = ScriptProcessor(image_uri="111.dkr.ecr.us-east-1.amazonaws.com/mine:1", command=["python3", "-u"],
                                   role=role, instance_type="ml.m5.large", instance_count=2, max_runtime_in_seconds=600,
                                   sagemaker_session=session)
            step = ProcessingStep(name="Legacy", processor=proc, code="s3://scripts/prep.py", job_arguments=["a"],
                                  inputs=[ProcessingInput(source="s3://d/in", destination="/opt/ml/processing/in",
                                                          input_name="data")])
            return Pipeline(name="p", steps=[step], sagemaker_session=session)
        """,
        (
            ("steps", 0, "arguments", "AppSpecification"),
            {
                "ImageUri": "111.dkr.ecr.us-east-1.amazonaws.com/mine:1",
                "ContainerArguments": ["a"],
                "ContainerEntrypoint": ["python3", "-u", "/opt/ml/processing/input/code/prep.py"],
            },
        ),
        (("steps", 0, "arguments", "ProcessingInputs", 0, "InputName"), "data"),
        (("steps", 0, "arguments", "ProcessingInputs", 1, "S3Input", "S3Uri"), "s3://scripts/prep.py"),
        (("steps", 0, "arguments", "StoppingCondition"), {"MaxRuntimeInSeconds": 600}),
        (("steps", 0, "arguments", "ProcessingResources", "ClusterConfig", "InstanceCount"), 2),
    ),
    param(
        "estimator_fit_and_set_hyperparameters_later",
        """
        from sagemaker.estimator import Estimator
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import TrainingStep

        def build(session, role, bucket):
            est = Estimator(image_uri="111.dkr.ecr.us-east-1.amazonaws.com/algo:2", role=role, instance_count=1,
                            instance_type="ml.m5.xlarge", output_path=f"s3://{bucket}/models",
                            sagemaker_session=session)
            step = TrainingStep(name="Train", step_args=est.fit(f"s3://{bucket}/train"))
            est.set_hyperparameters(depth=4, objective="reg:squarederror")
            return Pipeline(name="p", steps=[step], sagemaker_session=session)
        """,
        (("steps", 0, "type"), "Training"),
        (("steps", 0, "arguments", "HyperParameters"), {"depth": "4", "objective": "reg:squarederror"}),
        (("steps", 0, "arguments", "InputDataConfig", 0, "ChannelName"), "training"),
        (("steps", 0, "arguments", "InputDataConfig", 0, "DataSource", "S3DataSource", "S3Uri"), "s3://bkt/train"),
        (("steps", 0, "arguments", "OutputDataConfig"), {"S3OutputPath": "s3://bkt/models"}),
        (("steps", 0, "arguments", "StoppingCondition"), {"MaxRuntimeInSeconds": 86400}),
        (
            ("steps", 0, "arguments", "DebugHookConfig"),
            {"S3OutputPath": "s3://bkt/models", "CollectionConfigurations": []},
        ),
        (("steps", 0, "arguments", "ProfilerConfig"), {"S3OutputPath": "s3://bkt/models", "DisableProfiler": False}),
    ),
    param(
        "sklearn_script_mode",
        """
        from pathlib import Path
        from sagemaker.inputs import TrainingInput
        from sagemaker.sklearn import SKLearn
        from sagemaker.workflow.parameters import ParameterInteger
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import TrainingStep

        CODE = Path(__file__).parent / "code"

        def build(session, role, bucket):
            trees = ParameterInteger(name="Trees", default_value=10)
            est = SKLearn(entry_point="train.py", source_dir=str(CODE), framework_version="1.2-1", role=role,
                          instance_type="ml.m5.large", hyperparameters={"trees": trees, "name": "rf"},
                          sagemaker_session=session)
            args = est.fit({"train": TrainingInput(s3_data="s3://d/train", content_type="text/csv", input_mode="Pipe")})
            return Pipeline(name="p", parameters=[trees], steps=[TrainingStep(name="T", step_args=args)],
                            sagemaker_session=session)
        """,
        (("steps", 0, "arguments", "AlgorithmSpecification", "TrainingImage"), SKLEARN_IMAGE),
        (("steps", 0, "arguments", "AlgorithmSpecification", "TrainingInputMode"), "File"),
        (("steps", 0, "arguments", "HyperParameters", "name"), '"rf"'),
        (
            ("steps", 0, "arguments", "HyperParameters", "trees"),
            {"expr": "Join", "on": "", "values": [{"expr": "ParamRef", "name": "Trees"}]},
        ),
        (("steps", 0, "arguments", "HyperParameters", "sagemaker_program"), '"train.py"'),
        (("steps", 0, "arguments", "HyperParameters", "sagemaker_container_log_level"), "20"),
        (("steps", 0, "arguments", "HyperParameters", "sagemaker_region"), '"us-east-1"'),
        (("steps", 0, "arguments", "InputDataConfig", 0, "InputMode"), "Pipe"),
        (("steps", 0, "arguments", "InputDataConfig", 0, "ContentType"), "text/csv"),
        (("steps", 0, "arguments", "ResourceConfig", "InstanceCount"), 1),
    ),
    param(
        "properties_join_jsonget_conditions_fail",
        """
        from sagemaker.processing import Processor, ProcessingInput, ProcessingOutput
        from sagemaker.workflow.condition_step import ConditionStep
        from sagemaker.workflow.conditions import (ConditionEquals, ConditionGreaterThanOrEqualTo, ConditionIn,
                                                   ConditionNot, ConditionOr)
        from sagemaker.workflow.execution_variables import ExecutionVariables
        from sagemaker.workflow.fail_step import FailStep
        from sagemaker.workflow.functions import Join, JsonGet
        from sagemaker.workflow.parameters import ParameterFloat
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.properties import PropertyFile
        from sagemaker.workflow.steps import ProcessingStep

        def build(session, role, bucket):
            limit = ParameterFloat(name="Limit", default_value=0.5)
            proc = Processor(image_uri="111.dkr.ecr.us-east-1.amazonaws.com/x:1", entrypoint=["run"], role=role,
                             instance_type="ml.m5.large", instance_count=1, sagemaker_session=session)
            report = PropertyFile(name="Report", output_name="out", path="r.json")
            first = ProcessingStep(name="First", step_args=proc.run(
                outputs=[ProcessingOutput(output_name="out", source="/opt/ml/processing/out")]),
                property_files=[report])
            uri = first.properties.ProcessingOutputConfig.Outputs["out"].S3Output.S3Uri
            second = ProcessingStep(name="Second", step_args=proc.run(inputs=[
                ProcessingInput(source=Join(on="/", values=[uri, ExecutionVariables.PIPELINE_EXECUTION_ID]),
                                destination="/opt/ml/processing/in")]))
            score = JsonGet(step_name=first.name, property_file=report, json_path="a.b")
            check = ConditionStep(
                name="Check",
                conditions=[ConditionGreaterThanOrEqualTo(left=score, right=limit),
                            ConditionOr(conditions=[ConditionNot(expression=ConditionEquals(left=score, right=1)),
                                                    ConditionIn(value=score, in_values=[1, 2])])],
                if_steps=[second],
                else_steps=[FailStep(name="Stop", error_message=Join(on=" ", values=["low:", score]))])
            return Pipeline(name="p", parameters=[limit], steps=[first, check], sagemaker_session=session)
        """,
        (("steps", 0, "property_files"), [{"name": "Report", "output_name": "out", "file_path": "r.json"}]),
        (("steps", 1, "type"), "Condition"),
        (
            ("steps", 1, "conditions", 0),
            {
                "expr": "Compare",
                "op": "GreaterThanOrEqualTo",
                "left": {
                    "expr": "JsonGet",
                    "source": {"expr": "PropertyFileRef", "step": "First", "name": "Report"},
                    "path": "a.b",
                },
                "right": {"expr": "ParamRef", "name": "Limit"},
            },
        ),
        (("steps", 1, "conditions", 1, "expr"), "Or"),
        (("steps", 1, "conditions", 1, "conditions", 0, "expr"), "Not"),
        (("steps", 1, "conditions", 1, "conditions", 1, "values"), [1, 2]),
        (
            ("steps", 1, "if_steps", 0, "arguments", "ProcessingInputs", 0, "S3Input", "S3Uri"),
            {
                "expr": "Join",
                "on": "/",
                "values": [
                    prop("First", "ProcessingOutputConfig", "Outputs", "out", "S3Output", "S3Uri"),
                    EXECUTION_ID,
                ],
            },
        ),
        (("steps", 1, "else_steps", 0, "type"), "Fail"),
        (("steps", 1, "else_steps", 0, "arguments", "ErrorMessage", "values", 0), "low:"),
        (
            ("steps", 0, "arguments", "AppSpecification"),
            {"ImageUri": "111.dkr.ecr.us-east-1.amazonaws.com/x:1", "ContainerEntrypoint": ["run"]},
        ),
    ),
    param(
        "cache_retry_and_dependencies",
        """
        from sagemaker.processing import Processor
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum as J
        from sagemaker.workflow.retry import SageMakerJobStepRetryPolicy, StepRetryPolicy
        from sagemaker.workflow.retry import StepExceptionTypeEnum
        from sagemaker.workflow.steps import CacheConfig, ProcessingStep

        def build(session, role, bucket):
            proc = Processor(image_uri="i", role=role, instance_type="ml.m5.large", instance_count=1,
                             sagemaker_session=session)
            a = ProcessingStep(name="A", step_args=proc.run(), cache_config=CacheConfig(enable_caching=True),
                               retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT],
                                                               max_attempts=2)])
            b = ProcessingStep(name="B", step_args=proc.run(), depends_on=["A"])
            c = ProcessingStep(name="C", step_args=proc.run())
            c.add_depends_on([a, b])
            c.add_retry_policy(
                SageMakerJobStepRetryPolicy(failure_reason_types=[J.RESOURCE_LIMIT], expire_after_mins=5))
            return Pipeline(name="p", steps=[a, b, c], sagemaker_session=session)
        """,
        (("steps", 0, "cache"), {"enabled": True, "expire_after": None}),
        (
            ("steps", 0, "retry_policies"),
            [
                {
                    "exception_types": ["Step.SERVICE_FAULT"],
                    "interval_seconds": 1,
                    "backoff_rate": 2.0,
                    "max_attempts": 2,
                    "expire_after_min": None,
                }
            ],
        ),
        (("steps", 1, "depends_on"), ["A"]),
        (("steps", 2, "depends_on"), ["A", "B"]),
        (("steps", 2, "retry_policies", 0, "exception_types"), ["SageMaker.RESOURCE_LIMIT"]),
    ),
    param(
        "model_step_register_and_create",
        """
        from sagemaker.model import Model
        from sagemaker.workflow.model_step import ModelStep
        from sagemaker.workflow.pipeline import Pipeline

        def build(session, role, bucket):
            model = Model(image_uri="111.dkr.ecr.us-east-1.amazonaws.com/serve:1", model_data=f"s3://{bucket}/m.tar.gz",
                          role=role, sagemaker_session=session)
            create = ModelStep(name="Make", step_args=model.create(instance_type="ml.m5.large"))
            register = ModelStep(name="Reg", step_args=model.register(
                content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
                transform_instances=["ml.m5.large"], model_package_group_name="group", description="d"),
                depends_on=[create])
            return Pipeline(name="p", steps=[create, register], sagemaker_session=session)
        """,
        (("steps", 0, "name"), "Make-CreateModel"),
        (("steps", 0, "type"), "Model"),
        (
            ("steps", 0, "arguments"),
            {
                "ExecutionRoleArn": ROLE,
                "PrimaryContainer": {
                    "Image": "111.dkr.ecr.us-east-1.amazonaws.com/serve:1",
                    "Environment": {},
                    "ModelDataUrl": "s3://bkt/m.tar.gz",
                },
            },
        ),
        (("steps", 1, "name"), "Reg-RegisterModel"),
        (("steps", 1, "type"), "RegisterModel"),
        (("steps", 1, "depends_on"), ["Make-CreateModel"]),
        (("steps", 1, "arguments", "ModelPackageGroupName"), "group"),
        (("steps", 1, "arguments", "ModelPackageDescription"), "d"),
        (("steps", 1, "arguments", "ModelApprovalStatus"), "PendingManualApproval"),
        (("steps", 1, "arguments", "SkipModelValidation"), "None"),
        (("steps", 1, "arguments", "InferenceSpecification", "SupportedContentTypes"), ["text/csv"]),
    ),
    param(
        "transform_step_default_output",
        """
        from sagemaker.transformer import Transformer
        from sagemaker.workflow.parameters import ParameterString
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import TransformStep

        def build(session, role, bucket):
            model = ParameterString(name="Model", default_value="m")
            t = Transformer(model_name=model, instance_count=1, instance_type="ml.m5.large", strategy="MultiRecord",
                            sagemaker_session=session)
            step = TransformStep(name="Score", step_args=t.transform(data="s3://d/batch", content_type="text/csv",
                                                                     join_source="Input"))
            return Pipeline(name="p", parameters=[model], steps=[step], sagemaker_session=session)
        """,
        (
            ("steps", 0, "arguments", "TransformOutput", "S3OutputPath"),
            {"expr": "Join", "on": "/", "values": ["s3:/", "bkt", "p", EXECUTION_ID, "Score"]},
        ),
        (("steps", 0, "arguments", "BatchStrategy"), "MultiRecord"),
        (("steps", 0, "arguments", "ModelName"), {"expr": "ParamRef", "name": "Model"}),
        (("steps", 0, "arguments", "DataProcessing"), {"JoinSource": "Input"}),
        (("steps", 0, "arguments", "TransformInput", "ContentType"), "text/csv"),
    ),
    param(
        "lambda_callback_emr",
        """
        from sagemaker.lambda_helper import Lambda
        from sagemaker.workflow.callback_step import CallbackOutput, CallbackOutputTypeEnum, CallbackStep
        from sagemaker.workflow.emr_step import EMRStep, EMRStepConfig
        from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
        from sagemaker.workflow.pipeline import Pipeline

        def build(session, role, bucket):
            out = LambdaOutput(output_name="uri", output_type=LambdaOutputTypeEnum.String)
            fn = LambdaStep(name="L", lambda_func=Lambda(function_arn="arn:aws:lambda:us-east-1:1:function:f"),
                            inputs={"x": 1}, outputs=[out])
            cb = CallbackStep(name="C", sqs_queue_url="https://q", inputs={"uri": fn.properties.Outputs["uri"],
                              "same": out}, outputs=[CallbackOutput(output_name="ok",
                              output_type=CallbackOutputTypeEnum.Boolean)])
            emr = EMRStep(name="E", display_name="e", description="d", cluster_id="j-1",
                          step_config=EMRStepConfig(jar="command-runner.jar", args=["a"]))
            return Pipeline(name="p", steps=[fn, cb, emr], sagemaker_session=session)
        """,
        (("steps", 0, "arguments"), {"x": 1}),
        (
            ("steps", 0, "extra"),
            {
                "FunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
                "OutputParameters": [{"OutputName": "uri", "OutputType": "String"}],
            },
        ),
        (("steps", 1, "arguments", "uri"), prop("L", "OutputParameters", "uri")),
        (("steps", 1, "arguments", "same"), prop("L", "OutputParameters", "uri")),
        (("steps", 1, "extra", "SqsQueueUrl"), "https://q"),
        (
            ("steps", 2, "arguments"),
            {"StepConfig": {"HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["a"]}}, "ClusterId": "j-1"},
        ),
        (("steps", 2, "display_name"), "e"),
    ),
    param(
        "tuning_and_top_model",
        """
        from sagemaker.estimator import Estimator
        from sagemaker.processing import Processor, ProcessingInput
        from sagemaker.tuner import CategoricalParameter, ContinuousParameter, HyperparameterTuner, IntegerParameter
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import ProcessingStep, TuningStep

        def build(session, role, bucket):
            est = Estimator(image_uri="i:1", role=role, instance_count=1, instance_type="ml.m5.large",
                            hyperparameters={"fixed": 1, "lr": 0.1}, sagemaker_session=session)
            tuner = HyperparameterTuner(est, "acc", {"lr": ContinuousParameter(0.01, 0.2), "n": IntegerParameter(1, 4),
                                                      "k": CategoricalParameter(["a", "b"])},
                                        metric_definitions=[{"Name": "acc", "Regex": "acc=(.*)"}], max_jobs=4)
            tune = TuningStep(name="Tune", step_args=tuner.fit("s3://d/train"))
            proc = Processor(image_uri="p:1", role=role, instance_type="ml.m5.large", instance_count=1,
                             sagemaker_session=session)
            best = ProcessingStep(name="Best", step_args=proc.run(inputs=[ProcessingInput(
                source=tune.get_top_model_s3_uri(top_k=0, s3_bucket=bucket), destination="/opt/ml/processing/m")]))
            return Pipeline(name="p", steps=[tune, best], sagemaker_session=session)
        """,
        (("steps", 0, "type"), "Tuning"),
        (("steps", 0, "arguments", "TrainingJobDefinition", "StaticHyperParameters"), {"fixed": "1"}),
        (
            ("steps", 0, "arguments", "HyperParameterTuningJobConfig", "ParameterRanges"),
            {
                "ContinuousParameterRanges": [
                    {"Name": "lr", "MinValue": "0.01", "MaxValue": "0.2", "ScalingType": "Auto"}
                ],
                "CategoricalParameterRanges": [{"Name": "k", "Values": ["a", "b"]}],
                "IntegerParameterRanges": [{"Name": "n", "MinValue": "1", "MaxValue": "4", "ScalingType": "Auto"}],
            },
        ),
        (("steps", 0, "arguments", "HyperParameterTuningJobConfig", "Strategy"), "Bayesian"),
        (
            ("steps", 1, "arguments", "ProcessingInputs", 0, "S3Input", "S3Uri"),
            {
                "expr": "Join",
                "on": "/",
                "values": [
                    "s3:/",
                    "bkt",
                    prop("Tune", "TrainingJobSummaries", 0, "TrainingJobName"),
                    "output/model.tar.gz",
                ],
            },
        ),
    ),
    param(
        "image_uris_retrieve_and_string_building",
        """
        import os
        import sagemaker
        from sagemaker.processing import Processor
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import ProcessingStep

        PREFIX = "team-{}".format("ml")

        def build(session, role, bucket):
            region = session.boto_region_name
            image = sagemaker.image_uris.retrieve(framework="xgboost", region=region, version="1.7-1")
            name = f"{PREFIX}_{len(PREFIX):03d}".upper().replace("_", "-")
            path = os.path.join("s3://", bucket, *["a", "b"])
            proc = Processor(image_uri=image, role=role, instance_type="ml.m5.large", instance_count=1,
                             sagemaker_session=session,
                             env={"NAME": name, "PATH": path, "BASE": os.path.basename(path)})
            step = ProcessingStep(name="S", step_args=proc.run())
            return Pipeline(name=name, steps=[step], sagemaker_session=session)
        """,
        (("name",), "TEAM-ML-007"),
        (("steps", 0, "arguments", "AppSpecification", "ImageUri"), XGBOOST_IMAGE),
        (("steps", 0, "arguments", "Environment"), {"NAME": "TEAM-ML-007", "PATH": "s3://bkt/a/b", "BASE": "b"}),
    ),
    param(
        "helpers_tuples_loops_and_reassigned_step_args",
        """
        import sagemaker.workflow.steps as st
        from sagemaker.processing import Processor, ProcessingOutput as Out
        from sagemaker.workflow.pipeline import Pipeline

        KINDS = ("small", "large")

        def make(proc, kind):
            step_args = proc.run(outputs=[Out(output_name=kind, source=f"/opt/ml/processing/{kind}")])
            return st.ProcessingStep(name=f"Make{kind.title()}", step_args=step_args), kind

        def build(session, role, bucket):
            proc = Processor(image_uri="i:1", role=role, instance_type="ml.m5.large", instance_count=1,
                             sagemaker_session=session)
            steps = []
            for kind in KINDS:
                step, label = make(proc, kind)
                steps.append(step)
            step_args = proc.run(arguments=["first"])
            first = st.ProcessingStep(name="First", step_args=step_args)
            step_args = proc.run(arguments=["second"])
            second = st.ProcessingStep(name="Second", step_args=step_args)
            names = {s.name: i for i, s in enumerate(steps) if s.name.startswith("Make")}
            return Pipeline(name="p", steps=[*steps, first, second], sagemaker_session=session)
        """,
        (("steps", 0, "name"), "MakeSmall"),
        (("steps", 1, "name"), "MakeLarge"),
        (
            ("steps", 1, "arguments", "ProcessingOutputConfig", "Outputs", 0, "S3Output", "LocalPath"),
            "/opt/ml/processing/large",
        ),
        (("steps", 2, "arguments", "AppSpecification", "ContainerArguments"), ["first"]),
        (("steps", 3, "arguments", "AppSpecification", "ContainerArguments"), ["second"]),
    ),
    param(
        "sdk_v3_import_paths",
        """
        from sagemaker.core.workflow.parameters import ParameterString
        from sagemaker.mlops.workflow.fail_step import FailStep
        from sagemaker.mlops.workflow.pipeline import Pipeline

        def build(session, role, bucket):
            reason = ParameterString(name="Reason", default_value="stop")
            return Pipeline(name="v3", parameters=[reason], steps=[FailStep(name="F", error_message=reason)],
                            sagemaker_session=session)
        """,
        (("steps", 0, "arguments"), {"ErrorMessage": {"expr": "ParamRef", "name": "Reason"}}),
    ),
    param(
        "model_step_repacks_an_entry_point",
        """
        import os
        from sagemaker.model import Model
        from sagemaker.workflow.model_step import ModelStep
        from sagemaker.workflow.parameters import ParameterString
        from sagemaker.workflow.pipeline import Pipeline

        def build(session, role, bucket):
            data = ParameterString(name="ModelData", default_value=f"s3://{bucket}/m/model.tar.gz")
            model = Model(image_uri="111.dkr.ecr.us-east-1.amazonaws.com/serve:1", model_data=data, role=role,
                          entry_point="train.py", source_dir=os.path.join(os.path.dirname(__file__), "code"),
                          sagemaker_session=session)
            step = ModelStep(name="Reg", step_args=model.register(
                content_types=["text/csv"], response_types=["text/csv"], model_package_group_name="g"))
            return Pipeline(name="p", parameters=[data], steps=[step], sagemaker_session=session)
        """,
        (("steps", 0, "name"), "Reg-RepackModel-0"),
        (("steps", 0, "type"), "Training"),
        (("steps", 0, "description"), "Used to repack a model with customer scripts for a register/create model step"),
        (("steps", 0, "arguments", "HyperParameters", "inference_script"), '"train.py"'),
        (("steps", 0, "arguments", "HyperParameters", "model_archive"), {"expr": "ParamRef", "name": "ModelData"}),
        (("steps", 0, "arguments", "HyperParameters", "sagemaker_program"), '"_repack_script_launcher.sh"'),
        (("steps", 0, "arguments", "ProfilerConfig"), {"DisableProfiler": True}),
        (("steps", 1, "name"), "Reg-RegisterModel"),
        (
            ("steps", 1, "arguments", "InferenceSpecification", "Containers", 0, "ModelDataUrl"),
            prop("Reg-RepackModel-0", "ModelArtifacts", "S3ModelArtifacts"),
        ),
        (
            (
                "steps",
                1,
                "arguments",
                "InferenceSpecification",
                "Containers",
                0,
                "Environment",
                "SAGEMAKER_SUBMIT_DIRECTORY",
            ),
            "/opt/ml/model/code",
        ),
    ),
    param(
        "framework_estimators",
        """
        import os
        from sagemaker.pytorch import PyTorch
        from sagemaker.tensorflow import TensorFlow
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import TrainingStep

        CODE = os.path.join(os.path.dirname(__file__), "code")

        def build(session, role, bucket):
            torch = PyTorch(entry_point="train.py", source_dir=CODE, framework_version="2.1", py_version="py310",
                            instance_type="ml.g5.xlarge", instance_count=1, role=role, sagemaker_session=session)
            tf = TensorFlow(entry_point=os.path.join(CODE, "train.py"), framework_version="2.13", py_version="py310",
                            instance_type="ml.m5.xlarge", instance_count=1, role=role, sagemaker_session=session)
            steps = [TrainingStep(name="Torch", step_args=torch.fit("s3://d/x")),
                     TrainingStep(name="Tf", step_args=tf.fit("s3://d/x"))]
            return Pipeline(name="p", steps=steps, sagemaker_session=session)
        """,
        (
            ("steps", 0, "arguments", "AlgorithmSpecification"),
            {
                "TrainingInputMode": "File",
                "TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310",
                "EnableSageMakerMetricsTimeSeries": True,
            },
        ),
        (
            ("steps", 1, "arguments", "HyperParameters", "model_dir"),
            '"s3://bkt/tensorflow-training-1970-01-01-00-00-00-000/model"',
        ),
        (("steps", 1, "arguments", "HyperParameters", "sagemaker_program"), '"train.py"'),
    ),
    param(
        "spark_jar_processor",
        """
        import os
        from sagemaker.spark.processing import SparkJarProcessor
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import ProcessingStep

        def build(session, role, bucket):
            spark = SparkJarProcessor(framework_version="3.3", role=role, instance_type="ml.m5.xlarge",
                                      instance_count=2, sagemaker_session=session)
            args = spark.run(submit_app=f"s3://{bucket}/app.jar", submit_class="com.example.Main",
                             submit_files=[os.path.join(os.path.dirname(__file__), "code", "prep.py")],
                             spark_event_logs_s3_uri=f"s3://{bucket}/logs",
                             configuration={"Classification": "spark-defaults", "Properties": {"a": "b"}})
            return Pipeline(name="p", steps=[ProcessingStep(name="P", step_args=args)], sagemaker_session=session)
        """,
        (
            ("steps", 0, "arguments", "AppSpecification", "ContainerEntrypoint"),
            [
                "smspark-submit",
                "--class",
                "com.example.Main",
                "--files",
                "/opt/ml/processing/input/files",
                "--local-spark-event-logs-dir",
                "/opt/ml/processing/spark-events/",
                "/opt/ml/processing/input/code/app.jar",
            ],
        ),
        (
            ("steps", 0, "arguments", "AppSpecification", "ImageUri"),
            "173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.3-cpu",
        ),
        (("steps", 0, "arguments", "ProcessingInputs", 1, "InputName"), "conf"),
        (
            ("steps", 0, "arguments", "ProcessingInputs", 1, "S3Input", "S3Uri"),
            "s3://bkt/p/P/input/conf/9d0e4330bbd2ed55db27029d7798bc308f1c5ff968cd4977bb70547e1af8ba19/configuration.json",
        ),
        (("steps", 0, "arguments", "ProcessingOutputConfig", "Outputs", 0, "S3Output", "S3UploadMode"), "Continuous"),
    ),
    param(
        "unlisted_steps_are_added",
        """
        from sagemaker.processing import Processor, ProcessingInput, ProcessingOutput
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.steps import ProcessingStep

        def build(session, role, bucket):
            proc = Processor(image_uri="i:1", role=role, instance_type="ml.m5.large", instance_count=1,
                             sagemaker_session=session)
            up = ProcessingStep(name="Up", step_args=proc.run(outputs=[ProcessingOutput(output_name="o", source="/o")]))
            down = ProcessingStep(name="Down", step_args=proc.run(inputs=[ProcessingInput(
                source=up.properties.ProcessingOutputConfig.Outputs["o"].S3Output.S3Uri, destination="/i")]))
            return Pipeline(name="p", steps=[down], sagemaker_session=session)
        """,
        (("steps", 0, "name"), "Down"),
        (("steps", 1, "name"), "Up"),
    ),
]


@pytest.mark.parametrize(("code", "expected"), CASES)
def test_construct(tmp_path: Path, code: str, expected: tuple[tuple[tuple[Any, ...], Any], ...]) -> None:
    pipeline = load_module(tmp_path, code)
    data = without_where(to_data(pipeline))
    for path, value in expected:
        assert dig(data, *path) == value, path
    assert [d.one_line() for d in pipeline.diagnostics] == []


def test_factory_defaults_and_arg_overrides(tmp_path: Path) -> None:
    code = """
        from sagemaker.workflow.fail_step import FailStep
        from sagemaker.workflow.pipeline import Pipeline

        def get_pipeline(region="eu-west-1", role=None, name="Base", retries=2, strict=False, ratio=0.5):
            message = f"{name} {region} {retries + 1} {not strict} {ratio * 2}"
            return Pipeline(name=name, steps=[FailStep(name="F", error_message=message)])
        """
    defaults = load_module(tmp_path, code, args={})
    assert defaults.name == "Base"
    assert defaults.steps[0].arguments == {"ErrorMessage": "Base eu-west-1 3 True 1.0"}
    given = load_module(tmp_path, code, args={"name": "Other", "retries": "4", "strict": "true", "ratio": "1.5"})
    assert given.steps[0].arguments == {"ErrorMessage": "Other eu-west-1 5 False 3.0"}


def test_top_level_pipeline_and_pinned_names(tmp_path: Path) -> None:
    code = """
        import sagemaker
        from sagemaker.workflow.fail_step import FailStep
        from sagemaker.workflow.pipeline import Pipeline

        role = sagemaker.get_execution_role()
        stage = "dev"
        pipeline = Pipeline(name=f"app-{stage}", steps=[FailStep(name="F", error_message=role)])
        pipeline.upsert(role_arn=role)
        """
    pipeline = load_module(tmp_path, code, args={"role": "arn:aws:iam::1:role/r", "stage": "prod"})
    assert pipeline.name == "app-prod"
    assert pipeline.steps[0].arguments == {"ErrorMessage": "arn:aws:iam::1:role/r"}


def test_main_block_is_the_last_resort(tmp_path: Path) -> None:
    code = """
        from sagemaker.workflow.fail_step import FailStep
        from sagemaker.workflow.pipeline import Pipeline

        def steps():
            return [FailStep(name="F", error_message="x")]

        if __name__ == "__main__":
            pipeline = Pipeline(name="main", steps=steps())
        """
    assert load_module(tmp_path, code, args={}).name == "main"


def test_local_modules_are_read_statically(tmp_path: Path) -> None:
    files = {
        "settings.py": "BUCKET_PREFIX = 'runs'\nNAMES = {'fail': 'Stop'}\n",
        "helpers/__init__.py": "",
        "helpers/steps.py": (
            "from sagemaker.workflow.fail_step import FailStep\n"
            "from settings import NAMES\n"
            "def fail(message):\n    return FailStep(name=NAMES['fail'], error_message=message)\n"
        ),
    }
    code = """
        from helpers.steps import fail
        from settings import BUCKET_PREFIX
        from sagemaker.workflow.pipeline import Pipeline

        def build(session, role, bucket):
            return Pipeline(name="p", steps=[fail(f"s3://{bucket}/{BUCKET_PREFIX}")], sagemaker_session=session)
        """
    pipeline = load_module(tmp_path, code, files=files)
    assert pipeline.steps[0].name == "Stop"
    assert pipeline.steps[0].arguments == {"ErrorMessage": "s3://bkt/runs"}


def test_known_control_flow_is_followed(tmp_path: Path) -> None:
    code = """
        from sagemaker.workflow.fail_step import FailStep
        from sagemaker.workflow.pipeline import Pipeline

        CONFIG = {"stages": ["a", "b", "c"], "skip": "b", "loud": True}

        def build(session, role, bucket):
            steps = []
            for stage in CONFIG["stages"]:
                if stage == CONFIG["skip"]:
                    continue
                elif CONFIG.get("loud") and stage != "a":
                    text = stage.upper()
                else:
                    text = stage
                steps.append(FailStep(name=f"F{stage}", error_message=text))
            try:
                extra = [s for s in steps if s.name.endswith("c")]
            except KeyError:
                extra = []
            return Pipeline(name="p", steps=steps[:1] + extra, sagemaker_session=session)
        """
    pipeline = load_module(tmp_path, code)
    assert [(s.name, s.arguments["ErrorMessage"]) for s in pipeline.steps] == [("Fa", "a"), ("Fc", "C")]


def test_session_default_bucket_and_region_come_from_the_session(tmp_path: Path) -> None:
    code = """
        import boto3
        from sagemaker.workflow.fail_step import FailStep
        from sagemaker.workflow.pipeline import Pipeline
        from sagemaker.workflow.pipeline_context import PipelineSession

        session = PipelineSession(boto_session=boto3.Session(region_name="eu-central-1"), default_bucket="mine")
        pipeline = Pipeline(name="p", steps=[FailStep(name="F",
                            error_message=f"{session.boto_region_name}/{session.default_bucket()}")])
        """
    assert load_module(tmp_path, code, args={}).steps[0].arguments == {"ErrorMessage": "eu-central-1/mine"}


def test_steps_and_parameters_are_located_at_their_constructor_calls(tmp_path: Path) -> None:
    code = """
        from sagemaker.workflow.fail_step import FailStep
        from sagemaker.workflow.parameters import ParameterString
        from sagemaker.workflow.pipeline import Pipeline

        def build(session, role, bucket):
            reason = ParameterString(name="Reason")
            stop = FailStep(
                name="Stop", error_message=reason)
            return Pipeline(name="p", parameters=[reason], steps=[stop], sagemaker_session=session)
        """
    pipeline = load_module(tmp_path, code)
    assert pipeline.parameters[0].where == "7:14"
    assert pipeline.steps[0].where == "8:12"
