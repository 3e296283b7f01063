"""Front-end agreement: the IR the source front end reads statically from a pipeline's Python equals the IR of
the definition JSON the SDK builds from the same Python (committed as pipeline.json / input.json, which
tests/test_sdk_cases.py keeps equal to what the SDK builds).

Normalised before comparing, because the SDK derives them from the machine or the clock:
- the 64-hex code hash in `.../code/<hash>/...` S3 keys (the SDK hashes the absolute paths of the checkout;
  the offline harness swaps in a path-independent hash);
- SDK time stamps `YYYY-MM-DD-HH-MM-SS-mmm` in generated names (the source front end uses a fixed one);
- in the ContainerArguments of a @step function's job, only the value after `--client_python_version` and
  after `--client_sagemaker_pysdk_version`: the SDK writes the Python and SDK version of the machine that
  defines the pipeline, which the source does not determine (the source front end writes the stand-ins
  documented in sm2aml.load.sdk_function);
- what only one side has: the pipeline name (a definition carries none), `where`, `source`, `diagnostics`,
  `local_code`, and `schedules` (triggers are put with `Pipeline.put_triggers`, never in the definition;
  tests/load/test_schedule_inputs.py compares them with the SDK's own resolution).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.sdk_offline import BUCKET, REGION, ROLE

from sm2aml import ir
from sm2aml.inspect import to_data
from sm2aml.load import load
from sm2aml.load.definition import load_definition

ROOT = Path(__file__).resolve().parents[2]
NYC = ROOT / "examples" / "sagemaker_nyc_taxi"
NYC_ARGS = {
    "role": "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole",
    "default_bucket": "sm2aml-example-artifacts",
}
CASE_ARGS = {"role": ROLE, "bucket": BUCKET, "region": REGION}
STATIC = (
    "model_register_transform",
    "tuning",
    "spark",
    "lambda_callback",
    "legacy_steps",
    "source_helpers",
    "condition_if_else",
    "function_notebook",
    "schedule",
    "monitoring",
)
HASH = re.compile(r"/code/[0-9a-f]{64}/")
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}")
ONE_SIDED = ("name", "source", "diagnostics", "local_code", "schedules")
MACHINE_FLAGS = ("--client_python_version", "--client_sagemaker_pysdk_version")


def normalised(pipeline: ir.Pipeline) -> Any:
    data = _normalise(to_data(pipeline))
    for key in ONE_SIDED:
        data.pop(key)
    return data


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return STAMP.sub("<timestamp>", HASH.sub("/code/<hash>/", value))
    if isinstance(value, list):
        return [
            "<machine>" if i and isinstance(value[i - 1], str) and value[i - 1] in MACHINE_FLAGS else _normalise(v)
            for i, v in enumerate(value)
        ]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items() if k != "where"}
    return value


PAIRS = [
    pytest.param(NYC / "pipeline.py", NYC / "pipeline.json", NYC_ARGS, id="nyc_taxi"),
    *(
        pytest.param(
            ROOT / "tests" / "cases" / c / "build.py", ROOT / "tests" / "cases" / c / "input.json", CASE_ARGS, id=c
        )
        for c in STATIC
    ),
]


@pytest.mark.parametrize(("code", "definition", "args"), PAIRS)
def test_source_and_definition_give_the_same_ir(code: Path, definition: Path, args: dict[str, str]) -> None:
    from_json = load_definition(definition.read_text(encoding="utf-8"), source=str(definition))
    from_code = load(code, args=args)
    assert normalised(from_code) == normalised(from_json)
    assert [d.one_line() for d in from_code.diagnostics] == []


def test_the_normalisation_hides_only_hashes_and_time_stamps() -> None:
    from_json = load_definition((NYC / "pipeline.json").read_text(encoding="utf-8"))
    from_code = load(NYC / "pipeline.py", args=NYC_ARGS)
    assert normalised(from_code) != normalised(load(NYC / "pipeline.py", args={**NYC_ARGS, "role": "arn:aws:x/y"}))
    code_uris = sorted(HASH.sub("/code/H/", u) for u in _strings(to_data(from_code.steps)) if "/code/" in u)
    json_uris = sorted(HASH.sub("/code/H/", u) for u in _strings(to_data(from_json.steps)) if "/code/" in u)
    assert code_uris == json_uris
    assert len([u for u in code_uris if "/code/H/" in u]) == 5


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def test_local_code_names_the_files_the_sdk_would_upload() -> None:
    pipeline = load(NYC / "pipeline.py", args=NYC_ARGS)
    code = NYC / "code"
    by_name = {uri.rsplit("/", 1)[-1]: Path(path) for uri, path in pipeline.local_code.items()}
    assert {k: v for k, v in by_name.items() if k != "sourcedir.tar.gz"} == {
        name: code / name for name in ("prep.py", "transform.py", "predict.py", "score.py")
    }
    assert set(Path(p) for u, p in pipeline.local_code.items() if u.endswith("sourcedir.tar.gz")) == {code}
    bucket = f"s3://{NYC_ARGS['default_bucket']}/NycTaxiFarePipeline/code/"
    assert sum(u.startswith(bucket) for u in pipeline.local_code) == 5


def test_code_hashes_are_the_sdks() -> None:
    """The S3 key the SDK derives from the code (the real hash, not the test harness's portable one)."""
    utilities = pytest.importorskip("sagemaker.workflow.utilities")
    pipeline = load(NYC / "pipeline.py", args=NYC_ARGS)
    for uri, path in pipeline.local_code.items():
        if "/code/" in uri:
            digest = uri.split("/code/", 1)[1].split("/", 1)[0]
            assert digest == utilities.hash_files_or_dirs([path]), uri
