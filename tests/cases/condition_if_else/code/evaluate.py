"""Score the model on the test set and write evaluation.json with the mean squared error."""

import json
import tarfile

import joblib
import pandas as pd
from sklearn.metrics import mean_squared_error

with tarfile.open("/opt/ml/processing/model/model.tar.gz") as tar:
    tar.extractall("/tmp/model")
model = joblib.load("/tmp/model/model.joblib")
frame = pd.read_csv("/opt/ml/processing/test/test.csv", header=None)
mse = mean_squared_error(frame.iloc[:, 0], model.predict(frame.iloc[:, 1:]))
with open("/opt/ml/processing/evaluation/evaluation.json", "w") as f:
    json.dump({"regression_metrics": {"mse": {"value": mse}}}, f)
