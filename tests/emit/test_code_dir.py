"""convert --code-dir: step code from a local checkout, and where the scripts use container paths."""

from __future__ import annotations

from pathlib import Path

from sm2aml import convert, load
from sm2aml.emit import deploy, emit
from sm2aml.emit.code import local_code, path_findings, settle

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sagemaker_nyc_taxi"


def test_scripts_are_found_by_name_and_source_dirs_copied_whole() -> None:
    project, _ = convert(load(EXAMPLE / "pipeline.json"))
    files, missing = local_code(project, EXAMPLE / "code")
    paths = {f.path for f in files}
    assert "components/prep_taxi_data/src/prep.py" in paths
    assert "components/prep_taxi_data/src/train.py" not in paths, "a single script brings only itself"
    assert {"components/train_taxi_model/src/train.py", "components/train_taxi_model/src/inference.py"} <= paths
    assert missing == []
    prep = next(f for f in files if f.path == "components/prep_taxi_data/src/prep.py")
    assert prep.text == (EXAMPLE / "code" / "prep.py").read_bytes()


def test_unmatched_code_is_reported(tmp_path: Path) -> None:
    project, _ = convert(load(EXAMPLE / "pipeline.json"))
    (tmp_path / "prep.py").write_text("print('x')\n")
    files, missing = local_code(project, tmp_path)
    assert any(uri.endswith("/transform.py") for uri in missing)
    assert [f.path for f in files if f.path.startswith("components/prep_taxi_data/")] == [
        "components/prep_taxi_data/src/prep.py"
    ]


def test_container_path_literals_are_listed_with_their_place() -> None:
    project, _ = convert(load(EXAMPLE / "pipeline.json"))
    files, _ = local_code(project, EXAMPLE / "code")
    findings = path_findings(project, files)
    prep = [d for d in findings if d.where.startswith("components/prep_taxi_data/src/prep.py:")]
    assert {d.code for d in prep} == {"SM2AML213"}
    line = next(
        i
        for i, text in enumerate((EXAMPLE / "code" / "prep.py").read_text().splitlines(), 1)
        if '"/opt/ml/processing/input"' in text
    )
    assert any(d.where.startswith(f"components/prep_taxi_data/src/prep.py:{line}:") for d in prep)


def test_a_path_no_input_provides_is_flagged(tmp_path: Path) -> None:
    project, _ = convert(load(EXAMPLE / "pipeline.json"))
    (tmp_path / "prep.py").write_text('EXTRA = "/opt/ml/processing/extra/lookup.csv"\n')
    files, _ = local_code(project, tmp_path)
    findings = path_findings(project, files)
    (flag,) = [d for d in findings if d.code == "SM2AML214" and "/prep_taxi_data/" in d.where]
    assert flag.where == "components/prep_taxi_data/src/prep.py:1:9"
    assert "/opt/ml/processing/extra/lookup.csv" in flag.message


def test_code_found_locally_is_not_fetched_or_reported_as_missing(tmp_path: Path) -> None:
    project, _ = convert(load(EXAMPLE / "pipeline.json"))
    (tmp_path / "prep.py").write_text("print('x')\n")
    _, missing = local_code(project, tmp_path)
    settled = settle(project, missing, tmp_path)
    assert [c.uri for c in settled.code_sources] == missing, "only what was not found is left to fetch"
    prep = next(c for c in project.code_sources if c.uri.endswith("/prep.py"))
    at_prep = [d for d in settled.diagnostics if d.where == prep.where]
    assert [d.code for d in at_prep] == ["SM2AML217"] and f"--code-dir {tmp_path}" in at_prep[0].message
    assert sum(d.code == "SM2AML203" for d in settled.diagnostics) == len(missing)
    fetch = next(f.text for f in emit(settled) if f.path == "data_migration/fetch_code.sh")
    assert isinstance(fetch, str) and "prep.py" not in fetch and "transform.py" in fetch


def test_the_source_route_copies_every_script_and_fetches_none() -> None:
    args = {"role": "arn:aws:iam::1:role/r", "default_bucket": "b"}
    pipeline = load(EXAMPLE / "pipeline.py", args=args)
    project, _ = convert(pipeline)
    _, missing = local_code(project, None, pipeline.local_code)
    settled = settle(project, missing, None, pipeline.local_code)
    assert missing == [] and settled.code_sources == ()
    assert not [d for d in settled.diagnostics if d.code == "SM2AML203"]
    assert sum(d.code == "SM2AML217" for d in settled.diagnostics) == len(project.code_sources) == 6
    plan = [step.stage for step in deploy.plan(settled)]
    assert "code" not in plan and "code" in [step.stage for step in deploy.plan(project)]
