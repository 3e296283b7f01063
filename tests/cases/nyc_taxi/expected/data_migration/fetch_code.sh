#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/a69bd1fc5452592fb682a5aa55e92ad395007daa01cc5d94650b2dccb44d0f69/prep.py components/prep_taxi_data/src/

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/ecfdc5b580bb564a63176aa4f279a0c5277300ec41b00b5efbc46328f12cef17/transform.py components/transform_taxi_data/src/

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/53114d7a3978018011b823cfbba258f8fff49db7f5a16a2b72ff7657c58338ac/sourcedir.tar.gz components/train_taxi_model/src/
tar -xzf components/train_taxi_model/src/sourcedir.tar.gz -C components/train_taxi_model/src/
rm components/train_taxi_model/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/b3a85b4eac68f550de5e9306a4b7bdc214d3842c6d629baa6108eb5d1a23ae25/predict.py components/predict_taxi_fares/src/

aws s3 cp s3://sm2aml-example-artifacts/NycTaxiFarePipeline/code/ea79cea022eb4f5ef1c3bc48dfb39758633f6514fd97a0bf5fba9c7a911c4aec/score.py components/score_taxi_model/src/

aws s3 cp s3://sm2aml-example-artifacts/sagemaker-scikit-learn-2016-01-31-00-00-00-000/sourcedir.tar.gz components/register_taxi_model_register_model/src/
tar -xzf components/register_taxi_model_register_model/src/sourcedir.tar.gz -C components/register_taxi_model_register_model/src/
rm components/register_taxi_model_register_model/src/sourcedir.tar.gz
