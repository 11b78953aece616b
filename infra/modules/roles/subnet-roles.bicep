// Assigns built-in roles to a service principal on one existing subnet of this resource group.

@description('Object (principal) id of the managed identity.')
param principalId string

@description('Name of the existing virtual network.')
param virtualNetworkName string

@description('Name of the existing subnet in it.')
param subnetName string

@description('Built-in role definition ids (GUIDs) to assign on the subnet.')
param roleDefinitionIds string[]

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: virtualNetworkName
}

resource subnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {
  parent: vnet
  name: subnetName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleDefinitionId in roleDefinitionIds: {
  scope: subnet
  name: guid(subnet.id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}]
