#!/bin/sh
# azd postdeploy hook (azure.yaml): uploads the agent package that `npm run package:agent` staged in .deploy/agent
# to the storage container the bot VMs install it from (docs/deploy.md, "Agent on VMs"). Needs the az CLI, signed
# in as the deploying user; AGENT_STORAGE_ACCOUNT and AGENT_CONTAINER are outputs of infra/main.bicep.
set -eu

: "${AGENT_STORAGE_ACCOUNT:?is not set: run azd provision first (an output of infra/main.bicep)}"
container="${AGENT_CONTAINER:-agent}"
dir=".deploy/agent"
for file in hosted-rpa-agent.zip install-agent.ps1; do
  if [ ! -f "$dir/$file" ]; then
    echo "upload-agent-package: $dir/$file is missing: run npm run package:agent" >&2
    exit 1
  fi
done

# --auth-mode login needs a data role on the container: the deploying user gets Storage Blob Data Contributor on
# this container only (idempotent; skipped for a service principal, which must hold it already)
account_id=$(az storage account show --name "$AGENT_STORAGE_ACCOUNT" --query id --output tsv)
scope="$account_id/blobServices/default/containers/$container"
user_id=$(az ad signed-in-user show --query id --output tsv 2>/dev/null || true)
if [ -n "$user_id" ]; then
  az role assignment create --assignee-object-id "$user_id" --assignee-principal-type User \
    --role "Storage Blob Data Contributor" --scope "$scope" --only-show-errors >/dev/null || true
fi

# the package first, then its installer (a VM reads both); a new role assignment can take minutes to apply
for file in hosted-rpa-agent.zip install-agent.ps1; do
  attempt=1
  until az storage blob upload --auth-mode login --account-name "$AGENT_STORAGE_ACCOUNT" --container-name "$container" \
    --file "$dir/$file" --name "$file" --overwrite --only-show-errors >/dev/null; do
    if [ "$attempt" -ge 10 ]; then
      echo "upload-agent-package: could not upload $file to $AGENT_STORAGE_ACCOUNT/$container" >&2
      exit 1
    fi
    echo "upload-agent-package: upload of $file refused (role not applied yet?); retrying in 30 s"
    attempt=$((attempt + 1))
    sleep 30
  done
  echo "upload-agent-package: uploaded $file to $AGENT_STORAGE_ACCOUNT/$container"
done
