"""QualityCheckStep and ClarifyCheckStep read statically: the same IR as the definition the SDK builds from
the same code (every check config kind, local and S3 scripts, pipeline variables in the settings, the check
properties in ModelMetrics and DriftCheckBaselines), and what the SDK would refuse reported where it is."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.load.test_source_agreement import CASE_ARGS, normalised

from sm2aml.load import load
from sm2aml.load.definition import load_definition

CASE = Path(__file__).resolve().parent / "check_steps"


def test_check_steps_agree_with_the_sdk() -> None:
    pytest.importorskip("sagemaker")
    from tests.sdk_offline import build_case

    from_json = load_definition(build_case(CASE), source="sdk")
    from_code = load(CASE / "build.py", args=CASE_ARGS)
    assert [d.one_line() for d in from_code.diagnostics] == []
    assert normalised(from_code) == normalised(from_json)
    assert {s.type for s in from_code.steps} == {"QualityCheck", "ClarifyCheck", "RegisterModel"}
    uploads = {Path(uri).parent.name: Path(path).name for uri, path in from_code.local_code.items()}
    assert uploads == {"baseline_dataset_input": "post.py", "record_preprocessor_script_input": "pre.py"}


HEAD = """\
from sagemaker.clarify import DataConfig, BiasConfig
from sagemaker.model_monitor import DatasetFormat
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.clarify_check_step import ClarifyCheckStep, DataBiasCheckConfig
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, ModelQualityCheckConfig, QualityCheckStep
"""  # 7 lines: snippet line N is file line N + 7

REFUSED = [
    pytest.param(
        """
        def build(session, role, bucket):
            job = CheckJobConfig(role=role, sagemaker_session=session)
            check = QualityCheckStep(name="Q", quality_check_config=None, check_job_config=job)
            return Pipeline(name="p", steps=[check])
        """,
        "11:13",
        "quality_check_config is NoneType; the SDK accepts only a DataQualityCheckConfig or ModelQualityCheckConfig",
        id="not-a-quality-config",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            job = CheckJobConfig(role=role, sagemaker_session=session)
            config = ModelQualityCheckConfig(
                baseline_dataset="s3://b/d", dataset_format=DatasetFormat.csv(), problem_type="Regression",
                inference_attribute=ParameterInteger(name="Column", default_value=0))
            check = QualityCheckStep(name="Q", quality_check_config=config, check_job_config=job)
            return Pipeline(name="p", steps=[check])
        """,
        "11:14",
        "inference_attribute cannot be a ParameterInteger (the SDK raises ValueError)",
        id="model-quality-attribute-of-a-non-string-parameter",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            header = ParameterString(name="Header")
            job = CheckJobConfig(role=role, sagemaker_session=session)
            config = DataQualityCheckConfig(baseline_dataset="s3://b/d", dataset_format=DatasetFormat.csv(header))
            check = QualityCheckStep(name="Q", quality_check_config=config, check_job_config=job)
            return Pipeline(name="p", steps=[check])
        """,
        "12:14",
        "is not a dict of known plain values",
        id="dataset-format-with-a-pipeline-variable",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            job = CheckJobConfig(role=role, sagemaker_session=session)
            config = DataQualityCheckConfig(baseline_dataset="s3://b/d", dataset_format=load_format())
            check = QualityCheckStep(name="Q", quality_check_config=config, check_job_config=job)
            return Pipeline(name="p", steps=[check])
        """,
        "11:81",
        "load_format",
        id="dataset-format-from-an-unknown-call",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            from sagemaker.workflow.fail_step import FailStep
            job = CheckJobConfig(role=role, sagemaker_session=session)
            config = DataQualityCheckConfig(baseline_dataset="s3://b/d", dataset_format=DatasetFormat.json())
            check = QualityCheckStep(name="Q", quality_check_config=config, check_job_config=job)
            fail = FailStep(name="F", error_message=check.properties.CalculatedStatistics)
            return Pipeline(name="p", steps=[check, fail])
        """,
        "14:45",
        "a QualityCheckStep's properties have no 'CalculatedStatistics'",
        id="a-property-the-sdk-does-not-define",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            out = ParameterString(name="Out", default_value="s3://b/o")
            data = DataConfig(s3_data_input_path="s3://b/d", s3_output_path=out, label="y")
            bias = BiasConfig(label_values_or_threshold=[1], facet_name="a")
            config = DataBiasCheckConfig(data_config=data, data_bias_config=bias)
            job = CheckJobConfig(role=role, sagemaker_session=session)
            check = ClarifyCheckStep(name="B", clarify_check_config=config, check_job_config=job)
            return Pipeline(name="p", parameters=[out], steps=[check])
        """,
        "11:12",
        "s3_output_path cannot be a pipeline variable when s3_analysis_config_output_path is not given",
        id="clarify-output-path-of-a-pipeline-variable",
    ),
    pytest.param(
        """
        def build(session, role, bucket):
            data = DataConfig(s3_data_input_path="s3://b/d", s3_output_path="s3://b/o", label="y")
            config = DataBiasCheckConfig(data_config=data, data_bias_config=None)
            job = CheckJobConfig(role=role, sagemaker_session=session)
            check = ClarifyCheckStep(name="B", clarify_check_config=config, check_job_config=job)
            return Pipeline(name="p", steps=[check])
        """,
        "13:13",
        "the DataBiasCheckConfig's data_bias_config is NoneType, not a BiasConfig",
        id="clarify-config-without-a-bias-config",
    ),
]


@pytest.mark.parametrize(("body", "where", "text"), REFUSED)
def test_what_the_sdk_refuses_is_located(tmp_path: Path, body: str, where: str, text: str) -> None:
    path = tmp_path / "pipeline.py"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    pipeline = load(path, args=CASE_ARGS)
    found = [(d.code, d.where) for d in pipeline.diagnostics if text in d.message]
    assert ("SM2AML122", where) in found, [d.one_line() for d in pipeline.diagnostics]
    assert pipeline.steps[0].type in ("QualityCheck", "ClarifyCheck")
