// Service Bus Standard namespace. Per-group queues (group-{groupId}) are NOT declared here: the app creates and
// deletes them at run time through ServiceBusAdministrationClient with its managed identity (Azure Service Bus
// Data Owner, roles module), with the properties of groupQueue in infra/definitions/service-bus.json. This
// module only creates the fixedQueues of that same file (loaded by main.bicep with loadJsonContent).
// Local (SAS) auth is on for one reason: bot agents on VMs receive from their group's queue with SAS tokens the
// app mints (scoped to that one queue, Listen only, short-lived) and signs with the key of the Listen-only rule
// `bot-listen`, kept in Key Vault as `agent-queue-sas-key` (agent-queue-key.bicep). The app itself keeps using its managed identity, and
// the namespace has no other rule: RootManageSharedAccessKey is left unused (docs/deploy.md, "Agent on VMs").
// The alternative, without SAS: each VM's identity with Azure Service Bus Data Receiver on its group's queue.

@description('One entry of fixedQueues in infra/definitions/service-bus.json (durations are ISO 8601).')
type queueDefinition = {
  name: string
  lockDuration: string
  maxDeliveryCount: int
  defaultMessageTimeToLive: string
  deadLetteringOnMessageExpiration: bool
  maxSizeInMegabytes: int
}

@description('Namespace name (6-50 characters, globally unique).')
@minLength(6)
@maxLength(50)
param name string

@description('fixedQueues of infra/definitions/service-bus.json.')
param fixedQueues queueDefinition[]

@description('Listen-only authorization rule whose key signs the bots\' queue tokens (AGENT_QUEUE_SAS_RULE).')
param agentQueueSasRuleName string = 'bot-listen'


param location string
param tags object

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // SAS on for the bots' Listen-only queue tokens (see the top of this file)
    disableLocalAuth: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for queue in fixedQueues: {
  parent: namespace
  name: queue.name
  properties: {
    lockDuration: queue.lockDuration
    maxDeliveryCount: queue.maxDeliveryCount
    defaultMessageTimeToLive: queue.defaultMessageTimeToLive
    deadLetteringOnMessageExpiration: queue.deadLetteringOnMessageExpiration
    maxSizeInMegabytes: queue.maxSizeInMegabytes
  }
}]

resource agentQueueSasRule 'Microsoft.ServiceBus/namespaces/authorizationRules@2024-01-01' = {
  parent: namespace
  name: agentQueueSasRuleName
  properties: {
    rights: [
      'Listen'
    ]
  }
}

output name string = namespace.name
output id string = namespace.id
@description('Fully qualified namespace (<name>.servicebus.windows.net in the public cloud), as SERVICEBUS_NAMESPACE expects.')
output fullyQualifiedNamespace string = replace(split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0], '/', '')
@description('Name of the Listen-only rule whose key signs the bots\' queue tokens (AGENT_QUEUE_SAS_RULE).')
output agentQueueSasRuleName string = agentQueueSasRule.name
