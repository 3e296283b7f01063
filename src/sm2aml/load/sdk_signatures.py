"""Constructor signatures of the SageMaker SDK classes the source front end models (SDK 2.x).

Each entry lists the parameters in positional order with their defaults (REQUIRED when there is
none); OPEN classes also take further keyword arguments, passed on to a base class.
"""

from __future__ import annotations

from typing import Any

REQUIRED: Any = object()

_ESTIMATOR_BASE = (
    "role=None instance_count=None instance_type=None keep_alive_period_in_seconds=None volume_size=30 "
    "volume_kms_key=None max_run=86400 input_mode=File output_path=None output_kms_key=None base_job_name=None "
    "sagemaker_session=None tags=None subnets=None security_group_ids=None model_uri=None model_channel_name=model "
    "metric_definitions=None encrypt_inter_container_traffic=None use_spot_instances=False max_wait=None "
    "checkpoint_s3_uri=None checkpoint_local_path=None rules=None debugger_hook_config=None "
    "tensorboard_output_config=None enable_sagemaker_metrics=None enable_network_isolation=None "
    "profiler_config=None disable_profiler=None environment=None max_retry_attempts=None source_dir=None "
    "git_config=None hyperparameters=None container_log_level=20 code_location=None entry_point=None "
    "dependencies=None instance_groups=None training_repository_access_mode=None "
    "training_repository_credentials_provider_arn=None enable_infra_check=None container_entry_point=None "
    "container_arguments=None disable_output_compression=False enable_remote_debug=None "
    "enable_session_tag_chaining=None training_plan=None instance_placement_config=None"
)
_MODEL = (
    "image_uri=None model_data=None role=None predictor_cls=None env=None name=None vpc_config=None "
    "sagemaker_session=None enable_network_isolation=None model_kms_key=None image_config=None source_dir=None "
    "code_location=None entry_point=None container_log_level=20 dependencies=None git_config=None resources=None "
    "additional_model_data_sources=None model_reference_arn=None"
)
_PROCESSOR_TAIL = (
    "volume_size_in_gb=30 volume_kms_key=None output_kms_key=None max_runtime_in_seconds=None base_job_name=None "
    "sagemaker_session=None env=None tags=None network_config=None"
)
_SPARK = (
    "role=None instance_type=None instance_count=None framework_version=None py_version=None container_version=None "
    "image_uri=None volume_size_in_gb=30 volume_kms_key=None output_kms_key=None configuration_location=None "
    "dependency_location=None max_runtime_in_seconds=None base_job_name=None sagemaker_session=None env=None "
    "tags=None network_config=None"
)
_FRAMEWORK_PROCESSOR = (
    "estimator_cls framework_version role=None instance_count=None instance_type=None py_version=py3 image_uri=None "
    "command=None " + _PROCESSOR_TAIL.replace("base_job_name=None", "code_location=None base_job_name=None")
)
_SPECS: dict[str, str] = {
    # processing
    "Processor": "role=None image_uri=None instance_count=None instance_type=None entrypoint=None " + _PROCESSOR_TAIL,
    "ScriptProcessor": "role=None image_uri=None command=None instance_count=None instance_type=None "
    + _PROCESSOR_TAIL,
    "SKLearnProcessor": "framework_version role=None instance_count=None instance_type=None command=None "
    + _PROCESSOR_TAIL,
    "FrameworkProcessor": _FRAMEWORK_PROCESSOR,
    "PyTorchProcessor": _FRAMEWORK_PROCESSOR.replace("estimator_cls ", ""),
    "XGBoostProcessor": _FRAMEWORK_PROCESSOR.replace("estimator_cls ", ""),
    "TensorFlowProcessor": _FRAMEWORK_PROCESSOR.replace("estimator_cls ", ""),
    "HuggingFaceProcessor": "role=None instance_count=None instance_type=None transformers_version=None "
    "tensorflow_version=None pytorch_version=None py_version=None image_uri=None command=None "
    + _PROCESSOR_TAIL.replace("base_job_name=None", "code_location=None base_job_name=None"),
    "PySparkProcessor": _SPARK,
    "SparkJarProcessor": _SPARK,
    "ProcessingInput": "source=None destination=None input_name=None s3_data_type=S3Prefix s3_input_mode=File "
    "s3_data_distribution_type=FullyReplicated s3_compression_type=None! s3_input=None dataset_definition=None "
    "app_managed=False",
    "ProcessingOutput": "source=None destination=None output_name=None s3_upload_mode=EndOfJob app_managed=False "
    "feature_store_output=None",
    "NetworkConfig": "enable_network_isolation=None security_group_ids=None subnets=None "
    "encrypt_inter_container_traffic=None",
    # training
    "Estimator": "image_uri " + _ESTIMATOR_BASE.replace("disable_profiler=None", "disable_profiler=False"),
    "SKLearn": "entry_point framework_version=None py_version=py3 source_dir=None hyperparameters=None image_uri=None "
    "image_uri_region=None",
    "XGBoost": "entry_point framework_version source_dir=None hyperparameters=None py_version=py3 image_uri=None "
    "image_uri_region=None",
    "PyTorch": "entry_point=None framework_version=None py_version=None source_dir=None hyperparameters=None "
    "image_uri=None distribution=None compiler_config=None training_recipe=None recipe_overrides=None",
    "TensorFlow": "py_version=None framework_version=None model_dir=None image_uri=None distribution=None "
    "compiler_config=None",
    "HuggingFace": "py_version entry_point transformers_version=None tensorflow_version=None pytorch_version=None "
    "source_dir=None hyperparameters=None image_uri=None distribution=None compiler_config=None",
    "EstimatorBase": _ESTIMATOR_BASE,
    "TrainingInput": "s3_data distribution=None compression=None content_type=None record_wrapping=None "
    "s3_data_type=S3Prefix instance_groups=None input_mode=None attribute_names=None target_attribute_name=None "
    "shuffle_config=None hub_access_config=None model_access_config=None",
    # models and transform
    "Model": _MODEL,
    "SKLearnModel": "model_data role=None entry_point=None framework_version=None py_version=py3 image_uri=None "
    "predictor_cls=None model_server_workers=None",
    "XGBoostModel": "model_data role=None entry_point=None framework_version=None image_uri=None py_version=py3 "
    "predictor_cls=None model_server_workers=None",
    "PyTorchModel": "model_data role=None entry_point=None framework_version=1.3 py_version=None image_uri=None "
    "predictor_cls=None model_server_workers=None",
    "ModelMetrics": "model_statistics=None model_constraints=None model_data_statistics=None "
    "model_data_constraints=None bias=None explainability=None bias_pre_training=None bias_post_training=None",
    "MetricsSource": "content_type s3_uri content_digest=None",
    "FileSource": "s3_uri content_digest=None content_type=None",
    "Transformer": "model_name instance_count instance_type strategy=None assemble_with=None output_path=None "
    "output_kms_key=None accept=None max_concurrent_transforms=None max_payload=None tags=None env=None "
    "base_transform_job_name=None sagemaker_session=None volume_kms_key=None",
    "TransformInput": "data data_type=S3Prefix content_type=None compression_type=None split_type=None "
    "input_filter=None output_filter=None join_source=None model_client_config=None batch_data_capture_config=None",
    "CreateModelInput": "instance_type=None accelerator_type=None",
    # tuning
    "HyperparameterTuner": "estimator objective_metric_name hyperparameter_ranges metric_definitions=None "
    "strategy=Bayesian objective_type=Maximize max_jobs=None max_parallel_jobs=1 max_runtime_in_seconds=None "
    "tags=None base_tuning_job_name=None warm_start_config=None strategy_config=None completion_criteria_config=None "
    "early_stopping_type=Off estimator_name=None random_seed=None autotune=False hyperparameters_to_keep_static=None",
    "ContinuousParameter": "min_value max_value scaling_type=Auto",
    "IntegerParameter": "min_value max_value scaling_type=Auto",
    "CategoricalParameter": "values",
    # workflow
    "ParameterString": "name default_value=None enum_values=None",
    "ParameterInteger": "name default_value=None",
    "ParameterFloat": "name default_value=None",
    "ParameterBoolean": "name default_value=None",
    "Join": "on= values=[]",
    "JsonGet": "step_name=None property_file=None json_path=None s3_uri=None step=None",
    "PropertyFile": "name output_name path",
    "CacheConfig": "enable_caching=False expire_after=None",
    "StepRetryPolicy": "exception_types backoff_rate=2.0 interval_seconds=1 max_attempts=None expire_after_mins=None",
    "SageMakerJobStepRetryPolicy": "exception_types=None failure_reason_types=None backoff_rate=2.0 "
    "interval_seconds=1 max_attempts=None expire_after_mins=None",
    "PipelineExperimentConfig": "experiment_name trial_name",
    "PipelineSchedule": "name=None enabled=True start_date=None at=None rate=None cron=None",
    "Pipeline": "name= parameters=None pipeline_experiment_config=<default> steps=None sagemaker_session=None "
    "pipeline_definition_config=None",
    "ProcessingStep": "name step_args=None processor=None display_name=None description=None inputs=None "
    "outputs=None job_arguments=None code=None property_files=None cache_config=None depends_on=None "
    "retry_policies=None kms_key=None",
    "TrainingStep": "name step_args=None estimator=None display_name=None description=None inputs=None "
    "cache_config=None depends_on=None retry_policies=None",
    "TransformStep": "name step_args=None transformer=None inputs=None display_name=None description=None "
    "cache_config=None depends_on=None retry_policies=None",
    "TuningStep": "name step_args=None tuner=None display_name=None description=None inputs=None "
    "job_arguments=None cache_config=None depends_on=None retry_policies=None",
    "CreateModelStep": "name step_args=None model=None inputs=None depends_on=None retry_policies=None "
    "display_name=None description=None",
    "ModelStep": "name step_args depends_on=None retry_policies=None display_name=None description=None "
    "repack_model_step_settings=None",
    "ConditionStep": "name depends_on=None display_name=None description=None conditions=None if_steps=None "
    "else_steps=None",
    "FailStep": "name error_message=None display_name=None description=None depends_on=None",
    "LambdaStep": "name lambda_func display_name=None description=None inputs=None outputs=None cache_config=None "
    "depends_on=None",
    "LambdaOutput": "output_name=None output_type=String",
    "CallbackStep": "name sqs_queue_url inputs outputs display_name=None description=None cache_config=None "
    "depends_on=None",
    "CallbackOutput": "output_name=None output_type=String",
    "EMRStep": "name display_name description cluster_id step_config depends_on=None cache_config=None "
    "cluster_config=None execution_role_arn=None retry_policies=None",
    "EMRStepConfig": "jar args=None main_class=None properties=None",
    "NotebookJobStep": "input_notebook image_uri kernel_name name=None display_name=None description=None "
    "notebook_job_name=None role=None s3_root_uri=None parameters=None environment_variables=None "
    "initialization_script=None s3_kms_key=None instance_type=ml.m5.large volume_size=30 volume_kms_key=None "
    "encrypt_inter_container_traffic=True security_group_ids=None subnets=None max_retry_attempts=1 "
    "max_runtime_in_seconds=172800 tags=None additional_dependencies=None retry_policies=None depends_on=None",
    "QualityCheckStep": "name quality_check_config check_job_config skip_check=False fail_on_violation=True "
    "register_new_baseline=False model_package_group_name=None supplied_baseline_statistics=None "
    "supplied_baseline_constraints=None display_name=None description=None cache_config=None depends_on=None",
    "DataQualityCheckConfig": "baseline_dataset dataset_format record_preprocessor_script=None output_s3_uri=None "
    "post_analytics_processor_script=None",
    "ModelQualityCheckConfig": "baseline_dataset dataset_format problem_type inference_attribute=None "
    "probability_attribute=None ground_truth_attribute=None probability_threshold_attribute=None "
    "output_s3_uri=None post_analytics_processor_script=None",
    "CheckJobConfig": "role instance_count=1 instance_type=ml.m5.xlarge volume_size_in_gb=30 volume_kms_key=None "
    "output_kms_key=None max_runtime_in_seconds=None base_job_name=None sagemaker_session=None env=None tags=None "
    "network_config=None",
    "ClarifyCheckStep": "name clarify_check_config check_job_config skip_check=False fail_on_violation=True "
    "register_new_baseline=False model_package_group_name=None supplied_baseline_constraints=None display_name=None "
    "description=None cache_config=None depends_on=None",
    "DataBiasCheckConfig": "data_config data_bias_config methods=all kms_key=None",
    "ModelBiasCheckConfig": "data_config data_bias_config model_config model_predicted_label_config methods=all "
    "kms_key=None",
    "ModelExplainabilityCheckConfig": "data_config model_config explainability_config model_scores=None kms_key=None",
    "DataConfig": "s3_data_input_path s3_output_path s3_analysis_config_output_path=None label=None headers=None "
    "features=None dataset_type=text/csv s3_compression_type=None! joinsource=None facet_dataset_uri=None "
    "facet_headers=None predicted_label_dataset_uri=None predicted_label_headers=None predicted_label=None "
    "excluded_columns=None segmentation_config=None time_series_data_config=None",
    "BiasConfig": "label_values_or_threshold facet_name facet_values_or_threshold=None group_name=None",
    "ModelConfig": "model_name=None instance_count=None instance_type=None accept_type=None content_type=None "
    "content_template=None record_template=None custom_attributes=None accelerator_type=None "
    "endpoint_name_prefix=None target_model=None endpoint_name=None time_series_model_config=None",
    "ModelPredictedLabelConfig": "label=None probability=None probability_threshold=None label_headers=None",
    "SHAPConfig": "baseline=None num_samples=None agg_method=None use_logit=False save_local_shap_values=True "
    "seed=None num_clusters=None text_config=None image_config=None features_to_explain=None",
    "PDPConfig": "features=None grid_resolution=15 top_k_features=10",
    "DriftCheckBaselines": "model_statistics=None model_constraints=None model_data_statistics=None "
    "model_data_constraints=None bias_config_file=None bias_pre_training_constraints=None "
    "bias_post_training_constraints=None explainability_constraints=None explainability_config_file=None",
    "Lambda": "function_arn=None function_name=None execution_role_arn=None zipped_code_dir=None s3_bucket=None "
    "script=None handler=None session=None timeout=120 memory_size=128 runtime=python3.8 vpc_config=None "
    "environment=None layers=None",
    "ConditionEquals": "left right",
    "ConditionGreaterThan": "left right",
    "ConditionGreaterThanOrEqualTo": "left right",
    "ConditionLessThan": "left right",
    "ConditionLessThanOrEqualTo": "left right",
    "ConditionIn": "value in_values",
    "ConditionNot": "expression",
    "ConditionOr": "conditions=None",
    # sessions
    "Session": "boto_session=None sagemaker_client=None sagemaker_runtime_client=None sagemaker_featurestore_"
    "runtime_client=None default_bucket=None settings=None sagemaker_metrics_client=None sagemaker_config=None "
    "default_bucket_prefix=None",
    "PipelineSession": "boto_session=None sagemaker_client=None default_bucket=None settings=None "
    "sagemaker_config=None default_bucket_prefix=None",
}
OPEN = frozenset(
    {
        "SKLearn", "XGBoost", "PyTorch", "TensorFlow", "HuggingFace", "SKLearnModel", "XGBoostModel", "PyTorchModel",
        "Session", "PipelineSession",
    }
)  # fmt: skip
# Keyword arguments a class passes on to its base (the **kwargs of OPEN classes).
BASES = {
    "SKLearn": "EstimatorBase",
    "XGBoost": "EstimatorBase",
    "PyTorch": "EstimatorBase",
    "TensorFlow": "EstimatorBase",
    "HuggingFace": "EstimatorBase",
    "SKLearnModel": "Model",
    "XGBoostModel": "Model",
    "PyTorchModel": "Model",
}
ALIASES = {"LocalPipelineSession": "PipelineSession", "LocalSession": "Session"}


def _literal(text: str) -> Any:
    constants: dict[str, Any] = {"None": None, "False": False, "True": True, "[]": [], "<default>": DEFAULT}
    if text in constants:
        return constants[text]
    if text.endswith("!"):  # a string that reads like a constant: s3_compression_type="None"
        return text[:-1]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class _Default:
    def __repr__(self) -> str:
        return "<default>"


DEFAULT: Any = _Default()


def _parse(spec: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    names: list[str] = []
    defaults: dict[str, Any] = {}
    for item in spec.split():
        name, eq, value = item.partition("=")
        names.append(name)
        if eq:
            defaults[name] = _literal(value)
    return tuple(names), defaults


SIGNATURES: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {k: _parse(v) for k, v in _SPECS.items()}


def signature(kind: str) -> tuple[tuple[str, ...], dict[str, Any]] | None:
    """Parameter names in positional order and defaults of a class, its base's keywords included."""
    found = SIGNATURES.get(kind)
    if found is None:
        return None
    names, defaults = found
    base = BASES.get(kind)
    if base:
        base_names, base_defaults = SIGNATURES[base]
        defaults = {**base_defaults, **defaults}
        names = names + tuple(n for n in base_names if n not in names)
    return names, defaults


_RUN_TAIL = "wait=True logs=True job_name=None experiment_config=None"
_METHOD_SPECS: dict[str, str] = {
    "Processor.run": f"inputs=None outputs=None arguments=None {_RUN_TAIL} kms_key=None",
    "ScriptProcessor.run": f"code inputs=None outputs=None arguments=None {_RUN_TAIL} kms_key=None",
    "FrameworkProcessor.run": "code source_dir=None dependencies=None git_config=None inputs=None outputs=None "
    f"arguments=None {_RUN_TAIL} kms_key=None codeartifact_repo_arn=None",
    "PySparkProcessor.run": "submit_app submit_py_files=None submit_jars=None submit_files=None inputs=None "
    f"outputs=None arguments=None {_RUN_TAIL} configuration=None spark_event_logs_s3_uri=None kms_key=None",
    "SparkJarProcessor.run": "submit_app submit_class submit_jars=None submit_files=None inputs=None outputs=None "
    f"arguments=None {_RUN_TAIL} configuration=None spark_event_logs_s3_uri=None kms_key=None",
    "Estimator.fit": "inputs=None wait=True logs=All job_name=None experiment_config=None",
    "Transformer.transform": "data data_type=S3Prefix content_type=None compression_type=None split_type=None "
    "job_name=None input_filter=None output_filter=None join_source=None experiment_config=None "
    "model_client_config=None batch_data_capture_config=None wait=True logs=True",
    "HyperparameterTuner.fit": "inputs=None job_name=None include_cls_metadata=False estimator_kwargs=None wait=True",
    "Model.register": "content_types=None response_types=None inference_instances=None transform_instances=None "
    "model_package_name=None model_package_group_name=None image_uri=None model_metrics=None "
    "metadata_properties=None marketplace_cert=False approval_status=None description=None "
    "drift_check_baselines=None customer_metadata_properties=None validation_specification=None domain=None "
    "task=None sample_payload_url=None framework=None framework_version=None nearest_model_name=None "
    "data_input_configuration=None skip_model_validation=None source_uri=None model_card=None "
    "model_life_cycle=None accept_eula=None model_type=None model_package_registration_type=None base_model=None",
    "Model.create": "instance_type=None accelerator_type=None serverless_inference_config=None tags=None "
    "accept_eula=None model_reference_arn=None",
    "Estimator.transformer": "instance_count instance_type strategy=None assemble_with=None output_path=None "
    "output_kms_key=None accept=None env=None max_concurrent_transforms=None max_payload=None tags=None role=None "
    "volume_kms_key=None vpc_config_override=None enable_network_isolation=None model_name=None",
    "TuningStep.get_top_model_s3_uri": "top_k s3_bucket prefix=",
}
METHODS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {k: _parse(v) for k, v in _METHOD_SPECS.items()}
