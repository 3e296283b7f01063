"""The launchers shipped in emitted components, run as subprocesses from a temp code folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from sm2aml import runtime

TIMEOUT = 60


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _env(root: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The launchers make scratch folders with tempfile; keep them inside the test's tmp_path."""
    scratch = root / "scratch"
    scratch.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(scratch), **(extra or {})}


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# --- processing ------------------------------------------------------------------------------

PROCESS_PY = textwrap.dedent('''\
    """A SageMaker processing script that only knows the container paths."""
    import json
    import os
    import sys

    from helpers.paths import OUTPUT  # a module in a sub-folder of the code

    # a comment naming /opt/ml/processing/output is not code
    data_dir = "/opt/ml/processing/input/data"
    single_dir = '/opt/ml/processing/input/single'
    names = sorted(os.listdir(data_dir))
    total = sum(int(open(os.path.join(data_dir, n)).read()) for n in names)
    single = sorted(os.listdir(single_dir))
    with open(os.path.join(single_dir, single[0])) as f:
        single_text = f.read()
    tag = "report"
    with open(f"/opt/ml/processing/output/{tag}.txt", "w") as f:
        f.write("written through an f-string")
    with open("config.json") as f:
        config = json.load(f)
    result = {
        "names": names, "total": total, "single": single, "single_text": single_text,
        "args": sys.argv[1:], "config": config, "output": OUTPUT,
        "longer": "/opt/ml/processing/output_extra",
        "code": os.path.dirname(os.path.abspath(__file__)),
        "blob": open("blob.bin", "rb").read().hex(),
    }
    with open(os.path.join(OUTPUT, "result.json"), "w") as f:
        json.dump(result, f)
    sys.exit(int(os.environ.get("EXIT_CODE", "0")))
    ''')
HELPER_PY = 'OUTPUT = "/opt/ml/processing/output"\n'
CONFIG_JSON = '{"out": "/opt/ml/processing/output/", "keep": "/opt/ml/model"}\n'
BINARY = b"\x00\x01/opt/ml/processing/output\xff"


@pytest.fixture
def processing(tmp_path: Path) -> dict[str, Path]:
    code = tmp_path / "code"
    (code / "helpers").mkdir(parents=True)
    (code / runtime.LAUNCHERS["processing"]).write_text(runtime.source("processing"), encoding="utf-8")
    (code / "process.py").write_text(PROCESS_PY, encoding="utf-8")
    (code / "helpers" / "__init__.py").write_text("", encoding="utf-8")
    (code / "helpers" / "paths.py").write_text(HELPER_PY, encoding="utf-8")
    (code / "config.json").write_text(CONFIG_JSON, encoding="utf-8")
    (code / "blob.bin").write_bytes(BINARY)
    data = tmp_path / "mounted data"  # a space, as mount paths may have
    data.mkdir()
    for name, value in (("a.txt", "1"), ("b.txt", "2"), ("c.txt", "39")):
        (data / name).write_text(value, encoding="utf-8")
    single = tmp_path / "mounts" / "abalone.csv"
    single.parent.mkdir()
    single.write_text("1,2,3\n", encoding="utf-8")
    return {"code": code, "data": data, "single": single, "out": tmp_path / "out", "root": tmp_path}


def _run_processing(
    paths: dict[str, Path], *extra: str, env: dict[str, str] | None = None, command: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    launcher = paths["code"] / runtime.LAUNCHERS["processing"]
    maps = [
        "--map",
        "/opt/ml/processing/input/code=.",
        "--map",
        f"/opt/ml/processing/input/data={paths['data']}",
        "--map",
        f"/opt/ml/processing/input/single/={paths['single']}",
        "--map",
        f"/opt/ml/processing/output={paths['out']}",
    ]
    if command is None:
        command = [
            sys.executable,
            "/opt/ml/processing/input/code/process.py",
            "--out",
            "/opt/ml/processing/output/x",
            "--other",
            "/opt/ml/processing/outputs",
        ]
    return subprocess.run(
        [sys.executable, str(launcher), *maps, *extra, "--", *command],
        cwd=paths["root"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=_env(paths["root"], env),
    )


def test_processing_maps_container_paths_to_the_given_folders(processing: dict[str, Path]) -> None:
    before = _snapshot(processing["code"])
    opt_ml_existed = Path("/opt/ml").exists()
    proc = _run_processing(processing)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((processing["out"] / "result.json").read_text(encoding="utf-8"))
    out = str(processing["out"])
    assert result["names"] == ["a.txt", "b.txt", "c.txt"]
    assert result["total"] == 42
    assert result["output"] == out, "a literal in an imported module is mapped too"
    assert result["args"] == ["--out", f"{out}/x", "--other", "/opt/ml/processing/outputs"]
    assert result["config"] == {"out": f"{out}/", "keep": "/opt/ml/model"}, "text files are mapped too"
    assert result["longer"] == "/opt/ml/processing/output_extra", "only whole path segments are mapped"
    assert (processing["out"] / "report.txt").read_text() == "written through an f-string"
    assert Path("/opt/ml").exists() == opt_ml_existed, "the launcher never writes to /opt/ml"
    assert _snapshot(processing["code"]) == before, "the user's code folder is not modified"
    code_copy = Path(result["code"])
    assert code_copy != processing["code"].resolve()
    assert bytes.fromhex(result["blob"]) == BINARY, "other files are copied byte for byte"
    assert not code_copy.exists(), "the launcher removes its scratch copy when the script ends"


def test_processing_single_file_input_appears_inside_a_folder(processing: dict[str, Path]) -> None:
    proc = _run_processing(processing)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((processing["out"] / "result.json").read_text(encoding="utf-8"))
    assert result["single"] == ["abalone.csv"]
    assert result["single_text"] == "1,2,3\n"
    assert processing["single"].read_text() == "1,2,3\n"


def test_processing_reports_each_rewrite_with_file_and_line(processing: dict[str, Path]) -> None:
    proc = _run_processing(processing)
    assert proc.returncode == 0, proc.stderr
    reported = [line for line in proc.stderr.splitlines() if line.startswith("sm2aml: ") and " -> " in line]
    # "sm2aml: FILE:LINE:COL: OLD -> NEW" -> (FILE, LINE)
    places = sorted(tuple(line.split(" ")[1].split(":")[:2]) for line in reported)
    python_places = sorted(p for p in places if p[0].endswith(".py"))
    assert python_places == sorted(
        [
            ("helpers/paths.py", "1"),
            ("process.py", str(_line_of(PROCESS_PY, "data_dir = "))),
            ("process.py", str(_line_of(PROCESS_PY, "single_dir = "))),
            ("process.py", str(_line_of(PROCESS_PY, "/opt/ml/processing/output/{tag}"))),
        ]
    ), "each rewritten literal is reported once; comments and longer names are not"
    data_line = next(line for line in reported if f"process.py:{_line_of(PROCESS_PY, 'data_dir = ')}:" in line)
    assert '"/opt/ml/processing/input/data"' in data_line and str(processing["data"]) in data_line
    assert "sm2aml: running " in proc.stderr


def test_processing_reports_rewrites_in_text_files(processing: dict[str, Path]) -> None:
    proc = _run_processing(processing)
    assert proc.returncode == 0, proc.stderr
    reported = [line for line in proc.stderr.splitlines() if line.startswith("sm2aml: config.json:1:")]
    assert len(reported) == 1
    assert "/opt/ml/processing/output/" in reported[0] and str(processing["out"]) in reported[0]


def _python_312_or_later() -> str | None:
    """An interpreter whose tokenizer splits f-strings (3.12+): this one, or one on PATH."""
    if sys.version_info >= (3, 12):
        return sys.executable
    for name in ("python3.14", "python3.13", "python3.12"):
        found = shutil.which(name)
        if (
            found
            and subprocess.run(
                [found, "-c", "import sys; assert sys.version_info >= (3, 12)"],
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            ).returncode
            == 0
        ):
            return found
    return None


def test_processing_rewrites_f_strings_on_python_312_and_later(processing: dict[str, Path]) -> None:
    python = _python_312_or_later()
    if python is None:
        pytest.skip("no Python >= 3.12 interpreter available")
    script = 'tag = "x"\nopen(f"/opt/ml/processing/output/{tag}.txt", "w").write("hi")\n'
    (processing["code"] / "fstring.py").write_text(script, encoding="utf-8")
    launcher = processing["code"] / runtime.LAUNCHERS["processing"]
    proc = subprocess.run(
        [
            python,
            str(launcher),
            "--map",
            "/opt/ml/processing/input/code=.",
            "--map",
            f"/opt/ml/processing/output={processing['out']}",
            "--",
            python,
            "/opt/ml/processing/input/code/fstring.py",
        ],
        cwd=processing["root"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=_env(processing["root"]),
    )
    assert proc.returncode == 0, proc.stderr
    assert (processing["out"] / "x.txt").read_text() == "hi"
    assert "sm2aml: fstring.py:2:" in proc.stderr


def test_processing_logs_a_property_file_as_mlflow_metrics(processing: dict[str, Path]) -> None:
    report = {"regression_metrics": {"mse": {"value": 4.5, "standard_deviation": 1}, "ok": True}, "n": [2, "x"]}
    writer = f"import json; json.dump({report!r}, open('/opt/ml/processing/output/evaluation.json', 'w'))"
    (processing["code"] / "evaluate.py").write_text(writer, encoding="utf-8")
    fake = processing["root"] / "fake"
    fake.mkdir()
    (fake / "mlflow.py").write_text(FAKE_MLFLOW, encoding="utf-8")
    record = processing["root"] / "mlflow.jsonl"
    env = {"PYTHONPATH": str(fake), "MLFLOW_RECORD": str(record)}
    command = [sys.executable, "/opt/ml/processing/input/code/evaluate.py"]
    extra = ("--metrics-json", "/opt/ml/processing/output/evaluation.json")
    proc = _run_processing(processing, *extra, env=env, command=command)
    assert proc.returncode == 0, proc.stderr
    logged = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert logged == [
        ["regression_metrics.mse.value", 4.5, None],
        ["regression_metrics.mse.standard_deviation", 1.0, None],
        ["n.0", 2.0, None],
    ]
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    record.unlink()
    assert _run_processing(processing, *extra, env=env, command=failing).returncode == 3
    assert not record.exists(), "nothing is logged when the step fails"


@pytest.mark.parametrize("code", [1, 3, 42])
def test_processing_exit_code_passes_through(processing: dict[str, Path], code: int) -> None:
    proc = _run_processing(processing, env={"EXIT_CODE": str(code)})
    assert proc.returncode == code
    assert (processing["out"] / "result.json").is_file(), "the script ran before exiting"


def test_processing_runs_a_command_that_is_not_python(processing: dict[str, Path]) -> None:
    proc = _run_processing(
        processing,
        command=["sh", "-c", 'ls "$1" > /opt/ml/processing/output/ls.txt', "sh", "/opt/ml/processing/input/data"],
    )
    assert proc.returncode == 0, proc.stderr
    assert (processing["out"] / "ls.txt").read_text().split() == ["a.txt", "b.txt", "c.txt"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--map", "/opt/ml/processing/output=/tmp/x", "python", "x.py"], "expected '--'", id="no-separator"
        ),
        pytest.param(
            ["--map", "/opt/ml/processing/output", "--", "python", "x.py"],
            "expected --map CONTAINER=LOCAL",
            id="map-without-equals",
        ),
        pytest.param(["--map", "--", "python"], "expected --map CONTAINER=LOCAL", id="map-without-value"),
        pytest.param(["--mapping", "a=b", "--", "python"], "expected --map CONTAINER=LOCAL", id="unknown-option"),
        pytest.param(["--map", "/a=/tmp/a", "--"], "no command after '--'", id="no-command"),
    ],
)
def test_processing_bad_arguments_exit_non_zero_with_a_message(
    processing: dict[str, Path], argv: list[str], message: str
) -> None:
    launcher = processing["code"] / runtime.LAUNCHERS["processing"]
    proc = subprocess.run(
        [sys.executable, str(launcher), *argv],
        cwd=processing["root"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=_env(processing["root"]),
    )
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


# --- training --------------------------------------------------------------------------------

TRAIN_PY = textwrap.dedent("""\
    import argparse
    import json
    import os
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--name")
    parser.add_argument("--quoted")
    parser.add_argument("--flag")
    args = parser.parse_args()

    train = os.environ["SM_CHANNEL_TRAIN"]
    files = sorted(os.listdir(train))
    rows = sum(len(open(os.path.join(train, f)).read().splitlines()) for f in files)
    model_dir = os.environ["SM_MODEL_DIR"]
    with open(os.path.join(model_dir, "model.txt"), "w") as f:
        f.write(f"n={args.n} rows={rows}")
    os.makedirs(os.path.join(model_dir, "extra"), exist_ok=True)
    with open(os.path.join(model_dir, "extra", "vocab.txt"), "w") as f:
        f.write("a b c")
    with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "metrics.json"), "w") as f:
        json.dump({"rows": rows}, f)
    print("REPORT " + json.dumps({
        "argv": sys.argv[1:], "n": args.n, "lr": args.lr, "name": args.name, "quoted": args.quoted,
        "flag": args.flag, "rows": rows,
        "env": {k: v for k, v in os.environ.items() if k.startswith("SM_")},
        "single": sorted(os.listdir(os.environ["SM_CHANNEL_SINGLE"])),
    }))
    sys.exit(int(os.environ.get("EXIT_CODE", "0")))
    """)


@pytest.fixture
def training(tmp_path: Path) -> dict[str, Path]:
    code = tmp_path / "code"
    code.mkdir()
    (code / runtime.LAUNCHERS["training"]).write_text(runtime.source("training"), encoding="utf-8")
    (code / "train.py").write_text(TRAIN_PY, encoding="utf-8")
    train = tmp_path / "train"
    train.mkdir()
    (train / "part-0.csv").write_text("1,2\n3,4\n", encoding="utf-8")
    (train / "part-1.csv").write_text("5,6\n", encoding="utf-8")
    single = tmp_path / "single" / "labels.csv"
    single.parent.mkdir()
    single.write_text("y\n", encoding="utf-8")
    return {
        "code": code,
        "train": train,
        "single": single,
        "model": tmp_path / "model",
        "artifacts": tmp_path / "artifacts",
        "data": tmp_path / "output-data",
        "archive": tmp_path / "archive",
        "root": tmp_path,
    }


def _run_training(
    paths: dict[str, Path], *extra: str, entry: str = "train.py", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    argv = [
        sys.executable,
        runtime.LAUNCHERS["training"],
        "--entry-point",
        entry,
        "--model-dir",
        str(paths["model"]),
        "--artifacts",
        str(paths["artifacts"]),
        "--output-data-dir",
        str(paths["data"]),
        "--output-archive",
        str(paths["archive"]),
        "--channel",
        f"train={paths['train']}",
        "--channel",
        f"single={paths['single']}",
        *extra,
    ]
    return subprocess.run(
        argv,
        cwd=paths["code"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=_env(paths["root"], env),
    )


HPS = ["--hp", "n=5", "--hp", "lr=0.1", "--hp", "name=abc", "--hp", 'quoted="5"', "--hp", "flag=true"]


def _report(proc: subprocess.CompletedProcess[str]) -> dict:
    line = next(line for line in proc.stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT "))


def _members(archive: Path) -> dict[str, bytes | None]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: (tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()}


def test_training_runs_the_entry_point_and_packs_the_model(training: dict[str, Path]) -> None:
    proc = _run_training(training, *HPS)
    assert proc.returncode == 0, proc.stderr
    report = _report(proc)
    assert report["rows"] == 3
    members = _members(training["artifacts"] / "model.tar.gz")
    assert members["model.txt"] == b"n=5 rows=3"
    assert members["extra/vocab.txt"] == b"a b c"
    assert set(members) == {"model.txt", "extra", "extra/vocab.txt"}, "entries are relative to the model dir"
    assert (training["model"] / "model.txt").is_file(), "the model folder itself is kept"
    outputs = _members(training["archive"] / "output.tar.gz")
    assert json.loads(outputs["metrics.json"]) == {"rows": 3}
    assert "packed" in proc.stderr and "model.tar.gz" in proc.stderr


def test_training_hyperparameters_arrive_decoded(training: dict[str, Path]) -> None:
    proc = _run_training(training, *HPS)
    assert proc.returncode == 0, proc.stderr
    report = _report(proc)
    env = report["env"]
    assert json.loads(env["SM_HPS"]) == {"n": 5, "lr": 0.1, "name": "abc", "quoted": "5", "flag": True}
    assert report["argv"] == ["--n", "5", "--lr", "0.1", "--name", "abc", "--quoted", "5", "--flag", "true"]
    assert (report["n"], report["lr"], report["name"], report["quoted"]) == (5, 0.1, "abc", "5")
    assert (env["SM_HP_N"], env["SM_HP_LR"], env["SM_HP_NAME"], env["SM_HP_FLAG"]) == ("5", "0.1", "abc", "true")


def test_training_sets_the_sagemaker_environment(training: dict[str, Path]) -> None:
    proc = _run_training(training)
    assert proc.returncode == 0, proc.stderr
    report = _report(proc)
    env = report["env"]
    assert env["SM_CHANNEL_TRAIN"] == str(training["train"])
    assert env["SM_MODEL_DIR"] == str(training["model"])
    assert env["SM_OUTPUT_DATA_DIR"] == str(training["data"])
    assert json.loads(env["SM_CHANNELS"]) == ["single", "train"]
    assert env["SM_USER_ENTRY_POINT"] == "train.py"
    assert env["SM_CURRENT_HOST"] == "algo-1"
    assert json.loads(env["SM_HOSTS"]) == ["algo-1"]
    assert json.loads(env["SM_HPS"]) == {}
    assert report["argv"] == []
    assert report["single"] == ["labels.csv"], "a single-file channel appears inside a folder"


@pytest.mark.parametrize("code", [1, 7])
def test_training_exit_code_passes_through_and_nothing_is_packed(training: dict[str, Path], code: int) -> None:
    proc = _run_training(training, env={"EXIT_CODE": str(code)})
    assert proc.returncode == code
    assert not (training["artifacts"] / "model.tar.gz").exists()
    assert not (training["archive"] / "output.tar.gz").exists()


def test_training_runs_a_shell_entry_point(training: dict[str, Path]) -> None:
    (training["code"] / "train.sh").write_text('echo "$@" > "$SM_MODEL_DIR/args.txt"\n', encoding="utf-8")
    proc = _run_training(training, "--hp", "epochs=2", entry="train.sh")
    assert proc.returncode == 0, proc.stderr
    assert _members(training["artifacts"] / "model.tar.gz")["args.txt"] == b"--epochs 2\n"


FAKE_MLFLOW = textwrap.dedent("""\
    import json, os

    def log_metric(key, value, step=None):
        with open(os.environ["MLFLOW_RECORD"], "a") as f:
            f.write(json.dumps([key, value, step]) + "\\n")
    """)
METRICS = [
    {"Name": "validation:rmse", "Regex": r"validation-rmse:\s*([0-9.]+)"},
    {"Name": "train:loss", "Regex": r"loss=([-0-9.e]+)"},
    {"Name": "never", "Regex": r"never-printed: ([0-9]+)"},
]


@pytest.mark.parametrize("with_mlflow", [True, False])
def test_training_scrapes_metric_definitions_into_mlflow(training: dict[str, Path], with_mlflow: bool) -> None:
    """SageMaker read metrics from the job's output with regexes; the launcher logs the same matches to MLflow."""
    script = "import sys\nfor i in range(3):\n    print(f'epoch {i} loss={1.5 - i} validation-rmse: {10 + i}.25')\n"
    script += "print('validation-rmse: n/a')\nprint('loss=2e-3', file=sys.stderr)\n"
    (training["code"] / "fit.py").write_text(script, encoding="utf-8")
    (training["code"] / "metrics.json").write_text(json.dumps(METRICS), encoding="utf-8")
    record = training["root"] / "mlflow.jsonl"
    env = {"MLFLOW_RECORD": str(record)}
    if with_mlflow:
        fake = training["root"] / "fake"
        fake.mkdir()
        (fake / "mlflow.py").write_text(FAKE_MLFLOW, encoding="utf-8")
        env["PYTHONPATH"] = str(fake)
    proc = _run_training(training, "--metrics", "metrics.json", entry="fit.py", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "epoch 2 loss=-0.5 validation-rmse: 12.25" in proc.stdout, "the script's output still shows"
    if not with_mlflow:
        assert not record.exists() and "mlflow is not installed" in proc.stderr
        assert "metric validation:rmse=12.25 (step 2)" in proc.stderr
        return
    logged = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert [m for m in logged if m[0] == "validation:rmse"] == [["validation:rmse", 10.25 + i, i] for i in range(3)]
    assert [m for m in logged if m[0] == "train:loss"] == [
        ["train:loss", 1.5, 0],
        ["train:loss", 0.5, 1],
        ["train:loss", -0.5, 2],
        ["train:loss", 0.002, 3],
    ]


def test_training_missing_entry_point_is_a_clear_error(training: dict[str, Path]) -> None:
    proc = _run_training(training, entry="missing.py")
    assert proc.returncode != 0
    assert "entry point 'missing.py'" in proc.stderr
    assert "src/" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not training["artifacts"].exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--hp", "novalue"], "--hp must be NAME=VALUE", id="hp-without-equals"),
        pytest.param(["--channel", "train"], "--channel must be NAME=VALUE", id="channel-without-equals"),
    ],
)
def test_training_bad_pairs_exit_non_zero(training: dict[str, Path], extra: list[str], message: str) -> None:
    proc = _run_training(training, *extra)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_training_missing_required_option(training: dict[str, Path]) -> None:
    proc = subprocess.run(
        [sys.executable, runtime.LAUNCHERS["training"], "--entry-point", "train.py"],
        cwd=training["code"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=_env(training["root"]),
    )
    assert proc.returncode == 2
    assert "--model-dir" in proc.stderr


def test_launcher_sources_are_standalone() -> None:
    for kind in runtime.LAUNCHERS:
        text = runtime.source(kind)
        assert "import sm2aml" not in text and "from sm2aml" not in text
        compile(text, runtime.LAUNCHERS[kind], "exec")
