#!/usr/bin/env bash
# Deploys monitoring to an Azure ML workspace: every step in dependency order.
# Written by sm2aml from the project, like the README's runbook and the CI/CD workflows
# (.github/workflows/azureml-deploy.yml, azure-pipelines.yml), which run the same steps.
#
#   RESOURCE_GROUP=<resource group> WORKSPACE=<workspace> SUBSCRIPTION=<subscription id> \
#     bash deploy.sh [--setup] [--copy-data] [--endpoints]
#   --setup: one-time setup: managed identities and their role assignments
#   --copy-data: copy the S3 data into the blob containers (once; again to refresh it)
#   --endpoints: online endpoints, once the pipeline has registered a model version
#   AWS_ACCESS_KEY_ID: AWS access key that may read the S3 buckets (a secret)
#   AWS_SECRET_ACCESS_KEY: its secret key (a secret)
#   STORAGE_ACCOUNT_ID: resource id of the storage account behind the datastores
#   REGISTRY_ID: resource id of the container registry with custom images (may be empty)
#
# Sign in first with `az login`. Azure ML commands find the workspace through AZURE_DEFAULTS_GROUP and
# AZURE_DEFAULTS_WORKSPACE, which this script sets; it changes no saved configuration.
set -euo pipefail
cd "$(dirname "$0")"
: "${RESOURCE_GROUP:?set RESOURCE_GROUP (the resource group of the Azure ML workspace)}"
: "${WORKSPACE:?set WORKSPACE (the Azure ML workspace name)}"
: "${SUBSCRIPTION:?set SUBSCRIPTION (the subscription id)}"
setup=false
copy_data=false
endpoints=false
for arg in "$@"; do
  case "$arg" in
    --setup) setup=true ;;
    --copy-data) copy_data=true ;;
    --endpoints) endpoints=true ;;
    *) echo "deploy.sh: unknown argument $arg (known: --setup --copy-data --endpoints)" >&2; exit 2 ;;
  esac
done
export AZURE_DEFAULTS_GROUP="$RESOURCE_GROUP" AZURE_DEFAULTS_WORKSPACE="$WORKSPACE"
az account set --subscription "$SUBSCRIPTION"

echo '==> code: fetch the step code SageMaker kept in S3 into components/*/src/'
bash data_migration/fetch_code.sh

if [ "$setup" = true ]; then
  echo '==> identities: managed identities and role assignments'
  bash identity/create_identities.sh
else
  echo '--- identities: managed identities and role assignments skipped (pass --setup)'
fi

echo '==> datastores: datastore sm2aml_test_artifacts'
az ml datastore create --file datastores/sm2aml_test_artifacts.yml

if [ "$copy_data" = true ]; then
  echo '==> data: copy the S3 data into the blob containers'
  AZCOPY_AUTO_LOGIN_TYPE=AZCLI bash data_migration/azcopy.sh
else
  echo '--- data: copy the S3 data into the blob containers skipped (pass --copy-data)'
fi

echo '==> environments: environment sklearn_1_5_collecting'
az ml environment create --file environments/sklearn_1_5_collecting.yml

echo '==> job: the pipeline job'
az ml job create --file pipeline.yml

if [ "$endpoints" = true ]; then
  echo '==> endpoints: online endpoint churn-models'
  az ml online-endpoint create --file endpoints/churn-models.endpoint.yml
else
  echo '--- endpoints: online endpoint churn-models skipped (pass --endpoints)'
fi

if [ "$endpoints" = true ]; then
  echo '==> endpoints: its deployment blue, with all the traffic'
  az ml online-deployment create --file endpoints/churn-models.deployment.yml --all-traffic
else
  echo '--- endpoints: its deployment blue, with all the traffic skipped (pass --endpoints)'
fi

if [ "$endpoints" = true ]; then
  echo '==> schedules: the MLTable of check_churn_data_quality_monitor'"'"'s reference data'
  az storage blob upload --auth-mode login --overwrite --account-name stmonitoring --container-name sm2aml-test-artifacts --name churn/prepared/train/MLTable --file monitoring/check_churn_data_quality_monitor/MLTable
else
  echo '--- schedules: the MLTable of check_churn_data_quality_monitor'"'"'s reference data skipped (pass --endpoints)'
fi

if [ "$endpoints" = true ]; then
  echo '==> schedules: model monitor check_churn_data_quality_monitor'
  az ml schedule create --file schedules/check_churn_data_quality_monitor.yml
else
  echo '--- schedules: model monitor check_churn_data_quality_monitor skipped (pass --endpoints)'
fi
