"""`--add-metric-logging`: mlflow.log_metric after the prints SageMaker's metric regexes matched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sm2aml.emit.metric_logging import rewrite

METRICS = [
    {"Name": "validation:rmse", "Regex": r"validation-rmse:\s*([0-9.]+)"},
    {"Name": "train:loss", "Regex": r"loss=([0-9.]+)"},
    {"Name": "accuracy", "Regex": r"Accuracy: ([0-9.]+)%"},
]


@pytest.mark.parametrize(
    ("line", "metric", "value"),
    [
        ('print(f"validation-rmse: {rmse}")', "validation:rmse", "rmse"),
        ('print(f"epoch {epoch} loss={loss:.4f}")', "train:loss", "loss"),
        ('print("validation-rmse:", scores["rmse"])', "validation:rmse", 'scores["rmse"]'),
        ('print("loss=%.3f after %d" % (result.loss, epoch))', "train:loss", "result.loss"),
        ('print("Accuracy: {}% of {n}".format(acc, n=10))', "accuracy", "acc"),
        ('print("Accuracy: {0:.2f}%".format(stats[0]))', "accuracy", "stats[0]"),
        ('logger.info("validation-rmse: %s", rmse)', "validation:rmse", "rmse"),
        ('logging.info(f"Accuracy: {acc:.1f}%")', "accuracy", "acc"),
        ('print("validation-rmse: " + str(rmse))', "validation:rmse", "rmse"),
        ('print("loss=", loss, sep="")', "train:loss", "loss"),
    ],
)
def test_a_matching_print_gets_a_log_call(line: str, metric: str, value: str) -> None:
    source = f"import logging\n\nfor epoch in range(3):\n    {line}\n"
    new, added = rewrite(source, METRICS)
    assert [(a.metric, a.value, a.line) for a in added] == [(metric, value, 4)]
    assert f"        mlflow.log_metric({metric!r}, float({value}))\n" in new
    assert new.index(line) < new.index("mlflow.log_metric")
    compile(new, "train.py", "exec")


@pytest.mark.parametrize(
    "line",
    [
        'print(f"validation-rmse: {compute()}")',  # calling it again could change state
        'print(f"validation-rmse: {rmse + 1}")',
        'print("nothing to see")',
        'print(f"Accuracy: {acc}")',  # no % after the value: the regex does not match
        "print(*values)",
    ],
)
def test_other_prints_are_left_alone(line: str) -> None:
    source = f"rmse = 1.0\n{line}\n"
    assert rewrite(source, METRICS) == (source, [])


def test_the_import_is_guarded_and_after_the_docstring_and_future_imports() -> None:
    source = '"""Train."""\nfrom __future__ import annotations\n\nrmse = 2.5\nprint(f"validation-rmse: {rmse}")\n'
    new, _ = rewrite(source, METRICS)
    lines = new.splitlines()
    assert lines[:3] == ['"""Train."""', "from __future__ import annotations", "try:"]
    assert "    mlflow = None" in lines
    already = "import mlflow\n" + source.split("\n", 2)[2]
    assert rewrite(already, METRICS)[0].count("import mlflow") == 1


def test_the_rewritten_script_logs_with_and_runs_without_mlflow(tmp_path: Path) -> None:
    script = textwrap.dedent("""\
        scores = {"rmse": 0.0}
        for epoch in range(3):
            scores["rmse"] = 2.5 - epoch
            print(f"epoch {epoch}: validation-rmse: {scores['rmse']:.2f}")
        """)
    new, added = rewrite(script, METRICS)
    assert len(added) == 1
    (tmp_path / "train.py").write_text(new, encoding="utf-8")
    fake = tmp_path / "fake"
    fake.mkdir()
    record = tmp_path / "logged.jsonl"
    (fake / "mlflow.py").write_text(
        "import json\ndef log_metric(k, v, step=None):\n"
        f"    open({str(record)!r}, 'a').write(json.dumps([k, v]) + '\\n')\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(fake)}
    run = subprocess.run(
        [sys.executable, "train.py"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert [json.loads(x) for x in record.read_text().splitlines()] == [["validation:rmse", 2.5 - e] for e in range(3)]
    bare = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run(
        [sys.executable, "-S", "train.py"], cwd=tmp_path, env=bare, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0 and "validation-rmse: 0.50" in run.stdout  # no mlflow (no site-packages): runs as before


def test_broken_regexes_and_sources_change_nothing() -> None:
    assert rewrite("print('x'", METRICS) == ("print('x'", [])
    assert rewrite("rmse = 1\nprint(f'validation-rmse: {rmse}')\n", [{"Name": "m", "Regex": "("}])[1] == []


TUNING = Path(__file__).resolve().parents[1] / "cases" / "tuning"
ARGS = ["--arg", "role=arn:aws:iam::111122223333:role/r", "--arg", "bucket=b", "--arg", "region=us-east-1"]


def test_convert_adds_logging_only_when_asked(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "sm2aml", "convert", str(TUNING / "build.py"), *ARGS, "-q"]
    plain = subprocess.run([*cli, "-o", str(tmp_path / "plain")], capture_output=True, text=True, check=False)
    added = subprocess.run(
        [*cli, "-o", str(tmp_path / "added"), "--add-metric-logging"], capture_output=True, text=True, check=False
    )
    assert plain.returncode == 0 and added.returncode == 0, plain.stderr + added.stderr
    [plain_src] = [p.parent for p in (tmp_path / "plain").glob("components/*/src/sm2aml_metrics.json")]
    [added_src] = [p.parent for p in (tmp_path / "added").glob("components/*/src/sm2aml_metrics.json")]
    assert (plain_src / "train.py").read_bytes() == (TUNING / "code" / "train.py").read_bytes()
    assert json.loads((plain_src / "sm2aml_metrics.json").read_text())[0]["Name"] == "validation-auc"
    script = (added_src / "train.py").read_text(encoding="utf-8")
    assert "        mlflow.log_metric('validation-auc', float(auc))\n" in script
    assert json.loads((added_src / "sm2aml_metrics.json").read_text()) == [], "the launcher does not log it twice"
    report = json.loads((tmp_path / "added" / "report.json").read_text(encoding="utf-8"))
    [finding] = [d for d in report["pipelines"][0]["diagnostics"] if d["code"] == "SM2AML215"]
    line = int(finding["where"].rsplit(":", 1)[1])
    assert script.splitlines()[line - 1].strip().startswith("mlflow.log_metric('validation-auc'")
    definition = subprocess.run(
        [*cli[:4], str(TUNING / "input.json"), "-o", str(tmp_path / "json"), "--add-metric-logging", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert definition.returncode == 0 and "no step code is local" in definition.stderr
