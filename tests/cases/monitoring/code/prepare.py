"""Split the raw churn data; the label is the first column."""

import glob
import os

import pandas as pd

frames = [pd.read_csv(path, header=None) for path in sorted(glob.glob("/opt/ml/processing/raw/*.csv"))]
data = pd.concat(frames).dropna()
os.makedirs("/opt/ml/processing/train", exist_ok=True)
data.to_csv("/opt/ml/processing/train/train.csv", header=False, index=False)
