"""ScoreTaxiModel: compute regression metrics from the prediction step's output.

Writes ``evaluation.json`` in the SageMaker model-quality report layout, which the
pipeline reads through a ``PropertyFile`` and attaches to the registered model package.
"""

import glob
import json
import logging
import os

import pandas as pd
from sklearn.metrics import mean_squared_error, r2_score

INPUT_DIR = "/opt/ml/processing/input"
OUTPUT_DIR = "/opt/ml/processing/evaluation"

logger = logging.getLogger(__name__)


def main() -> None:
    files = sorted(glob.glob(os.path.join(INPUT_DIR, "*.csv")))
    df = pd.concat((pd.read_csv(f) for f in files), ignore_index=True)

    mse = mean_squared_error(df["actual_cost"], df["predicted_cost"])
    r2 = r2_score(df["actual_cost"], df["predicted_cost"])
    report = {
        "regression_metrics": {
            "mse": {"value": float(mse), "standard_deviation": "NaN"},
            "r2": {"value": float(r2), "standard_deviation": "NaN"},
        }
    }
    logger.info("mse=%.4f r2=%.4f", mse, r2)

    os.makedirs(OUTPUT_DIR, exist_ok=True)
    with open(os.path.join(OUTPUT_DIR, "evaluation.json"), "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
