"""spark-submit command lines → a spark component and serverless Spark node (Spark processing, EMR steps)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sm2aml import aml, ir, runtime
from sm2aml.rules import compute, expressions, storage
from sm2aml.rules.context import Context, NodeDraft

RUNTIME_VERSION = "3.4"
# Serverless Spark instance types: cores, name, the most memory a driver or executor may take (GiB).
SERVERLESS = (
    (4, "standard_e4s_v3", 28),
    (8, "standard_e8s_v3", 56),
    (16, "standard_e16s_v3", 112),
    (32, "standard_e32s_v3", 224),
    (64, "standard_e64s_v3", 400),
)
CODE_CHANNELS = ("code", "entrypoint")
DEPENDENCIES = {"--py-files": "py_files", "--jars": "jars", "--files": "files", "--archives": "archives"}
CHANNELS = {"py-files": "py_files", "jars": "jars", "files": "files"}
SIZES = {
    "--driver-cores": "spark.driver.cores",
    "--driver-memory": "spark.driver.memory",
    "--executor-cores": "spark.executor.cores",
    "--executor-memory": "spark.executor.memory",
    "--num-executors": "spark.executor.instances",
}
IGNORED = ("--master", "--deploy-mode", "--name", "--local-spark-event-logs-dir", "--queue")
FLAGS = ("--verbose", "--supervise")
_S3 = re.compile(r"^s3a?://")


@dataclass(slots=True)
class Submit:
    """A spark-submit command line taken apart."""

    app: ir.Value = None
    main_class: str | None = None
    deps: dict[str, list[ir.Value]] = field(default_factory=dict)
    conf: dict[str, str] = field(default_factory=dict)
    args: list[ir.Value] = field(default_factory=list)
    arg_index: list[int] = field(default_factory=list)  # where each argument was among the words
    ignored: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def parse(words: list[ir.Value]) -> Submit:
    """Options, application and application arguments of `spark-submit`/`smspark-submit` (without the program)."""
    out = Submit()
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if out.app is not None or not (isinstance(word, str) and word.startswith("--")):
            if out.app is None:
                out.app = word
            else:
                out.args.append(word)
                out.arg_index.append(i - 1)
            continue
        option, eq, inline = word.partition("=")
        if option in FLAGS:
            continue
        value: ir.Value = inline if eq else (words[i] if i < len(words) else None)
        i += 0 if eq else 1
        if option in DEPENDENCIES:
            out.deps.setdefault(DEPENDENCIES[option], []).extend(_split(value))
        elif option == "--class" and isinstance(value, str):
            out.main_class = value
        elif option == "--conf" and isinstance(value, str) and "=" in value:
            key, _, setting = value.partition("=")
            out.conf[key] = setting
        elif option in SIZES and isinstance(value, str | int):
            out.conf[SIZES[option]] = str(value)
        elif option in IGNORED:
            out.ignored.append(option)
        else:
            out.unknown.append(option)
    return out


def _split(value: ir.Value) -> list[ir.Value]:
    match value:
        case str():
            return [v for v in value.split(",") if v]
        case ir.Join(on=",", values=values):
            return [p for v in values for p in _split(v)]
        case None:
            return []
        case _:
            return [value]


def build(
    ctx: Context,
    draft: NodeDraft,
    submit: Submit,
    at: str,
    *,
    wheres: list[str],
    paths: dict[str, str],
    channels: dict[str, tuple[str, ir.Value]],
    conf: dict[str, Any],
    instance_type: str,
) -> None:
    """Fill a draft as a spark component and node from a parsed spark-submit command line (word i at wheres[i])."""
    step = draft.step
    settings: dict[str, Any] = {}
    app = _application(ctx, draft, submit.app, channels, at)
    app = app if _plain(ctx, app, at) else "app.py"
    launcher = runtime.LAUNCHERS["spark"]
    deps: dict[str, list[str]] = {key: [] for key in ("py_files", "jars", "files", "archives")} | {
        key: [d for v in values if (d := _dependency(ctx, draft, v, channels, at))]
        for key, values in submit.deps.items()
    }
    if submit.main_class and _plain(ctx, submit.main_class, at):
        settings["entry"] = {"class_name": submit.main_class}
        deps["jars"] = [app, *deps["jars"]]
        words = []
    else:
        draft.src_files[launcher] = runtime.source("spark")
        settings["entry"] = {"file": launcher}
        deps["py_files"] = [app, *deps["py_files"]]
        words = [app]
    for key, values in deps.items():
        if kept := [v for v in dict.fromkeys(values) if _plain(ctx, v, at)]:
            settings[key] = kept
    for key, value in sorted(submit.conf.items()):
        if key in conf and str(conf[key]) != value:
            ctx.diags.add("SM2AML250", f"{key}={value} from the command line replaces {conf[key]}", where=at)
        conf[key] = int(value) if value.isdigit() else value
    settings["conf"] = {k: v for k, v in conf.items() if _plain(ctx, f"{k}={v}", at)}
    used: set[str] = set()
    words += [
        _argument(ctx, draft, w, wheres[i] if i < len(wheres) else at, paths=paths, used=used)
        for w, i in zip(submit.args, submit.arg_index, strict=True)
    ]
    if words:
        settings["args"] = " ".join(words)
    for path in sorted(set(paths) - used):
        ctx.diags.add(
            "SM2AML253",
            f"{step.name!r} mounts {path} but its arguments do not name it; the script must take it as an argument",
            where=at,
        )
    for option in submit.unknown:
        ctx.diags.add("SM2AML209", f"spark-submit option {option} is not carried over", where=at)
    draft.kind = draft.component_kind = "spark"
    draft.environment = ""
    draft.component_settings = settings
    draft.node_settings = {"resources": {"instance_type": instance_type, "runtime_version": RUNTIME_VERSION}}
    ctx.diags.add(
        "SM2AML250",
        f"{step.name!r} runs as a serverless Spark job on {instance_type} (runtime {RUNTIME_VERSION}): driver "
        f"{conf['spark.driver.cores']} cores/{conf['spark.driver.memory']}, {conf['spark.executor.instances']} "
        f"executor(s) of {conf['spark.executor.cores']} cores/{conf['spark.executor.memory']}",
        where=at,
    )


def _plain(ctx: Context, text: str, at: str) -> bool:
    """False (and reported) for a literal Azure ML would read as a binding; it is left out."""
    if "${{" not in text:
        return True
    ctx.diags.add("SM2AML506", f"Spark setting {text!r} contains '${{{{'; it is left out", where=at)
    return False


def sizing(
    ctx: Context, step: ir.Step, instance_type: ir.Value, count: ir.Value, where: str
) -> tuple[str, dict[str, Any]]:
    """Serverless Spark instance type and driver/executor conf sized like the SageMaker instances."""
    itype = _literal(ctx, instance_type, f"{where}/InstanceType", "instance type")
    icount = _literal(ctx, count, f"{where}/InstanceCount", "instance count")
    entry = compute.sku_for(itype) if isinstance(itype, str) else None
    if entry is None:
        ctx.diags.add(
            "SM2AML303",
            f"no size known for instance type {itype!r} of {step.name!r}; the Spark job uses {SERVERLESS[0][1]}",
            where=f"{where}/InstanceType",
        )
        entry = {"vcpus": SERVERLESS[0][0], "memory_gib": SERVERLESS[0][2]}
    vcpus, memory = int(entry["vcpus"]), float(entry["memory_gib"])
    cores, name, most = next((s for s in SERVERLESS if s[0] >= vcpus), SERVERLESS[-1])
    size = {"cores": max(1, min(vcpus, cores)), "memory": f"{max(1, min(int(memory), most))}g"}
    executors = icount if isinstance(icount, int) and not isinstance(icount, bool) and icount > 0 else 1
    conf: dict[str, Any] = {
        "spark.driver.cores": size["cores"],
        "spark.driver.memory": size["memory"],
        "spark.executor.cores": size["cores"],
        "spark.executor.memory": size["memory"],
        "spark.executor.instances": executors,
    }
    if entry.get("gpus"):
        ctx.diags.add("SM2AML250", f"{itype} has GPUs; serverless Spark runs on CPUs only", where=where)
    return name, conf


def _literal(ctx: Context, value: ir.Value, where: str, what: str) -> ir.Value:
    if isinstance(value, ir.ParamRef):
        default = ctx.pipeline.parameter(value.name).default
        ctx.diags.add(
            "SM2AML308", f"{what} comes from parameter {value.name!r}; fixed to its default {default!r}", where=where
        )
        return default
    return None if isinstance(value, ir.EXPR_TYPES) else value


def _application(
    ctx: Context, draft: NodeDraft, app: ir.Value, channels: dict[str, tuple[str, ir.Value]], at: str
) -> str:
    """The application's file name in src/, its S3 location recorded for fetch_code.sh."""
    if isinstance(app, str) and _S3.match(app):
        return _fetch(ctx, draft, app, at)
    for channel in CODE_CHANNELS:
        local, uri = channels.get(channel, ("", None))
        if local and isinstance(app, str) and app.startswith(local.rstrip("/") + "/"):
            name = app[len(local.rstrip("/")) + 1 :]
            if isinstance(uri, str):
                folder = not uri.rstrip("/").endswith("/" + name)
                _fetch(ctx, draft, uri.rstrip("/") + "/" if folder else uri, at)
            return name
    ctx.diags.add(
        "SM2AML402",
        f"the Spark application {expressions.describe(app)} of {draft.step.name!r} is not a file the definition "
        "locates; put it into the component's src/ folder as app.py",
        where=at,
    )
    return "app.py"


def _fetch(ctx: Context, draft: NodeDraft, uri: str, at: str) -> str:
    if not any(s.component == draft.component and s.uri == uri for s in ctx.code_sources):
        ctx.code_sources.append(aml.CodeSource(component=draft.component, uri=uri, where=at))
        ctx.diags.add(
            "SM2AML203",
            f"Spark code for {draft.step.name!r} is at {uri}; copy it into components/{draft.component}/src/ "
            "(see data_migration/fetch_code.sh)",
            where=at,
        )
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _dependency(
    ctx: Context, draft: NodeDraft, value: ir.Value, channels: dict[str, tuple[str, ir.Value]], at: str
) -> str | None:
    """A py-file, jar or file as a path in src/; a whole uploaded folder is fetched and reported."""
    if isinstance(value, str) and _S3.match(value):
        return _fetch(ctx, draft, value, at)
    for channel, key in CHANNELS.items():
        local, uri = channels.get(channel, ("", None))
        if local and value == local:
            if isinstance(uri, str):
                _fetch(ctx, draft, uri.rstrip("/") + "/", at)
            ctx.diags.add(
                "SM2AML252",
                f"{draft.step.name!r} passed the folder {local} (from {text(uri)}) as {key}; "
                f"its files are fetched into src/ but the definition does not name them",
                where=at,
            )
            return None
    ctx.diags.add(
        "SM2AML402", f"Spark dependency {expressions.describe(value)} cannot be located; add it by hand", where=at
    )
    return None


def _argument(ctx: Context, draft: NodeDraft, word: ir.Value, at: str, *, paths: dict[str, str], used: set[str]) -> str:
    """One application argument: container paths become bindings, S3 URIs datastore URIs."""
    if isinstance(word, ir.ParamRef):
        return expressions.command_text(ctx, draft, word, at)
    if not isinstance(word, str | int | float | bool):
        ctx.diags.add(
            "SM2AML402", f"{expressions.describe(word)} cannot be computed in a Spark job's arguments", where=at
        )
        return "''"
    text = str(word).lower() if isinstance(word, bool) else str(word)
    key, eq, value = text.partition("=") if text.startswith("-") else ("", "", text)
    if _S3.match(value):
        uri = storage.datastore_uri(ctx, re.sub(r"^s3a://", "s3://", value), at) or value
        ctx.diags.add("SM2AML254", f"argument {value} becomes {uri}", where=at)
        return expressions.shell_literal(key + eq) + uri if eq else uri
    for path in sorted(paths, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w./-])" + re.escape(path) + r"(?=/|$|[^\w.-])")
        if pattern.search(text):
            used.add(path)
            pieces = pattern.split(text)
            return paths[path].join(expressions.shell_literal(p) if p else "" for p in pieces)
    return expressions.shell_literal(text)


def text(value: ir.Value) -> str:
    """A value as text for messages."""
    return value if isinstance(value, str) else expressions.describe(value)
