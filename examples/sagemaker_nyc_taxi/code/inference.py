"""Serving hooks for the scikit-learn inference container.

The container's default ``input_fn``/``predict_fn``/``output_fn`` handle ``text/csv``
payloads (one trip per line, feature columns in training order), so only the model
loader is needed here.
"""

import os

import joblib


def model_fn(model_dir: str):
    """Load the regression model saved by ``train.py``."""
    return joblib.load(os.path.join(model_dir, "model.joblib"))
