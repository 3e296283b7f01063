#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/snapshot-approval/code/a4e27eb95a30207ed5d2d6e17302508a211ee9e16ec01d25984571d0621be017/prepare.py components/prepare_features/src/
