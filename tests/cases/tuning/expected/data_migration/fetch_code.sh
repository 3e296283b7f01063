#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/ChurnTuning/code/<hash>/prepare.py components/prepare_churn/src/

aws s3 cp s3://sm2aml-test-artifacts/sagemaker-scikit-learn-2024-01-01-00-00-00-000/source/sourcedir.tar.gz components/tune_churn_model/src/
tar -xzf components/tune_churn_model/src/sourcedir.tar.gz -C components/tune_churn_model/src/
rm components/tune_churn_model/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/ChurnTuning/code/<hash>/evaluate.py components/inspect_best_model/src/
