"""Open the best model's model.tar.gz and write its feature importances."""

from __future__ import annotations

import json
import os
import tarfile

import joblib

BASE = "/opt/ml/processing"


def main() -> None:
    with tarfile.open(os.path.join(BASE, "model", "model.tar.gz")) as archive:
        archive.extractall(os.path.join(BASE, "unpacked"))
    model = joblib.load(os.path.join(BASE, "unpacked", "model.joblib"))
    os.makedirs(os.path.join(BASE, "report"), exist_ok=True)
    with open(os.path.join(BASE, "report", "importances.json"), "w") as handle:
        json.dump([float(x) for x in model.feature_importances_], handle)


if __name__ == "__main__":
    main()
