// Assigns built-in roles to a service principal on an Azure Compute Gallery of this resource group.

@description('Object (principal) id of the managed identity.')
param principalId string

@description('Name of the existing Compute Gallery.')
param galleryName string

@description('Built-in role definition ids (GUIDs) to assign on the gallery.')
param roleDefinitionIds string[]

resource gallery 'Microsoft.Compute/galleries@2023-07-03' existing = {
  name: galleryName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleDefinitionId in roleDefinitionIds: {
  scope: gallery
  name: guid(gallery.id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}]
