"""TrainTaxiModel: fit a linear regression that predicts the total cost of a taxi trip.

SageMaker script-mode entry point for the scikit-learn container. Hyperparameters
arrive as ``--name value`` arguments; data and model locations come from the
``SM_*`` environment variables. The fitted model is saved to ``SM_MODEL_DIR`` (SageMaker
packs it into ``model.tar.gz``) and the held-out test split to ``SM_OUTPUT_DATA_DIR``
(packed into ``output.tar.gz``) for the downstream prediction step.
"""

import argparse
import glob
import logging
import os

import joblib
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

LABEL = "cost"

logger = logging.getLogger(__name__)


def str2bool(value: str) -> bool:
    """Parse a boolean hyperparameter passed as a string."""
    return str(value).strip().lower() in ("true", "1", "yes")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    # Hyperparameters sent by the estimator.
    parser.add_argument("--test_split_ratio", type=float, default=0.2)
    parser.add_argument("--fit_intercept", type=str2bool, default=True)
    parser.add_argument("--random_state", type=int, default=42)
    # SageMaker-provided locations.
    parser.add_argument("--model-dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", type=str, default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--output-data-dir", type=str, default=os.environ.get("SM_OUTPUT_DATA_DIR"))
    args, _ = parser.parse_known_args()
    return args


def main() -> None:
    args = parse_args()
    files = sorted(glob.glob(os.path.join(args.train, "*.csv")))
    df = pd.concat((pd.read_csv(f) for f in files), ignore_index=True)

    train, test = train_test_split(df, test_size=args.test_split_ratio, random_state=args.random_state)
    x_train, y_train = train.drop(columns=[LABEL]), train[LABEL]
    logger.info("Training on %d rows, %d features", len(x_train), x_train.shape[1])

    model = LinearRegression(fit_intercept=args.fit_intercept)
    model.fit(x_train, y_train)
    logger.info("train_r2=%.4f", model.score(x_train, y_train))

    os.makedirs(args.model_dir, exist_ok=True)
    joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
    os.makedirs(args.output_data_dir, exist_ok=True)
    test.to_csv(os.path.join(args.output_data_dir, "test.csv"), index=False)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
