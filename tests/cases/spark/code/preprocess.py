"""Cleans the abalone CSV with Spark and splits it into train and validation sets."""

import argparse

from features import add_features
from pyspark.sql import SparkSession

parser = argparse.ArgumentParser()
for name in ("--raw", "--train", "--validation", "--lookup"):
    parser.add_argument(name, required=True)
args = parser.parse_args()

spark = SparkSession.builder.appName("abalone-preprocess").getOrCreate()
frame = spark.read.csv(args.raw, header=False, inferSchema=True)
codes = spark.read.csv(args.lookup, header=True)
frame = add_features(frame, codes)
train, validation = frame.randomSplit([0.8, 0.2], seed=42)
train.write.mode("overwrite").csv(args.train)
validation.write.mode("overwrite").csv(args.validation)
spark.stop()
