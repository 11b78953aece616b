// Storage for the Functions host (AzureWebJobsStorage), the Durable Functions task hub (Azure Storage provider:
// blobs, queues, tables) and the Flex Consumption deployment package. Shared keys are off: everything, the
// host and the platform's package download included, authenticates with the app's managed identity.

@description('Storage account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Blob container the Flex Consumption platform deploys the app package from.')
param deploymentContainerName string

@description('Blob container the bot VMs download the agent package from (npm run package:agent; docs/deploy.md).')
param agentContainerName string = 'agent'

param location string
param tags object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Read by the bots' identity only (Storage Blob Data Reader on this container, roles module)
resource agentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: agentContainerName
  properties: {
    publicAccess: 'None'
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainer.name
output agentContainerName string = agentContainer.name
@description('URL of the agent container (AGENT_PACKAGE_URL): <blob endpoint><container>.')
output agentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${agentContainer.name}'
