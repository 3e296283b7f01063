#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/<hash>/sourcedir.tar.gz components/prepare_emea/src/
tar -xzf components/prepare_emea/src/sourcedir.tar.gz -C components/prepare_emea/src/
rm components/prepare_emea/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/<hash>/runproc.sh components/prepare_emea/src/

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/<hash>/sourcedir.tar.gz components/prepare_amer/src/
tar -xzf components/prepare_amer/src/sourcedir.tar.gz -C components/prepare_amer/src/
rm components/prepare_amer/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/<hash>/runproc.sh components/prepare_amer/src/

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/<hash>/sourcedir.tar.gz components/train_clicks/src/
tar -xzf components/train_clicks/src/sourcedir.tar.gz -C components/train_clicks/src/
rm components/train_clicks/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/<hash>/sourcedir.tar.gz components/evaluate_clicks/src/
tar -xzf components/evaluate_clicks/src/sourcedir.tar.gz -C components/evaluate_clicks/src/
rm components/evaluate_clicks/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/click-through/code/<hash>/runproc.sh components/evaluate_clicks/src/

aws s3 cp s3://sm2aml-test-artifacts/sagemaker-xgboost-2024-01-01-00-00-00-000/sourcedir.tar.gz components/register_clicks_register_model/src/
tar -xzf components/register_clicks_register_model/src/sourcedir.tar.gz -C components/register_clicks_register_model/src/
rm components/register_clicks_register_model/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/jobs/aggregate.py components/aggregate_clicks/src/
