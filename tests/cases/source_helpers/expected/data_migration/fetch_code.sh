#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/dd8d8ae2915cb162eaf263b6de38098dde5f1b14251bdffdb214b2d19e113040/sourcedir.tar.gz components/prepare_emea/src/
tar -xzf components/prepare_emea/src/sourcedir.tar.gz -C components/prepare_emea/src/
rm components/prepare_emea/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/4419706adbf6951c909ceb385f364de889d02e03139895f84caabf5e45c6ac14/runproc.sh components/prepare_emea/src/

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/dd8d8ae2915cb162eaf263b6de38098dde5f1b14251bdffdb214b2d19e113040/sourcedir.tar.gz components/prepare_amer/src/
tar -xzf components/prepare_amer/src/sourcedir.tar.gz -C components/prepare_amer/src/
rm components/prepare_amer/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/4419706adbf6951c909ceb385f364de889d02e03139895f84caabf5e45c6ac14/runproc.sh components/prepare_amer/src/

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/dd8d8ae2915cb162eaf263b6de38098dde5f1b14251bdffdb214b2d19e113040/sourcedir.tar.gz components/train_clicks/src/
tar -xzf components/train_clicks/src/sourcedir.tar.gz -C components/train_clicks/src/
rm components/train_clicks/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/dd8d8ae2915cb162eaf263b6de38098dde5f1b14251bdffdb214b2d19e113040/sourcedir.tar.gz components/evaluate_clicks/src/
tar -xzf components/evaluate_clicks/src/sourcedir.tar.gz -C components/evaluate_clicks/src/
rm components/evaluate_clicks/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/82ae23f40a20a9a3f8ef7a22ee8c687a94459893cb02027923d453f3b3498a4f/runproc.sh components/evaluate_clicks/src/

aws s3 cp s3://sm2aml-test-artifacts/sagemaker-xgboost-2024-01-01-00-00-00-000/sourcedir.tar.gz components/register_clicks_register_model/src/
tar -xzf components/register_clicks_register_model/src/sourcedir.tar.gz -C components/register_clicks_register_model/src/
rm components/register_clicks_register_model/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/jobs/aggregate.py components/aggregate_clicks/src/
