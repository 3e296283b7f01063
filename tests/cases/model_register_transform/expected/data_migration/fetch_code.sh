#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/HousingModelLifecycle/code/<hash>/sourcedir.tar.gz components/train_housing/src/
tar -xzf components/train_housing/src/sourcedir.tar.gz -C components/train_housing/src/
rm components/train_housing/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/HousingModelLifecycle/code/<hash>/evaluate.py components/evaluate_housing/src/

aws s3 cp s3://sm2aml-test-artifacts/sagemaker-scikit-learn-2024-01-01-00-00-00-000/sourcedir.tar.gz components/register_housing_register_model/src/
tar -xzf components/register_housing_register_model/src/sourcedir.tar.gz -C components/register_housing_register_model/src/
rm components/register_housing_register_model/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/sagemaker-scikit-learn-2024-01-01-00-00-00-000/sourcedir.tar.gz components/score_housing/src/
tar -xzf components/score_housing/src/sourcedir.tar.gz -C components/score_housing/src/
rm components/score_housing/src/sourcedir.tar.gz
