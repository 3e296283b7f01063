"""The Jinja filters that do all escaping: values survive YAML, shell, Markdown."""

from __future__ import annotations

import math
import re
import shlex

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sm2aml.emit.jinja import environment, md_cell, one_line, shell_word, yaml_scalar

# Every code point Python allows in a str, lone surrogates included, with the characters YAML
# treats specially drawn often: control characters, NEL/LS/PS, BOM, quotes, indicators.
SPECIAL = (
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9f\xa0\u2028\u2029\ufeff\ufffe\uffff"
    "\ud800\udfff\U0001f600\U0010ffff '\"\\#:-?,[]{}&*!|>%@`~=$;()<>"
)
ANY_CHAR = st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL))
ANY_TEXT = st.text(ANY_CHAR, max_size=40)
# Strings YAML would read as something else when written bare.
TRICKY = [
    "",
    " ",
    "  leading",
    "trailing  ",
    "true",
    "False",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "~",
    "null",
    "Null",
    "NULL",
    "1",
    "-1",
    "0x1F",
    "0o17",
    "017",
    "1e3",
    "1_000",
    ".inf",
    "-.Inf",
    ".nan",
    "1:20",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "- item",
    "? key",
    ": v",
    "key: value",
    "# comment",
    "a # b",
    "&anchor",
    "*alias",
    "!tag",
    "!!str",
    "%YAML 1.2",
    "---",
    "...",
    "|",
    ">",
    "'",
    '"',
    "\\",
    "${{inputs.x}}",
    "{a: 1}",
    "[1, 2]",
    "@at",
    "`tick`",
    "\t",
    "\n",
    "\r\n",
    "a\n\nb",
    "x" * 200,
    ("word " * 60).strip(),
    "\u2028",
    "\x85",
    "\ufeff",
    "\ud800",
    "\udfff\ud800",
    "é",
    "日本語",
]

FAST = settings(deadline=None, max_examples=600)


def _round_trip(text: str) -> object:
    return yaml.safe_load(yaml_scalar(text))


# --- yaml ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", TRICKY, ids=[repr(t)[:30] for t in TRICKY])
def test_tricky_strings_stay_strings(text: str) -> None:
    assert _round_trip(text) == text
    assert yaml.safe_load(f"key: {yaml_scalar(text)}\n") == {"key": text}


@FAST
@given(ANY_TEXT)
def test_any_string_round_trips_through_yaml(text: str) -> None:
    out = yaml_scalar(text)
    assert "\n" not in out, "a scalar is one line, so templates can put it anywhere"
    assert yaml.safe_load(out) == text


@FAST
@given(ANY_TEXT, st.sampled_from(["", "  ", "      "]))
def test_any_string_round_trips_as_a_mapping_value(text: str, indent: str) -> None:
    doc = (
        f"outer:\n{indent}  key: {yaml_scalar(text)}\n{indent}  after: 1\n"
        if indent
        else f"key: {yaml_scalar(text)}\nafter: 1\n"
    )
    loaded = yaml.safe_load(doc)
    inner = loaded["outer"] if indent else loaded
    assert inner == {"key": text, "after": 1}


@FAST
@given(ANY_TEXT)
def test_any_string_round_trips_as_a_list_item(text: str) -> None:
    assert yaml.safe_load(f"items:\n  - {yaml_scalar(text)}\n  - end\n") == {"items": [text, "end"]}


@FAST
@given(st.integers() | st.integers(-(2**70), 2**70))
def test_integers_round_trip(value: int) -> None:
    back = _round_trip(value)
    assert type(back) is int
    assert back == value


@FAST
@given(st.floats())
def test_floats_round_trip_including_inf_and_nan(value: float) -> None:
    back = _round_trip(value)
    assert type(back) is float
    if math.isnan(value):
        assert math.isnan(back)
    else:
        assert back == value
        assert math.copysign(1.0, back) == math.copysign(1.0, value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(float("inf"), ".inf", id="inf"),
        pytest.param(float("-inf"), "-.inf", id="-inf"),
        pytest.param(float("nan"), ".nan", id="nan"),
        pytest.param(True, "true", id="true"),
        pytest.param(False, "false", id="false"),
        pytest.param(None, "null", id="none"),
        pytest.param(3, "3", id="int"),
        pytest.param(1e16, "1.0e+16", id="float-exponent-keeps-a-dot"),
    ],
)
def test_special_scalars_are_written_as_yaml(value: object, text: str) -> None:
    assert yaml_scalar(value) == text
    back = yaml.safe_load(f"key: {text}\n")["key"]
    assert back == value or (isinstance(value, float) and math.isnan(back))
    assert type(back) is type(value)


@pytest.mark.parametrize("value", [True, False, None])
def test_bools_and_none_round_trip(value: object) -> None:
    assert _round_trip(value) is value


@pytest.mark.parametrize(
    "value", [[1], {"a": 1}, ("x",), b"bytes", object()], ids=["list", "dict", "tuple", "bytes", "object"]
)
def test_non_scalars_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="not a scalar"):
        yaml_scalar(value)


def test_filter_is_installed_in_the_environment() -> None:
    env = environment()
    text = "a: b\n# c"
    rendered = env.from_string("key: {{ v | yaml }}\nn: {{ n | yaml }}\n").render(v=text, n=1.5)
    assert yaml.safe_load(rendered) == {"key": text, "n": 1.5}
    assert {"yaml", "shell", "md", "line", "json"} <= set(env.filters)


# --- shell -----------------------------------------------------------------------------------


@FAST
@given(ANY_TEXT)
def test_any_string_is_one_shell_word(text: str) -> None:
    assert shlex.split(shell_word(text)) == [text]


@FAST
@given(st.lists(ANY_TEXT, max_size=5))
def test_words_joined_by_spaces_split_back(words: list[str]) -> None:
    assert shlex.split(" ".join(shell_word(w) for w in words)) == words


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "$HOME",
        "`id`",
        "$(id)",
        "a'b",
        'a"b',
        "\\",
        "*",
        "~",
        "-n",
        "a\nb",
        "${{inputs.x}}",
        5,
        1.5,
        None,
        True,
    ],
)
def test_shell_word_examples(value: object) -> None:
    assert shlex.split(shell_word(value)) == [str(value)]


# --- markdown --------------------------------------------------------------------------------


def _unescaped_pipes(text: str) -> int:
    """Pipes not preceded by a backslash escape (`\\\\` is an escaped backslash, not an escape)."""
    return re.sub(r"\\.", "", text, flags=re.S).count("|")


@FAST
@given(ANY_TEXT)
def test_md_cell_is_one_line_without_unescaped_pipes(text: str) -> None:
    out = md_cell(text)
    assert "\n" not in out and "\r" not in out
    assert len(out.splitlines()) <= 1
    assert _unescaped_pipes(out) == 0
    trailing = len(out) - len(out.rstrip("\\"))
    assert trailing % 2 == 0, "an odd trailing backslash would escape the cell's closing |"


@FAST
@given(ANY_TEXT)
def test_md_cell_keeps_the_visible_text(text: str) -> None:
    unescaped = re.sub(r"\\(.)", r"\1", md_cell(text), flags=re.S)
    assert unescaped == " ".join(text.split())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("a|b", "a\\|b", id="pipe"),
        pytest.param("a\\|b", "a\\\\\\|b", id="backslash-before-pipe"),
        pytest.param("line1\nline2\r\nline3", "line1 line2 line3", id="newlines"),
        pytest.param("  padded\t", "padded", id="strip"),
        pytest.param("*bold* _it_ `code` <b> [l]", "\\*bold\\* \\_it\\_ \\`code\\` \\<b\\> \\[l\\]", id="markup"),
        pytest.param(42, "42", id="number"),
    ],
)
def test_md_cell_examples(value: object, expected: str) -> None:
    assert md_cell(value) == expected


@FAST
@given(ANY_TEXT)
def test_one_line_has_no_line_breaks(text: str) -> None:
    out = one_line(text)
    assert len(out.splitlines()) <= 1
    assert out == out.strip()
