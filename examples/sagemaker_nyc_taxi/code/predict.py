"""PredictTaxiFares: score the held-out trips with the trained model.

Extracts ``model.tar.gz`` (the training job's model artefact) and ``output.tar.gz``
(the training job's output data, holding ``test.csv``), then writes
``predictions.csv`` with ``predicted_cost`` and ``actual_cost`` columns.
"""

import glob
import logging
import os
import tarfile

import joblib
import pandas as pd

MODEL_DIR = "/opt/ml/processing/model"
TEST_DIR = "/opt/ml/processing/test"
OUTPUT_DIR = "/opt/ml/processing/output"
LABEL = "cost"

logger = logging.getLogger(__name__)


def extract(directory: str, archive: str) -> None:
    """Unpack a SageMaker-produced tarball in place, if present."""
    path = os.path.join(directory, archive)
    if os.path.exists(path):
        with tarfile.open(path) as tar:
            tar.extractall(path=directory)


def main() -> None:
    extract(MODEL_DIR, "model.tar.gz")
    extract(TEST_DIR, "output.tar.gz")
    model = joblib.load(os.path.join(MODEL_DIR, "model.joblib"))

    files = sorted(glob.glob(os.path.join(TEST_DIR, "*.csv")))
    test = pd.concat((pd.read_csv(f) for f in files), ignore_index=True)
    x_test, y_test = test.drop(columns=[LABEL]), test[LABEL]

    predictions = pd.DataFrame({"predicted_cost": model.predict(x_test), "actual_cost": y_test})
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    predictions.to_csv(os.path.join(OUTPUT_DIR, "predictions.csv"), index=False)
    logger.info("Wrote %d predictions", len(predictions))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
