"""Fit a linear regression on the training channel and save it to the model folder."""

import os

import joblib
import pandas as pd
from sklearn.linear_model import LinearRegression

frame = pd.read_csv(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "train.csv"), header=None)
model = LinearRegression().fit(frame.iloc[:, 1:], frame.iloc[:, 0])
joblib.dump(model, os.path.join(os.environ["SM_MODEL_DIR"], "model.joblib"))
