"""Split one region's click logs into train and test CSV files."""

from __future__ import annotations

import csv
import os

BASE = "/opt/ml/processing"


def main() -> None:
    rows: list[list[str]] = []
    header: list[str] = []
    for name in sorted(os.listdir(os.path.join(BASE, "raw"))):
        with open(os.path.join(BASE, "raw", name), newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows.extend(reader)
    cut = int(len(rows) * 0.8)
    for split, part in (("train", rows[:cut]), ("test", rows[cut:])):
        os.makedirs(os.path.join(BASE, split), exist_ok=True)
        with open(os.path.join(BASE, split, f"{split}.csv"), "w", newline="") as handle:
            csv.writer(handle).writerows([header, *part])


if __name__ == "__main__":
    main()
