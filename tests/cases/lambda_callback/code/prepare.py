"""Keeps the first rows of the snapshot the Lambda function selected."""

import argparse
import glob
import os

parser = argparse.ArgumentParser()
parser.add_argument("--row-limit", type=int, required=True)
args = parser.parse_args()

os.makedirs("/opt/ml/processing/features", exist_ok=True)
with open("/opt/ml/processing/features/features.csv", "w") as out:
    written = 0
    for path in sorted(glob.glob("/opt/ml/processing/snapshot/*.csv")):
        for line in open(path):
            if written >= args.row_limit:
                break
            out.write(line)
            written += 1
