"""sm2aml: convert Amazon SageMaker pipelines into Azure Machine Learning projects.

pipeline = sm2aml.load("pipeline.json")             # -> ir.Pipeline
project, diagnostics = sm2aml.convert(pipeline)     # -> aml.Project, Diagnostics
files = sm2aml.emit(project, target="yaml")         # -> list[File]
sm2aml.write(files, Path("out"))                    # the only step that touches the disk
"""

from __future__ import annotations

__version__ = "0.1.0"

# The stage packages share their entry points' names; binding the functions here, once, makes
# `sm2aml.load` and `sm2aml.emit` the functions while `sm2aml.load.definition` etc. stay importable.
from sm2aml.emit import emit, write
from sm2aml.load import load
from sm2aml.rules import convert
from sm2aml.validate import validate

__all__ = ["__version__", "convert", "emit", "load", "validate", "write"]
