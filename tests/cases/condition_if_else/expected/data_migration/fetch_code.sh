#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/<hash>/sourcedir.tar.gz components/train_abalone/src/
tar -xzf components/train_abalone/src/sourcedir.tar.gz -C components/train_abalone/src/
rm components/train_abalone/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/<hash>/evaluate.py components/evaluate_abalone/src/

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/<hash>/publish.py components/publish_model/src/

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/<hash>/deploy.py components/deploy_model/src/

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/<hash>/notes.py components/write_release_notes/src/
