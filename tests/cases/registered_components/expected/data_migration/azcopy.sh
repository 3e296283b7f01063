#!/usr/bin/env bash
# Copies the S3 data the pipeline reads into the blob containers behind its datastores.
# azcopy copies server-side from S3: set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and run
# `azcopy login` (or append a SAS token to the destination URLs) first.
set -euo pipefail
: "${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID}"
: "${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY}"

azcopy copy https://s3.amazonaws.com/sm2aml-test-artifacts/credit-risk \
  https://stlegacysteps.blob.core.windows.net/sm2aml-test-artifacts/credit-risk --recursive=true
