#!/usr/bin/env bash
# Creates the user-assigned managed identities that stand for the SageMaker execution roles,
# and gives them the Azure roles the pipeline needs. Run once, with rights to assign roles.
set -euo pipefail
: "${RESOURCE_GROUP:?set RESOURCE_GROUP}"
: "${WORKSPACE:?set WORKSPACE (the Azure ML workspace name)}"
: "${STORAGE_ACCOUNT_ID:?set STORAGE_ACCOUNT_ID (resource id of the storage account behind the datastores)}"
REGISTRY_ID="${REGISTRY_ID:-}"  # resource id of the container registry, when custom images are used

workspace_id=$(az ml workspace show --name "$WORKSPACE" --resource-group "$RESOURCE_GROUP" --query id -o tsv)

# Stands for the SageMaker execution role arn:aws:iam::111122223333:role/service-role/SageMakerExecutionRole
az identity create --name id-sage-maker-execution-role --resource-group "$RESOURCE_GROUP"
principal=$(az identity show --name id-sage-maker-execution-role --resource-group "$RESOURCE_GROUP" --query principalId -o tsv)
az role assignment create --assignee-object-id "$principal" --assignee-principal-type ServicePrincipal \
  --role f6c7c914-8db3-469d-8ca1-694a8f32e121 --scope "$workspace_id"  # AzureML Data Scientist
az role assignment create --assignee-object-id "$principal" --assignee-principal-type ServicePrincipal \
  --role ba92f5b4-2d11-453d-a403-e96b0029c9fe --scope "$STORAGE_ACCOUNT_ID"  # Storage Blob Data Contributor
if [ -n "$REGISTRY_ID" ]; then
  az role assignment create --assignee-object-id "$principal" --assignee-principal-type ServicePrincipal \
    --role 7f951dda-4ed3-4680-a7ca-43fe172d538d --scope "$REGISTRY_ID"  # AcrPull
fi
