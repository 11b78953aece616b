// Copies the primary key of the Service Bus rule the bots' queue tokens are signed with (Listen only,
// service-bus.bicep) into Key Vault, where the app reads it with its Key Vault role. The key goes from ARM to ARM
// (listKeys into a secret): never into an app setting, an output or a log. Redeploying after a key regeneration
// refreshes the secret.

param serviceBusNamespaceName string

@description('The Listen-only authorization rule of that namespace (AGENT_QUEUE_SAS_RULE).')
param agentQueueSasRuleName string

param keyVaultName string

@description('Key Vault secret holding the rule\'s primary key.')
param secretName string = 'agent-queue-sas-key'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource rule 'Microsoft.ServiceBus/namespaces/authorizationRules@2024-01-01' existing = {
  parent: namespace
  name: agentQueueSasRuleName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretName
  properties: {
    value: rule.listKeys().primaryKey
    contentType: 'Service Bus SAS key (Listen only) of rule ${agentQueueSasRuleName}'
  }
}

output secretName string = secret.name
