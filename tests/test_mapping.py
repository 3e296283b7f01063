"""The mapping file (sm2aml.toml): parsing with located findings, and its names in `convert` and `report` output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sm2aml import emit, load
from sm2aml.config import Options
from sm2aml.emit import write
from sm2aml.mapping import SERVERLESS, parse
from sm2aml.rules import convert
from sm2aml.validate import validate

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "cases" / "processing_training" / "input.json"
ROLE = "arn:aws:iam::123456789012:role/MlPipelineRole"
SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn"
MAPPING = f"""\
[defaults]
compute = "serverless"
prefix = "mig_"
storage_account = "stportfolio01"

[buckets."acme-raw-data"]
datastore = "raw_zone"
container = "raw-zone"
storage_account = "stlake01"

[roles]
"{ROLE}" = "id-ml-platform"

[instance_types]
"ml.m5.xlarge" = "Standard_D8s_v5"

[images]
"{SKLEARN}" = "azureml:team-sklearn:3"
"""


def sm2aml(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sm2aml", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("[defaults]\ncompute = 'x'\n[[", ["x.toml:3:"], id="syntax"),
        pytest.param("[defaults]\ncolour = 'red'\n", ["x.toml:2:1: warning SM2AML151"], id="unknown-key"),
        pytest.param("[bucket]\na = 1\n", ["x.toml:1:1: warning SM2AML151"], id="unknown-table"),
        pytest.param("[roles]\n\n'arn:aws:iam::1:role/R' = 7\n", ["x.toml:3:1: error SM2AML152"], id="wrong-type"),
        pytest.param('buckets = "b"\n', ["x.toml:1:1: error SM2AML152"], id="table-expected"),
        pytest.param(
            '[buckets."my.bucket"]\ncontainer = "Has_Caps"\n', ["x.toml:2:1: error SM2AML153"], id="illegal-container"
        ),
        pytest.param('[roles]\n"not-an-arn" = "id-x"\n', ["x.toml:2:1: error SM2AML153"], id="not-an-arn"),
        pytest.param('[instance_types]\n"ml.m5.large" = "D4"\n', ["x.toml:2:1: error SM2AML153"], id="vm-size"),
        pytest.param('[defaults]\ncompute = "my cluster"\n', ["x.toml:2:1: error SM2AML153"], id="cluster-name"),
        pytest.param(MAPPING, [], id="clean"),
    ],
)
def test_problems_are_located_by_line(text: str, found: list[str]) -> None:
    diags = parse(text, "x.toml").diagnostics
    lines = [d.one_line() for d in diags]
    assert len(lines) == len(found)
    if text.endswith("[["):
        assert [d.code for d in diags] == ["SM2AML150"]
    assert [line[: len(f)] for line, f in zip(lines, found, strict=True)] == found


def test_values_are_read() -> None:
    mapping = parse(MAPPING, "m.toml")
    assert mapping.compute == SERVERLESS and mapping.prefix == "mig_" and mapping.storage_account == "stportfolio01"
    assert mapping.buckets["acme-raw-data"].datastore == "raw_zone"
    assert mapping.buckets["acme-raw-data"].storage_account == "stlake01"
    assert mapping.roles == {ROLE: "id-ml-platform"}
    assert mapping.image_for(f"{SKLEARN}:1.2-1-cpu-py3") == "azureml:team-sklearn:3", "a repository key matches any tag"
    assert mapping.lines[("roles", ROLE)] == 12
    unused = mapping.unused(
        {"buckets": {"other"}, "roles": {ROLE}, "instance_types": set(), "images": {SKLEARN + ":1"}}
    )
    assert [d.one_line() for d in unused] == [
        "m.toml:6:1: info SM2AML154: [buckets] 'acme-raw-data' matches nothing in the inputs",
        "m.toml:15:1: info SM2AML154: [instance_types] 'ml.m5.xlarge' matches nothing in the inputs",
    ]


def _project(tmp_path: Path, text: str) -> Path:
    mapping = parse(text, "m.toml")
    assert mapping.diagnostics == ()
    options = Options(storage_account=mapping.storage_account, prefix=mapping.prefix, mapping=mapping)
    project, _ = convert(load(CASE), options)
    out = tmp_path / "out"
    write(emit(project), out)
    assert [d.one_line() for d in validate(out, azure=True)] == []
    return out


def test_the_mapping_names_datastores_identities_sizes_and_environments(tmp_path: Path) -> None:
    out = _project(tmp_path, MAPPING)
    raw = yaml.safe_load((out / "datastores" / "raw_zone.yml").read_text())
    assert (raw["account_name"], raw["container_name"]) == ("stlake01", "raw-zone")
    assert "id-ml-platform" in (out / "identity" / "create_identities.sh").read_text()
    pipeline = (out / "pipeline.yml").read_text()
    assert "azureml://datastores/raw_zone/paths/" in pipeline
    assert "Standard_D8s_v5" in pipeline and "Standard_D4s_v3" not in pipeline
    components = sorted(p.parent.name for p in (out / "components").glob("*/component.yml"))
    assert components and all(name.startswith("mig_") for name in components)
    environments = {yaml.safe_load(p.read_text())["environment"] for p in (out / "components").glob("*/component.yml")}
    assert "azureml:team-sklearn:3" in environments


def test_a_default_cluster_runs_every_node_there(tmp_path: Path) -> None:
    out = _project(tmp_path, '[defaults]\ncompute = "cpu-cluster"\n')
    job = yaml.safe_load((out / "pipeline.yml").read_text())
    assert job["settings"]["default_compute"] == "azureml:cpu-cluster"
    sized = [n for n in job["jobs"].values() if "compute" in n]
    assert sized and all(n["compute"] == "azureml:cpu-cluster" for n in sized)
    assert all("instance_type" not in n.get("resources", {}) for n in job["jobs"].values())


def test_report_and_convert_both_read_the_mapping(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(MAPPING, encoding="utf-8")
    report = sm2aml("report", CASE, "--mapping", tmp_path / "m.toml", "--format", "json")
    assert report.returncode == 0, report.stderr
    doc = json.loads(report.stdout)
    inventory = doc["pipelines"][0]["inventory"]
    targets = {(kind, x["source"]): x["target"] for kind, items in inventory.items() for x in items}
    assert targets[("buckets", "acme-raw-data")] == "raw_zone"
    other = next(b for b in inventory["buckets"] if b["source"] == "acme-ml-artifacts")
    assert other["storage_account"] == "stportfolio01", "[defaults] storage_account for the buckets not listed"
    assert targets[("roles", ROLE)] == "id-ml-platform"
    assert targets[("instance_types", "ml.m5.xlarge")] == "Standard_D8s_v5"
    assert targets[("images", SKLEARN + ":1.2-1-cpu-py3")] == "azureml:team-sklearn:3"
    assert doc["mapping"]["source"].endswith("m.toml")
    assert {b["datastore"] for b in doc["portfolio"]["buckets"]} >= {"raw_zone"}

    # found in the current folder without --mapping
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(tmp_path / "m.toml", work / "sm2aml.toml")
    result = sm2aml("convert", CASE, "-o", work / "out", "-q", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "out" / "datastores" / "raw_zone.yml").is_file()
    assert "id-ml-platform" in (work / "out" / "identity" / "create_identities.sh").read_text()
    assert "Standard_D8s_v5" in (work / "out" / "pipeline.yml").read_text()


def test_a_broken_mapping_file_stops_with_exit_2_and_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[roles]\n"arn:aws:iam::1:role/R" = 1\n', encoding="utf-8")
    for command in (["report", CASE], ["convert", CASE, "-o", tmp_path / "out"]):
        result = sm2aml(*command, "--mapping", bad)
        assert result.returncode == 2
        assert f"{bad}:2:1: error SM2AML152" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unused_entry_is_reported_and_fails_nothing(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('[roles]\n"arn:aws:iam::1:role/Gone" = "id-gone"\n', encoding="utf-8")
    result = sm2aml("report", CASE, "--mapping", tmp_path / "m.toml", "--format", "json", "--fail-on", "warning")
    doc = json.loads(result.stdout)
    assert [d["code"] for d in doc["mapping"]["diagnostics"]] == ["SM2AML154"]
    assert result.returncode == 1, "the pipeline's own warnings still count"


def test_init_writes_the_defaults_so_a_run_with_them_changes_nothing(tmp_path: Path) -> None:
    inputs = [CASE, ROOT / "tests" / "cases" / "tuning" / "input.json"]
    target = tmp_path / "sm2aml.toml"
    result = sm2aml("init", *inputs, "-o", target)
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    mapping = parse(text, str(target))
    assert mapping.diagnostics == ()
    assert ROLE in mapping.roles and "acme-raw-data" in mapping.buckets and "ml.m5.xlarge" in mapping.instance_types
    assert text.count("\n#") > 10, "the starter file is commented"
    plain, mapped = tmp_path / "plain", tmp_path / "mapped"
    assert sm2aml("convert", CASE, "-o", plain, "-q", cwd=tmp_path / "..").returncode == 0
    assert sm2aml("convert", CASE, "-o", mapped, "-q", "--mapping", target).returncode == 0
    report_files = {"report.json", "MIGRATION_REPORT.md"}
    files = sorted(p.relative_to(plain).as_posix() for p in plain.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(mapped).as_posix() for p in mapped.rglob("*") if p.is_file())
    for name in set(files) - report_files:
        assert (plain / name).read_bytes() == (mapped / name).read_bytes(), name

    again = sm2aml("init", *inputs, "-o", target)
    assert again.returncode == 2 and "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == text
    assert sm2aml("init", *inputs, "-o", target, "--force").returncode == 0
