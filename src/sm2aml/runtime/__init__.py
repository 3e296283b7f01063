"""Small stand-alone programs shipped inside emitted components (standard library only)."""

from __future__ import annotations

import functools
from importlib import resources

LAUNCHERS = {
    "processing": "sm2aml_processing.py",
    "training": "sm2aml_training.py",
    "condition": "sm2aml_condition.py",
    "inference": "sm2aml_inference.py",
    "register": "sm2aml_register.py",
    "repack": "sm2aml_repack.py",
    "spark": "sm2aml_spark.py",
}


@functools.cache
def source(kind: str) -> str:
    """The text of a launcher, as it is copied into a component's src/ folder."""
    module = f"{kind}.py"
    if kind not in LAUNCHERS:
        raise KeyError(kind)
    return resources.files(__package__).joinpath(module).read_text(encoding="utf-8")
