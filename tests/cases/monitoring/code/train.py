"""Fit a logistic regression on the label in the first column."""

import argparse
import os

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

parser = argparse.ArgumentParser()
parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
args = parser.parse_args()
data = pd.read_csv(os.path.join(args.train, "train.csv"), header=None)
model = LogisticRegression(max_iter=200).fit(data.iloc[:, 1:], data.iloc[:, 0])
joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
