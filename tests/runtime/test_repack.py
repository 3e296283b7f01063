"""sm2aml_repack.py: the model archive gets its inference code, as SageMaker's repack step gives it."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from sm2aml import runtime


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """The component's src/ folder after fetch_code.sh: the launcher, the source_dir and SageMaker's own scripts."""
    folder = tmp_path / "src"
    (folder / "common").mkdir(parents=True)
    (folder / "sm2aml_repack.py").write_text(runtime.source("repack"), encoding="utf-8")
    (folder / "inference.py").write_text("def model_fn(d):\n    return d\n")
    (folder / "requirements.txt").write_text("joblib\n")
    (folder / "common" / "util.py").write_text("")
    (folder / "_repack_model.py").write_text("# SageMaker's script, not needed\n")
    return folder


@pytest.fixture
def packed(tmp_path: Path) -> Path:
    folder = tmp_path / "model_artifacts"
    folder.mkdir()
    (tmp_path / "weights.bin").write_bytes(b"\x00\x01")
    with tarfile.open(folder / "model.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "weights.bin", arcname="weights.bin")
    return folder


def _repack(src: Path, packed: Path, tmp_path: Path, *extra: str) -> tuple[list[str], list[str]]:
    model, artifacts = tmp_path / "model", tmp_path / "artifacts"
    command = [sys.executable, str(src / "sm2aml_repack.py"), "--model", str(packed)]
    command += ["--inference-script", "inference.py", "--model-dir", str(model), "--artifacts", str(artifacts)]
    subprocess.run(
        [*command, *extra],
        check=True,
        capture_output=True,
        timeout=60,
    )
    with tarfile.open(artifacts / "model.tar.gz") as tar:
        members = sorted(m.name for m in tar.getmembers() if m.isfile())
    return sorted(p.relative_to(model).as_posix() for p in model.rglob("*") if p.is_file()), members


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param([], ["code/inference.py", "weights.bin"], id="script-only"),
        pytest.param(
            ["--source-dir"],
            ["code/common/util.py", "code/inference.py", "code/requirements.txt", "weights.bin"],
            id="whole-source-dir",
        ),
        pytest.param(
            ["--dependency", "common"], ["code/inference.py", "code/lib/common/util.py", "weights.bin"], id="dependency"
        ),
    ],
)
def test_repacked_model_holds_the_code(
    src: Path, packed: Path, tmp_path: Path, extra: list[str], expected: list[str]
) -> None:
    folder, archive = _repack(src, packed, tmp_path, *extra)
    assert folder == expected
    assert archive == expected


def test_missing_inference_script_fails_loudly(src: Path, packed: Path, tmp_path: Path) -> None:
    (src / "inference.py").unlink()
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _repack(src, packed, tmp_path)
    assert b"inference.py is not beside sm2aml_repack.py" in failed.value.stderr
