// Service Bus Standard namespace. Per-group queues (group-{groupId}) are NOT declared here: the app creates and
// deletes them at run time through ServiceBusAdministrationClient with its managed identity (Azure Service Bus
// Data Owner, roles module), with the properties of groupQueue in infra/definitions/service-bus.json. This
// module only creates the fixedQueues of that same file (loaded by main.bicep with loadJsonContent).
// SAS keys are off (disableLocalAuth).

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
    disableLocalAuth: true
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

output name string = namespace.name
output id string = namespace.id
@description('Fully qualified namespace (<name>.servicebus.windows.net in the public cloud), as SERVICEBUS_NAMESPACE expects.')
output fullyQualifiedNamespace string = replace(split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0], '/', '')
