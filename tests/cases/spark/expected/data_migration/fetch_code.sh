#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/spark-preprocess/code/<hash>/preprocess.py components/spark_preprocess/src/

aws s3 cp --recursive s3://sm2aml-test-artifacts/spark-preprocess/code/<hash>/py-files/ components/spark_preprocess/src/

aws s3 cp s3://sm2aml-test-artifacts/jars/spark-csv-helpers.jar components/spark_preprocess/src/

aws s3 cp s3://sm2aml-test-artifacts/spark-preprocess/code/<hash>/summarize.py components/summarize/src/
