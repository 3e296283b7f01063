"""Split the raw credit applications into train and test CSV files."""

from __future__ import annotations

import argparse
import csv
import os
import random

BASE = "/opt/ml/processing"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--test-fraction", type=float, default=0.2)
    args = parser.parse_args()
    rows: list[list[str]] = []
    header: list[str] = []
    source = os.path.join(BASE, "raw")
    for name in sorted(os.listdir(source)):
        with open(os.path.join(source, name), newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows.extend(reader)
    random.Random(0).shuffle(rows)
    cut = int(len(rows) * (1 - args.test_fraction))
    for split, part in (("train", rows[:cut]), ("test", rows[cut:])):
        os.makedirs(os.path.join(BASE, split), exist_ok=True)
        with open(os.path.join(BASE, split, f"{split}.csv"), "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(part)


if __name__ == "__main__":
    main()
