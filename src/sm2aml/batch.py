"""Assess many inputs: find them in folders, convert each in memory (in worker processes), collect the reports."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sm2aml.config import Options
from sm2aml.diagnostics import CODES, Diagnostic

SUFFIXES = frozenset({".json", ".py", ".ipynb"})
SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv"})
# A file found in a folder that fails with one of these is not a pipeline at all: skipped, not failed.
NOT_A_PIPELINE = frozenset({"SM2AML102", "SM2AML121"})


@dataclass(frozen=True, slots=True)
class Job:
    path: str
    explicit: bool  # named on the command line (a failure is reported) or found in a folder (may be skipped)


@dataclass(frozen=True, slots=True)
class Result:
    job: Job
    status: str  # assessed | failed | skipped
    data: dict[str, Any]  # a pipeline report, a failure or a skipped entry (emit.portfolio shapes)


def discover(inputs: Iterable[str]) -> tuple[list[Job], list[Result]]:
    """Files to assess (folders searched recursively for .json, .py, .ipynb) and the inputs that do not exist."""
    jobs: list[Job] = []
    missing: list[Result] = []
    seen: set[str] = set()
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found = sorted(_walk(path))
            jobs += [Job(str(f), explicit=False) for f in found if str(f) not in seen]
            seen.update(str(f) for f in found)
        elif path.is_file():
            if given not in seen:
                jobs.append(Job(given, explicit=True))
                seen.add(given)
        else:
            diag = _diag("SM2AML111", f"cannot read {given}: no such file or folder")
            missing.append(Result(Job(given, True), "failed", _failure(given, [diag])))
    return jobs, missing


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in files:
            if Path(name).suffix.lower() in SUFFIXES and not name.startswith("."):
                yield Path(root) / name


def assess(job: Job, options: Options, locate: bool = True) -> Result:
    """Load and convert one input in memory; never raises (a crash is a failed input, SM2AML510).

    With `locate`, each finding also gets the line and column its JSON pointer has in the input's text.
    """
    from sm2aml.diagnostics import LoadError
    from sm2aml.load import load

    try:
        pipeline = load(Path(job.path))
    except LoadError as exc:
        if not job.explicit and exc.diagnostic.code in NOT_A_PIPELINE:
            reason = f"{exc.diagnostic.code}: {exc.diagnostic.message}"
            return Result(job, "skipped", {"input": job.path, "code": "SM2AML511", "reason": reason})
        rest = [d for d in exc.found if d is not exc.diagnostic]
        return Result(job, "failed", _failure(job.path, [exc.diagnostic, *rest], _text(job.path)))
    except Exception as exc:  # a defect: report it and go on with the other inputs
        return Result(job, "failed", _failure(job.path, [_crash(exc)]))
    try:
        from sm2aml.emit.report import pipeline_report
        from sm2aml.rules import convert

        project, _ = convert(pipeline, options)
        places = _places(_text(job.path), [d.where for d in project.diagnostics]) if locate else {}
        return Result(job, "assessed", pipeline_report(project, places=places, input_path=job.path))
    except Exception as exc:
        return Result(job, "failed", _failure(job.path, [_crash(exc)]))


def assess_all(
    jobs: Sequence[Job],
    options: Options,
    *,
    workers: int = 1,
    locate: bool = True,
    on_done: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Every job's result, in the jobs' order; in `workers` processes when there is more than one job."""
    import gc

    # The reports pile up as plain data (no cycles): rescanning them for garbage after every few thousand
    # new objects costs more than the whole conversion of a large portfolio, so the collector waits.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _assess_all(jobs, options, workers, locate, on_done)
    finally:
        if enabled:
            gc.enable()


def _assess_all(
    jobs: Sequence[Job], options: Options, workers: int, locate: bool, on_done: Callable[[Result], None] | None
) -> list[Result]:
    if workers <= 1 or len(jobs) <= 1:
        results = []
        for job in jobs:
            results.append(assess(job, options, locate))
            if on_done:
                on_done(results[-1])
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    import sm2aml.emit.report
    import sm2aml.load
    import sm2aml.rules  # noqa: F401  (imported before the workers fork, so they start warm)

    done: dict[int, Result] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_worker_start) as pool:
        futures = {pool.submit(assess, job, options, locate): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                done[i] = future.result()
            except Exception as exc:  # the worker died (out of memory, killed): that input failed
                done[i] = Result(jobs[i], "failed", _failure(jobs[i].path, [_crash(exc)]))
            if on_done:
                on_done(done[i])
    return [done[i] for i in range(len(jobs))]


def _worker_start() -> None:
    import gc

    gc.enable()  # a worker keeps no reports: the usual collection suits it
    gc.freeze()  # what the parent imported before forking is never garbage: do not rescan it
    gc.set_threshold(50_000, 20, 20)  # conversions allocate in bursts; collect young objects less often


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _text(path: str) -> str | None:
    """The input's text when it is JSON (for finding JSON pointers in it); None otherwise."""
    if Path(path).suffix.lower() in (".py", ".ipynb"):
        return None
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _places(text: str | None, wheres: Iterable[str]) -> dict[str, Any]:
    from sm2aml.emit.locate import parse_place, pointer_places

    wheres = set(wheres)
    places: dict[str, Any] = pointer_places(text, wheres) if text is not None else {}
    for where in wheres - set(places):
        place = parse_place(where)
        if place is not None:
            places[where] = place
    return places


def _failure(path: str, diags: Iterable[Diagnostic], text: str | None = None) -> dict[str, Any]:
    diags = list(diags)
    places = _places(text, [d.where for d in diags])
    out = []
    for d in diags:
        entry: dict[str, Any] = d.to_json()
        place = places.get(d.where)
        if place is not None:
            entry["location"] = {"file": place.file or path, "line": place.line, "column": place.column}
        out.append(entry)
    return {"input": path, "diagnostics": out}  # the error that stopped it first


def _crash(exc: BaseException) -> Diagnostic:
    return _diag("SM2AML510", f"{type(exc).__name__}: {exc}")


def _diag(code: str, message: str) -> Diagnostic:
    return Diagnostic(code=code, severity=CODES[code].severity, message=message, hint=CODES[code].hint)
