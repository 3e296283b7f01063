"""Every diagnostic code has its entry in docs/diagnostics.md, and every documented code exists."""

from __future__ import annotations

import re
from pathlib import Path

from sm2aml.diagnostics import CODES

DOC = Path(__file__).resolve().parents[1] / "docs" / "diagnostics.md"


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    documented = re.findall(r"^### (SM2AML\d{3})$", DOC.read_text(encoding="utf-8"), re.M)
    assert sorted(documented) == sorted(CODES)


def test_documented_titles_match_the_catalogue() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code, entry in CODES.items():
        section = text.split(f"### {code}\n", 1)[1].split("\n### ", 1)[0]
        assert f"**{entry.title}**" in section, code
        assert f"default severity: {entry.severity}." in section, code


def test_codes_follow_the_numbering_scheme() -> None:
    for code in CODES:
        assert re.fullmatch(r"SM2AML[1-5]\d\d", code), code


def test_rules_md_is_the_current_coverage_matrix() -> None:
    from sm2aml.emit.coverage import markdown
    from sm2aml.rules import coverage

    rules_md = DOC.parent / "rules.md"
    assert rules_md.read_text(encoding="utf-8") == markdown(coverage()), (
        "docs/rules.md is stale: python -m sm2aml rules --format markdown > docs/rules.md"
    )
