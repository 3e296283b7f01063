#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/NightlyRefresh/code/72fac3633c312d249cc8d183629f97de5f764016f50fe47f0db59d182058c55f/refresh.py components/refresh_extract/src/
