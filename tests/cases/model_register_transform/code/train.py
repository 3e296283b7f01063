"""Train a small linear model on train.csv (first column is the target) and save it with joblib."""

import argparse
import os

import joblib
import pandas as pd
from sklearn.linear_model import LinearRegression

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit-intercept", type=str, default="true")
    args = parser.parse_args()
    frame = pd.read_csv(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "train.csv"), header=None)
    model = LinearRegression(fit_intercept=args.fit_intercept == "true")
    model.fit(frame.iloc[:, 1:], frame.iloc[:, 0])
    joblib.dump(model, os.path.join(os.environ["SM_MODEL_DIR"], "model.joblib"))
