// Assigns built-in roles to a service principal on one blob container of a storage account of this resource group:
// the bots' identity reading the agent package (Storage Blob Data Reader on the `agent` container only).

@description('Object (principal) id of the managed identity.')
param principalId string

param storageAccountName string

@description('Name of the existing blob container.')
param containerName string

@description('Built-in role definition ids (GUIDs) to assign on the container.')
param roleDefinitionIds string[]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: containerName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleDefinitionId in roleDefinitionIds: {
  scope: container
  name: guid(container.id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}]
