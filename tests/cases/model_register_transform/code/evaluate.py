"""Score the packed model on test.csv and write evaluation.json."""

import json
import pathlib
import tarfile

import joblib
import pandas as pd
from sklearn.metrics import mean_squared_error

if __name__ == "__main__":
    with tarfile.open("/opt/ml/processing/model/model.tar.gz") as tar:
        tar.extractall(".")
    model = joblib.load("model.joblib")
    frame = pd.read_csv("/opt/ml/processing/test/test.csv", header=None)
    mse = mean_squared_error(frame.iloc[:, 0], model.predict(frame.iloc[:, 1:]))
    out = pathlib.Path("/opt/ml/processing/evaluation")
    out.mkdir(parents=True, exist_ok=True)
    report = {"regression_metrics": {"mse": {"value": mse}}}
    (out / "evaluation.json").write_text(json.dumps(report))
