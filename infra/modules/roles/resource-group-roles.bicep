// Assigns built-in roles to a service principal on the resource group this module is deployed to.

@description('Object (principal) id of the managed identity.')
param principalId string

@description('Built-in role definition ids (GUIDs) to assign on the resource group.')
param roleDefinitionIds string[]

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleDefinitionId in roleDefinitionIds: {
  name: guid(resourceGroup().id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}]
