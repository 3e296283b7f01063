"""Places in a source file: JSON pointers found in the JSON text (line, column), and file:line:col strings."""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]+")
_LINE_COL = re.compile(r"^(?:(?P<file>.*?):)?(?P<line>\d+):(?P<col>\d+)(?=$|/)")


@dataclass(frozen=True, slots=True)
class Place:
    """A 1-based line and column (in characters) in a file; file "" means the pipeline's own source."""

    file: str
    line: int
    column: int


def parse_place(where: str) -> Place | None:
    """`file:line:col`, `line:col` or `line:col/...` (a place in Python source) as a Place."""
    m = _LINE_COL.match(where)
    if m is None:
        return None
    return Place(m.group("file") or "", int(m.group("line")), int(m.group("col")))


def pointer_places(text: str, pointers: Iterable[str]) -> dict[str, Place]:
    """Where each JSON pointer's value starts in `text`; a pointer into nothing gets its deepest existing parent.

    A describe-pipeline response keeps the definition as a string: pointers then resolve inside that string's
    value, which is reported at the place of the `PipelineDefinition` value itself.
    """
    wanted = {p for p in pointers if p == "" or p.startswith("/")}
    if not wanted:
        return {}
    try:
        start = _skip(text, 0)
        top = _DECODER.raw_decode(text, start)[0]
    except ValueError:
        return {}
    lines = _LineIndex(text)
    if isinstance(top, dict) and isinstance(top.get("PipelineDefinition"), str) and "Steps" not in top:
        offsets = _Scanner(text, {"/PipelineDefinition"}).run(start)
        at = offsets.get("/PipelineDefinition", start)
        return {p: lines.place(at) for p in wanted}
    prefixes = {q for p in wanted for q in _prefixes(p)}
    offsets = _Scanner(text, prefixes).run(start)
    out: dict[str, Place] = {}
    for p in wanted:
        known = p
        while known not in offsets:  # the deepest part of the pointer that exists
            known = known.rsplit("/", 1)[0]
        out[p] = lines.place(offsets[known])
    return out


def _prefixes(pointer: str) -> list[str]:
    """'' and every parent of a pointer, the pointer last: /a/b -> ['', '/a', '/a/b']."""
    out = [""]
    cut = pointer.find("/", 1)
    while cut != -1:
        out.append(pointer[:cut])
        cut = pointer.find("/", cut + 1)
    if pointer:
        out.append(pointer)
    return out


def _token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class _Scanner:
    """Walks the JSON text, descending only into values on the way to a wanted pointer; skips the rest."""

    def __init__(self, text: str, wanted: set[str]) -> None:
        self.text = text
        self.wanted = wanted
        self.parents = {w.rsplit("/", 1)[0] for w in wanted if w}  # pointers with a wanted child
        self.found: dict[str, int] = {}

    def run(self, start: int) -> dict[str, int]:
        self._value(start, "")
        return self.found

    def _value(self, i: int, pointer: str) -> int:
        """Record where the value at `i` starts; return the index just after it."""
        self.found[pointer] = i
        text = self.text
        char = text[i] if i < len(text) else ""
        if char not in "{[" or pointer not in self.parents:
            return int(_DECODER.raw_decode(text, i)[1])
        if char == "{":
            return self._object(i, pointer)
        return self._array(i, pointer)

    def _object(self, i: int, pointer: str) -> int:
        text = self.text
        i = _skip(text, i + 1)
        if text[i] == "}":
            return i + 1
        while True:
            key, i = _scanstring(text, i + 1)
            i = _skip(text, i)
            i = _skip(text, i + 1)  # past ':'
            child = f"{pointer}/{_token(key)}"
            i = self._value(i, child) if child in self.wanted else int(_DECODER.raw_decode(text, i)[1])
            i = _skip(text, i)
            if text[i] == "}":
                return i + 1
            i = _skip(text, i + 1)  # past ','

    def _array(self, i: int, pointer: str) -> int:
        text = self.text
        i = _skip(text, i + 1)
        if text[i] == "]":
            return i + 1
        n = 0
        while True:
            child = f"{pointer}/{n}"
            i = self._value(i, child) if child in self.wanted else int(_DECODER.raw_decode(text, i)[1])
            i = _skip(text, i)
            if text[i] == "]":
                return i + 1
            i = _skip(text, i + 1)
            n += 1


def _skip(text: str, i: int) -> int:
    """The index of the first non-blank character at or after i."""
    if i < len(text) and text[i] in " \t\n\r":
        m = _WS.match(text, i)
        return m.end() if m else i
    return i


def _scanstring(text: str, i: int) -> tuple[str, int]:
    """The JSON string whose body starts at i (after its quote), and the index after its closing quote."""
    value, end = json.decoder.scanstring(text, i)  # type: ignore[attr-defined]
    return str(value), int(end)


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n"))]

    def place(self, offset: int) -> Place:
        line = bisect.bisect_right(self.starts, offset)
        return Place("", line, offset - self.starts[line - 1] + 1)
