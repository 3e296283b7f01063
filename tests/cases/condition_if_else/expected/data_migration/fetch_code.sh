#!/usr/bin/env bash
# SageMaker kept these steps' code in S3; the definition only names where.
# This puts each file into the component's src/ folder (archives are unpacked there).
set -euo pipefail
cd "$(dirname "$0")/.."

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/0f25dd9dee0c08719531ad70cb6f211d09e83705b214b7bbfef88223b7549a0c/sourcedir.tar.gz components/train_abalone/src/
tar -xzf components/train_abalone/src/sourcedir.tar.gz -C components/train_abalone/src/
rm components/train_abalone/src/sourcedir.tar.gz

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/b14065ff33bab9bd8f11a7071fe453c407eecbbfdf991e2a2b5b7f3b5c5c61d9/evaluate.py components/evaluate_abalone/src/

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/e7e61be5475ef6b0952ff154558fe2cef3bb30eeb4c5416f320b53d8abd26ee5/publish.py components/publish_model/src/

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/3e2c17b196b2fdd8ebe00e2b8db364d060358bcdf38b21a70af936e0c611c131/deploy.py components/deploy_model/src/

aws s3 cp s3://sm2aml-test-artifacts/AbaloneIfElse/code/04cb32b2eaeaf6c51cc432e5e9a64a62fe90fb39f54c8adc7f5db6cfb51cc898/notes.py components/write_release_notes/src/
