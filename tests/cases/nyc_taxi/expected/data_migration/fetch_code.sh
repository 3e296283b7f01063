#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/<hash>/prep.py components/prep_taxi_data/src/

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/<hash>/transform.py components/transform_taxi_data/src/

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/<hash>/sourcedir.tar.gz components/train_taxi_model/src/
tar -xzf components/train_taxi_model/src/sourcedir.tar.gz -C components/train_taxi_model/src/
rm components/train_taxi_model/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/<hash>/predict.py components/predict_taxi_fares/src/

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/<hash>/score.py components/score_taxi_model/src/

aws s3 cp s3://sm2aml-example-artifacts/sagemaker-scikit-learn-2016-01-31-00-00-00-000/sourcedir.tar.gz components/register_taxi_model_register_model/src/
tar -xzf components/register_taxi_model_register_model/src/sourcedir.tar.gz -C components/register_taxi_model_register_model/src/
rm components/register_taxi_model_register_model/src/sourcedir.tar.gz
