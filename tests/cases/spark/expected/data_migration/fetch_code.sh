#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/spark-preprocess/code/7cf77d377015df4cc29051a3cb0a203391b9fd9e6d4d60882c88ea603ab563b2/preprocess.py components/spark_preprocess/src/

aws s3 cp --recursive s3://sm2aml-test-artifacts/spark-preprocess/code/7cf77d377015df4cc29051a3cb0a203391b9fd9e6d4d60882c88ea603ab563b2/py-files/ components/spark_preprocess/src/

aws s3 cp s3://sm2aml-test-artifacts/jars/spark-csv-helpers.jar components/spark_preprocess/src/

aws s3 cp s3://sm2aml-test-artifacts/spark-preprocess/code/6e5ed0d0963ed1f4059aecfe0bf384e1b4982e6f585d64715b20be92c360db94/summarize.py components/summarize/src/
