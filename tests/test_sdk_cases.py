"""Golden cases built with the real SageMaker SDK: the committed input.json is what the SDK builds."""

from __future__ import annotations

from pathlib import Path

import pytest

CASES = sorted(p.parent for p in (Path(__file__).resolve().parent / "cases").glob("*/build.py"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_input_json_is_what_the_sdk_builds(case: Path) -> None:
    pytest.importorskip("sagemaker")
    from tests.sdk_offline import build_case

    expected = build_case(case)
    assert (case / "input.json").read_text(encoding="utf-8") == expected, (
        f"regenerate with: python -m tests.sdk_offline tests/cases/{case.name}"
    )
