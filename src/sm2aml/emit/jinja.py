"""The one Jinja environment and its filters: all escaping of emitted text happens here."""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import jinja2
import yaml


def yaml_scalar(value: Any) -> str:
    """Any scalar as a YAML scalar that loads back to exactly the same value."""
    if isinstance(value, str):
        if value.isascii() and "\x7f" not in value:
            return json.dumps(value)  # printable-ASCII JSON strings are YAML double-quoted scalars
        style: str | None = '"'
    elif value is None or isinstance(value, bool | int | float):
        style = None
    else:
        raise TypeError(f"not a scalar: {value!r}")
    text = yaml.safe_dump(value, default_style=style, width=float("inf"), allow_unicode=True)
    return text.removesuffix("\n...\n").rstrip("\n")


def yaml_block(value: dict[str, Any], indent: int) -> str:
    """A mapping as block YAML, every line indented by `indent` spaces (no trailing newline)."""
    text = yaml.safe_dump(value, sort_keys=False, default_flow_style=False, allow_unicode=True, width=float("inf"))
    return "\n".join(" " * indent + line for line in text.rstrip("\n").splitlines())


def shell_word(value: Any) -> str:
    """A shell word that stands for exactly this text."""
    return shlex.quote(str(value))


def md_cell(value: Any) -> str:
    """Text for one Markdown table cell: one line, pipes and markup characters escaped."""
    text = re.sub(r"\s+", " ", str(value)).strip()
    return re.sub(r"([\\|*_`<>\[\]])", r"\\\1", text)


def one_line(value: Any) -> str:
    """Text for a '#' comment: a single line."""
    return re.sub(r"\s+", " ", str(value)).strip()


def mermaid_text(value: Any) -> str:
    """Text for a quoted Mermaid label: one line, with every character Mermaid gives a meaning as an entity code."""
    return re.sub(r"[\"#<>&`\[\]{}|;]", lambda m: f"#{ord(m.group())};", one_line(value))


def toml_string(value: Any) -> str:
    """A TOML basic string that reads back as exactly this text (lone surrogates become U+FFFD)."""
    out = []
    for ch in str(value):
        code = ord(ch)
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def templates_root() -> Path:
    """templates/ inside the installed package, or beside src/ in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache folder (keyed by template content); none if not writable."""
    if os.environ.get("SM2AML_NO_CACHE"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sm2aml" / "templates"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(base)) if os.access(base, os.W_OK) else None


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_root())),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),  # HTML reports only
    )
    from sm2aml.emit.pycode import python_value

    env.filters.update(
        yaml=yaml_scalar, yaml_block=yaml_block, shell=shell_word, md=md_cell, line=one_line, json=to_json
    )
    env.filters["python"] = python_value  # repr-based: every value written into Python
    env.filters.update(mermaid=mermaid_text, toml=toml_string)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
