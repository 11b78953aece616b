// Cosmos DB for NoSQL: account, database and containers. The database name, the containers, their partition
// keys, unique keys and (optional) indexing policies come from infra/definitions/cosmos.json, loaded by
// main.bicep with loadJsonContent and passed in here: the same file the code and the local cloud read.
// Keys are off (disableLocalAuth): the app reaches the data plane with its managed identity
// (Cosmos DB Built-in Data Contributor, roles module).

@description('One container of infra/definitions/cosmos.json.')
type containerDefinition = {
  name: string
  @description('One path: a Hash key. Two or three: a hierarchical (MultiHash) key. Cosmos cannot change a container\'s key: a change here needs a new container name.')
  partitionKeyPaths: string[]
  uniqueKeyPaths: string[]
  @description('Cosmos indexing policy; when absent the container indexes every path (consistent).')
  indexingPolicy: object?
  @description('-1: TTL on, items expire only by their own ttl field; absent: TTL off.')
  defaultTtl: int?
}

@description('Account name (3-44 lower-case letters, digits and hyphens).')
@minLength(3)
@maxLength(44)
param name string

@description('databaseName of infra/definitions/cosmos.json.')
param databaseName string

@description('containers of infra/definitions/cosmos.json.')
param containers containerDefinition[]

@description('Serverless capacity (pay per request); false for provisioned autoscale throughput shared by the database.')
param serverless bool = true

@description('Autoscale maximum RU/s of the database when serverless is false.')
@minValue(1000)
param maxThroughput int = 1000

param location string
param tags object

var defaultIndexingPolicy = {
  indexingMode: 'consistent'
  automatic: true
  includedPaths: [
    {
      path: '/*'
    }
  ]
  excludedPaths: [
    {
      path: '/"_etag"/?'
    }
  ]
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: serverless ? [
      {
        name: 'EnableServerless'
      }
    ] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableAutomaticFailover: false
    enableMultipleWriteLocations: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: serverless ? {} : {
      autoscaleSettings: {
        maxThroughput: maxThroughput
      }
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for container in containers: {
  parent: database
  name: container.name
  properties: {
    resource: {
      id: container.name
      partitionKey: {
        paths: container.partitionKeyPaths
        kind: length(container.partitionKeyPaths) > 1 ? 'MultiHash' : 'Hash'
        version: 2
      }
      // Cosmos cannot change unique keys of an existing container: a change here needs a new container.
      uniqueKeyPolicy: {
        uniqueKeys: map(container.uniqueKeyPaths, path => {
          paths: [
            path
          ]
        })
      }
      indexingPolicy: container.?indexingPolicy ?? defaultIndexingPolicy
      defaultTtl: container.?defaultTtl
    }
  }
}]

output name string = account.name
output id string = account.id
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
