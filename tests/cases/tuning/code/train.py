"""Fit a gradient-boosted classifier and print the validation AUC in the format the metric regex reads."""

from __future__ import annotations

import argparse
import os

import joblib
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import roc_auc_score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--subsample", type=float, default=1.0)
    parser.add_argument("--max-depth", type=int, default=3)
    parser.add_argument("--loss", type=str, default="log_loss")
    parser.add_argument("--n-estimators", type=int, default=100)
    args = parser.parse_args()
    train = pd.read_csv(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "train.csv"))
    valid = pd.read_csv(os.path.join(os.environ["SM_CHANNEL_VALIDATION"], "validation.csv"))
    model = GradientBoostingClassifier(
        learning_rate=args.learning_rate,
        subsample=args.subsample,
        max_depth=args.max_depth,
        loss=args.loss,
        n_estimators=args.n_estimators,
    )
    model.fit(train.drop(columns=["label"]), train["label"])
    auc = roc_auc_score(valid["label"], model.predict_proba(valid.drop(columns=["label"]))[:, 1])
    print(f"validation-auc: {auc:.6f}")
    joblib.dump(model, os.path.join(os.environ["SM_MODEL_DIR"], "model.joblib"))


if __name__ == "__main__":
    main()
