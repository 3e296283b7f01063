"""Local execution of an emitted project: command substitution the way Azure ML does it."""

from __future__ import annotations

import re

BINDING = re.compile(r"\$\{\{\s*(\S*?)\s*\}\}")
OPTIONAL = re.compile(r"\$\[\[(.*?)\]\]", re.S)


def substitute(command: str, values: dict[str, str]) -> str:
    """Replace `${{inputs.x}}` / `${{outputs.y}}` by text, as Azure ML does before the shell runs.

    An `$[[…]]` block is kept (without its brackets) only when every binding in it has a value.
    """

    def block(match: re.Match[str]) -> str:
        inner = match.group(1)
        return inner if all(name in values for name in BINDING.findall(inner)) else ""

    command = OPTIONAL.sub(block, command)

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for ${{{{{name}}}}}")
        return values[name]

    return BINDING.sub(one, command)
