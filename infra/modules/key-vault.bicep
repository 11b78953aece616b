// Key Vault for the groups' local-account and the connections' passwords. Access by Azure RBAC only (the app's
// identity holds Key Vault Secrets Officer, roles module). Soft delete is on (always, for every vault); purge
// protection is not, so that a torn-down environment's vault can be purged (`azd down --purge`) and its name
// reused at once. enablePurgeProtection is left out rather than set to false: ARM refuses false on a vault that has
// it (it cannot be turned off), and a new vault without the property has it off. A soft-deleted vault can instead
// be brought back, secrets included, with createMode 'recover' (docs/deploy.md).

@description('Key Vault name (3-24 letters, digits and hyphens, starting with a letter; globally unique; reserved while a deleted vault is retained).')
@minLength(3)
@maxLength(24)
param name string

param location string
param tags object

@description('\'default\' creates the vault or updates it; \'recover\' recovers the soft-deleted vault of this name (it fails when there is none).')
@allowed([
  'default'
  'recover'
])
param createMode string = 'default'

@description('Days a deleted vault or secret stays recoverable. Fixed at creation: ARM refuses another value for an existing vault.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    createMode: createMode
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
