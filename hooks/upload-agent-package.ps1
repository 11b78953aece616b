# azd postdeploy hook (azure.yaml), Windows: the same as upload-agent-package.sh. Uploads the agent package that
# `npm run package:agent` staged in .deploy/agent to the storage container the bot VMs install it from
# (docs/deploy.md, "Agent on VMs"). Needs the az CLI, signed in as the deploying user.
$ErrorActionPreference = 'Stop'

if (-not $env:AGENT_STORAGE_ACCOUNT) { throw 'AGENT_STORAGE_ACCOUNT is not set: run azd provision first (an output of infra/main.bicep)' }
$account = $env:AGENT_STORAGE_ACCOUNT
$container = if ($env:AGENT_CONTAINER) { $env:AGENT_CONTAINER } else { 'agent' }
$dir = Join-Path '.deploy' 'agent'
$files = @('hosted-rpa-agent.zip', 'install-agent.ps1')
foreach ($file in $files) {
    if (-not (Test-Path -LiteralPath (Join-Path $dir $file))) { throw "$dir/$file is missing: run npm run package:agent" }
}

# --auth-mode login needs a data role on the container: the deploying user gets Storage Blob Data Contributor on
# this container only (idempotent; skipped for a service principal, which must hold it already)
$accountId = az storage account show --name $account --query id --output tsv
if ($LASTEXITCODE -ne 0) { throw "storage account $account not found" }
$scope = "$accountId/blobServices/default/containers/$container"
$userId = az ad signed-in-user show --query id --output tsv 2>$null
if ($LASTEXITCODE -eq 0 -and $userId) {
    az role assignment create --assignee-object-id $userId --assignee-principal-type User --role 'Storage Blob Data Contributor' --scope $scope --only-show-errors | Out-Null
}

# the package first, then its installer (a VM reads both); a new role assignment can take minutes to apply
foreach ($file in $files) {
    $attempt = 1
    while ($true) {
        az storage blob upload --auth-mode login --account-name $account --container-name $container --file (Join-Path $dir $file) --name $file --overwrite --only-show-errors | Out-Null
        if ($LASTEXITCODE -eq 0) { break }
        if ($attempt -ge 10) { throw "could not upload $file to $account/$container" }
        Write-Output "upload-agent-package: upload of $file refused (role not applied yet?); retrying in 30 s"
        $attempt++
        Start-Sleep -Seconds 30
    }
    Write-Output "upload-agent-package: uploaded $file to $account/$container"
}
