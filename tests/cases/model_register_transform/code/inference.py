"""SageMaker scikit-learn serving functions: load the joblib model, score CSV rows."""

import io
import os

import joblib
import numpy as np


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def input_fn(body, content_type):
    if content_type != "text/csv":
        raise ValueError(f"unsupported content type {content_type}")
    text = body.decode() if isinstance(body, bytes) else body
    return np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2)


def predict_fn(data, model):
    return model.predict(data)


def output_fn(prediction, accept):
    return "\n".join(str(x) for x in prediction)
