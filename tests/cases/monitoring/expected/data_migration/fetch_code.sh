#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/ChurnMonitoring/code/af10e2c5dc5f049b1f06edf43e1a6192664ca0f281b9c8f93b0cde23a64cc5fb/prepare.py components/prepare_churn/src/

aws s3 cp s3://sm2aml-test-artifacts/ChurnMonitoring/code/eff8f481cf70fa417d1507c6a3d0a6bdbed9ec38ddca26103c2cb4a32992d119/sourcedir.tar.gz components/train_churn/src/
tar -xzf components/train_churn/src/sourcedir.tar.gz -C components/train_churn/src/
rm components/train_churn/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/sagemaker-scikit-learn-2024-01-01-00-00-00-000/sourcedir.tar.gz components/register_churn_register_model/src/
tar -xzf components/register_churn_register_model/src/sourcedir.tar.gz -C components/register_churn_register_model/src/
rm components/register_churn_register_model/src/sourcedir.tar.gz
