#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://acme-ml-artifacts/code/prepare.py components/prepare/src/

aws s3 cp s3://acme-ml-artifacts/churn/code/sourcedir.tar.gz components/train/src/
tar -xzf components/train/src/sourcedir.tar.gz -C components/train/src/
rm components/train/src/sourcedir.tar.gz

aws s3 cp s3://acme-ml-artifacts/code/evaluate.py components/evaluate/src/

aws s3 cp s3://acme-ml-artifacts/code/notify.py components/notify/src/
