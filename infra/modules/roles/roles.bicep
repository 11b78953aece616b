// Every role the app's user-assigned managed identity holds, in one place. Each assignment below is what one
// SDK of the production code needs (tests/unit/infra/roles.test.ts keeps that table):
//   Functions host + Durable Functions (Azure Storage provider) -> Storage Blob Data Owner, Storage Queue Data
//     Contributor, Storage Table Data Contributor on the storage account
//   host telemetry (Application Insights, Entra ID ingestion)  -> Monitoring Metrics Publisher on the component
//   @azure/cosmos                                              -> Cosmos DB Built-in Data Contributor (data plane)
//   @azure/service-bus (queues created/deleted at run time)    -> Azure Service Bus Data Owner on the namespace
//   @azure/keyvault-secrets (passwords written and deleted)    -> Key Vault Secrets Officer on the vault
//   @azure/arm-compute, @azure/arm-network (bots)              -> Virtual Machine Contributor + Network
//     Contributor on the bots' resource group, Reader on the Compute Gallery (if given), Network Contributor on
//     an existing bots subnet (if given)
//   the ARM provisioner attaching the bots' identity to each VM -> Managed Identity Operator on that identity
// and one role of the bots' identity (principal botIdentityPrincipalId), not of the app's:
//   the Custom Script Extension downloading the agent package -> Storage Blob Data Reader on the agent container
// Built-in role definition ids are the same in every tenant.

@description('Object (principal) id of the user-assigned managed identity.')
param principalId string

param storageAccountName string
param applicationInsightsName string
param cosmosAccountName string
param serviceBusNamespaceName string
param keyVaultName string

@description('Resource group the app creates bots (VMs, NICs, disks) in; it must exist.')
param botsResourceGroupName string

@description('Resource id of the subnet bot NICs join.')
param botsSubnetId string

@description('Resource id of the Azure Compute Gallery holding custom bot images; empty for none.')
param computeGalleryId string = ''

@description('Name of the user-assigned identity attached to every bot VM (this resource group).')
param botIdentityName string

@description('Object (principal) id of that identity.')
param botIdentityPrincipalId string

@description('Blob container (in storageAccountName) holding the agent package the bots download.')
param agentContainerName string

var roleDefinitionIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  virtualMachineContributor: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c'
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7'
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
  managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  // Cosmos DB data-plane role (Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions), not an Azure RBAC role
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002'
}

// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{name}; a placeholder keeps the
// expressions valid when no gallery is given (the module below is then skipped).
var galleryIdParts = split(empty(computeGalleryId) ? '/subscriptions/${subscription().subscriptionId}/resourceGroups/${resourceGroup().name}/providers/Microsoft.Compute/galleries/none' : computeGalleryId, '/')

// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}
var subnetIdParts = split(botsSubnetId, '/')
var subnetOutsideBotsGroup = toLower(subnetIdParts[4]) != toLower(botsResourceGroupName) || subnetIdParts[2] != subscription().subscriptionId

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource botIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: botIdentityName
}

// Functions host + Durable Functions task hub (blobs: leases, large messages, deployment package)
resource storageBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roleDefinitionIds.storageBlobDataOwner)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageBlobDataOwner)
  }
}

// Durable Functions control and work-item queues
resource storageQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roleDefinitionIds.storageQueueDataContributor)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageQueueDataContributor)
  }
}

// Durable Functions history, instances and partitions tables
resource storageTableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roleDefinitionIds.storageTableDataContributor)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageTableDataContributor)
  }
}

// Application Insights ingestion with APPLICATIONINSIGHTS_AUTHENTICATION_STRING (Authorization=AAD)
resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, principalId, roleDefinitionIds.monitoringMetricsPublisher)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.monitoringMetricsPublisher)
  }
}

// @azure/cosmos: read and write items (databases and containers are created by cosmos.bicep, not by the app)
resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, roleDefinitionIds.cosmosDataContributor)
  properties: {
    principalId: principalId
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${roleDefinitionIds.cosmosDataContributor}'
    scope: cosmos.id
  }
}

// @azure/service-bus: send/receive, and ServiceBusAdministrationClient creating and deleting group queues
resource serviceBusDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: serviceBus
  name: guid(serviceBus.id, principalId, roleDefinitionIds.serviceBusDataOwner)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.serviceBusDataOwner)
  }
}

// @azure/keyvault-secrets: set, read, delete and purge the passwords of groups and connections
resource keyVaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, principalId, roleDefinitionIds.keyVaultSecretsOfficer)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.keyVaultSecretsOfficer)
  }
}

// @azure/arm-compute, @azure/arm-network: the ARM provisioner creates and deletes VMs, NICs and disks there
module botsResourceGroupRoles 'resource-group-roles.bicep' = {
  name: 'roles-bots-${uniqueString(principalId)}'
  scope: resourceGroup(botsResourceGroupName)
  params: {
    principalId: principalId
    roleDefinitionIds: [
      roleDefinitionIds.virtualMachineContributor
      roleDefinitionIds.networkContributor
    ]
  }
}

// A NIC joins its subnet with Microsoft.Network/virtualNetworks/subnets/join/action on that subnet: granted by
// the bots resource group's Network Contributor when the subnet lives there, here otherwise.
module botsSubnetRoles 'subnet-roles.bicep' = if (subnetOutsideBotsGroup) {
  name: 'roles-subnet-${uniqueString(principalId)}'
  scope: resourceGroup(subnetIdParts[2], subnetIdParts[4])
  params: {
    principalId: principalId
    virtualNetworkName: subnetIdParts[8]
    subnetName: subnetIdParts[10]
    roleDefinitionIds: [
      roleDefinitionIds.networkContributor
    ]
  }
}

// Bots are created from gallery image versions: reading them needs Reader on the gallery
module galleryRoles 'gallery-roles.bicep' = if (!empty(computeGalleryId)) {
  name: 'roles-gallery-${uniqueString(principalId)}'
  scope: resourceGroup(galleryIdParts[2], galleryIdParts[4])
  params: {
    principalId: principalId
    galleryName: galleryIdParts[8]
    roleDefinitionIds: [
      roleDefinitionIds.reader
    ]
  }
}

// Putting a user-assigned identity on a VM needs .../userAssignedIdentities/*/assign/action on that identity
resource managedIdentityOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: botIdentity
  name: guid(botIdentity.id, principalId, roleDefinitionIds.managedIdentityOperator)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.managedIdentityOperator)
  }
}

// The bots' identity (not the app's) reads the agent package, and nothing else of the storage account
module agentContainerRoles 'agent-container-roles.bicep' = {
  name: 'roles-agent-${uniqueString(botIdentityPrincipalId)}'
  params: {
    principalId: botIdentityPrincipalId
    storageAccountName: storageAccountName
    containerName: agentContainerName
    roleDefinitionIds: [
      roleDefinitionIds.storageBlobDataReader
    ]
  }
}
