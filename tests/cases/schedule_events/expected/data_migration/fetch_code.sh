#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://acme-ml-artifacts/code/clean.py components/clean_sales/src/

aws s3 cp s3://acme-ml-artifacts/code/aggregate.py components/aggregate/src/
