"""Split a CSV of labelled rows into train and validation sets."""

from __future__ import annotations

import csv
import os
import random

BASE = "/opt/ml/processing"


def main() -> None:
    source = os.path.join(BASE, "input", "raw")
    rows: list[list[str]] = []
    header: list[str] = []
    for name in sorted(os.listdir(source)):
        with open(os.path.join(source, name), newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows.extend(reader)
    random.Random(0).shuffle(rows)
    cut = int(len(rows) * 0.8)
    for split, part in (("train", rows[:cut]), ("validation", rows[cut:])):
        os.makedirs(os.path.join(BASE, split), exist_ok=True)
        with open(os.path.join(BASE, split, f"{split}.csv"), "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(part)


if __name__ == "__main__":
    main()
