// Hosted RPA control plane: everything one deployment needs, in one resource group (plus role assignments and
// the bots' network in the bots' resource group). Deploy with `azd up` or
// `az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam` (docs/deploy.md).
//
// The Cosmos containers and Service Bus queues come from infra/definitions/*.json, the same files the code and
// the local cloud read. The app settings below are every setting of app/config/app-config.ts that Azure
// needs (tests/unit/infra/app-settings.test.ts checks the list); the local-only ones (COSMOS_KEY,
// SERVICEBUS_CONNECTION_STRING, LOCAL_CA_CERT_FILE, LOCAL_PROVISION_DELAY_MS) are never set here.

targetScope = 'resourceGroup'

@description('Name of this deployment: the azd environment name, 1-64 letters, digits and - ( ) _ . (azd\'s own rule). Kept whole in the azd-env-name tag; resource names and DEPLOYMENT_ID use a short, safe form of it (envShortName below).')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Region of the control plane; empty for the resource group\'s region. Flex Consumption must be available there.')
param location string = ''

@description('Expected `aud` of API tokens (AUTH_AUDIENCE): the API app registration\'s client id for v2 tokens (docs/deploy.md).')
@minLength(1)
param authAudience string

@description('Expected token issuer (AUTH_ISSUER); empty for this tenant\'s v2.0 issuer.')
param authIssuer string = ''

@description('JWKS of the issuer (AUTH_JWKS_URI); empty for this tenant\'s v2.0 keys.')
param authJwksUri string = ''

@description('Resource group the app creates bots (VMs, NICs, disks) in. It must exist; empty for this resource group.')
param botsResourceGroupName string = ''

@description('Region of the bots\' network created by this template; empty for the control plane\'s region.')
param botsLocation string = ''

@description('Resource id of an existing subnet for bot NICs; empty to create a virtual network in the bots\' resource group.')
param existingBotsSubnetId string = ''

@description('Address space of the bots\' virtual network (when created here).')
param botsVnetAddressPrefix string = '10.60.0.0/16'

@description('Address range of the bots\' subnet (when created here).')
param botsSubnetAddressPrefix string = '10.60.0.0/20'

@description('Outbound internet for the bots\' subnet through a NAT gateway (when created here). Bots must reach the API.')
param botsNatGateway bool = true

@description('Resource id of the Azure Compute Gallery with custom bot images; empty for none. The identity gets Reader on it.')
param computeGalleryId string = ''

@description('Node.js major version of the Functions runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

@description('Flex Consumption scale-out limit.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Cosmos DB serverless (true) or provisioned autoscale throughput (false).')
param cosmosServerless bool = true

@description('Durable Functions task hub name (host.json reads %DURABLE_TASK_HUB%): 3-45 letters and digits, starting with a letter.')
@minLength(3)
@maxLength(45)
param durableTaskHub string = 'hostedrpa'

@description('BOT_IDLE_TIMEOUT_SECONDS: an uncommitted bot idle this long is torn down.')
@minValue(1)
param botIdleTimeoutSeconds int = 900

@description('GROUP_IDLE_TEARDOWN_HOURS: a group idle this long keeps no bots, committed ones included.')
@minValue(1)
param groupIdleTeardownHours int = 3

@description('QUEUED_RUN_TIMEOUT_MINUTES: a run queued this long ends TimedOut (NoCandidateMachine).')
@minValue(1)
param queuedRunTimeoutMinutes int = 360

@description('INACTIVE_GROUP_DAYS: inactivity before the cleanup timer marks a group deleted.')
@minValue(1)
param inactiveGroupDays int = 28

@description('BOT_HEARTBEAT_TIMEOUT_SECONDS: a busy bot silent this long is declared lost.')
@minValue(10)
param botHeartbeatTimeoutSeconds int = 120

@description('CONTROLLER_INTERVAL_SECONDS: the environment controller plans again at least this often.')
@minValue(5)
param controllerIntervalSeconds int = 60

@description('CONTROLLER_QUIET_INTERVAL_SECONDS: the same for an environment with no live bot and nothing queued, running or committed (below the 5-minute no-rounds alert).')
@minValue(5)
param controllerQuietIntervalSeconds int = 240

@description('RUN_RETENTION_DAYS: an ended run is kept this long after it ended, then expires.')
@minValue(1)
param runRetentionDays int = 90

@description('BOT_RECORD_RETENTION_DAYS: a deleted or failed bot\'s record is kept this long, then expires.')
@minValue(1)
param botRecordRetentionDays int = 30

@description('INACTIVE_GROUP_CLEANUP_SCHEDULE: NCRONTAB (six fields, seconds first) of the inactive-group cleanup timer.')
param inactiveGroupCleanupSchedule string = '0 30 2 * * *'

@description('ORPHAN_SWEEP_SCHEDULE: NCRONTAB of the orphan sweep (VMs without a live bot, bots without a VM).')
param orphanSweepSchedule string = '0 */5 * * * *'

@description('STUCK_RUN_SWEEP_SCHEDULE: NCRONTAB of the stuck-run sweep (lost wake-ups, runs on gone bots, missed deadlines).')
param stuckRunSweepSchedule string = '30 */5 * * * *'

@description('RUN_DEADLINE_SWEEP_SCHEDULE: NCRONTAB of the run-deadline sweep (queued and running timeouts).')
param runDeadlineSweepSchedule string = '15 * * * * *'

@description('CALLBACK_SWEEP_SCHEDULE: NCRONTAB of the callback sweep (starts the callback delivery of ended runs, docs/callbacks.md).')
param callbackSweepSchedule string = '*/15 * * * * *'

@description('MAX_QUEUED_RUNS_PER_GROUP: queued runs a group holds at most; a submission beyond answers 429 QueueFull with Retry-After.')
@minValue(1)
param maxQueuedRunsPerGroup int = 10000

@description('RATE_LIMIT_PER_MINUTE: requests each caller may make per environment per minute (429 TooManyRequests); counted in memory per instance, so n instances allow up to n times this.')
@minValue(1)
param rateLimitPerMinute int = 1200

@description('Key Vault create mode: \'default\' creates the vault (or updates it); \'recover\' brings back a soft-deleted vault of the same name, secrets included (KEY_VAULT_CREATE_MODE; set it back to \'default\' once recovered).')
@allowed([
  'default'
  'recover'
])
param keyVaultCreateMode string = 'default'

@description('Days a deleted Key Vault (and a deleted secret) stays recoverable, 7-90 (KEY_VAULT_SOFT_DELETE_RETENTION_DAYS). Fixed when the vault is created: a vault created with another value keeps it, and a deployment with a different value fails (docs/deploy.md).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 7

@description('Alert when a group\'s first queued run has waited longer than this many minutes (docs/observability.md).')
@minValue(1)
param alertWaitingMinutes int = 30

@description('Alert when more provisioning attempts than this fail within an hour.')
@minValue(0)
param alertProvisioningFailuresPerHour int = 5

@description('Alert when more runs than this end TimedOut within 15 minutes.')
@minValue(0)
param alertTimedOutRuns int = 0

@description('Resource id of an action group the alerts notify; empty for none (alerts show in the portal only).')
param alertActionGroupId string = ''

@description('Extra tags for every resource.')
param tags object = {}

var cosmosDefinitions = loadJsonContent('definitions/cosmos.json')
var serviceBusDefinitions = loadJsonContent('definitions/service-bus.json')

var effectiveLocation = empty(location) ? resourceGroup().location : location
// The full environment name only goes into this hash and into the azd-env-name tag (azd finds the resources by it)
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
// Resource names use a short, safe form of the environment name: lower case, ( ) _ . as hyphens, at most 20
// characters. A name the template accepted before (letters, digits and hyphens, up to 20) keeps its exact form,
// so existing environments keep their resource names and DEPLOYMENT_ID. Other names are tidied as well: runs of
// hyphens collapsed, no hyphen at either end ('env' if nothing is left). The short form is always followed by
// '-<resourceToken>' (13 characters), which also keeps names of environments whose short forms collide apart.
var envNameLower = toLower(environmentName)
var envNameHyphenated = replace(replace(replace(replace(envNameLower, '(', '-'), ')', '-'), '_', '-'), '.', '-')
var envNameUnchanged = length(envNameLower) <= 20 && envNameHyphenated == envNameLower
// six halvings shorten any run of hyphens in 64 characters to one
var envNameCollapsed = replace(replace(replace(replace(replace(replace(envNameHyphenated, '--', '-'), '--', '-'), '--', '-'), '--', '-'), '--', '-'), '--', '-')
var envNameNoLeadingHyphen = startsWith(envNameCollapsed, '-') ? substring(envNameCollapsed, 1) : envNameCollapsed
var envNameTaken = take(envNameNoLeadingHyphen, 20)
var envNameTrimmed = endsWith(envNameTaken, '-') ? take(envNameTaken, length(envNameTaken) - 1) : envNameTaken
var envShortName = envNameUnchanged ? envNameLower : (empty(envNameTrimmed) ? 'env' : envNameTrimmed)
var allTags = union(tags, {
  'azd-env-name': environmentName
})
var loginEndpoint = environment().authentication.loginEndpoint
var effectiveAuthIssuer = empty(authIssuer) ? '${loginEndpoint}${tenant().tenantId}/v2.0' : authIssuer
var effectiveAuthJwksUri = empty(authJwksUri) ? '${loginEndpoint}${tenant().tenantId}/discovery/v2.0/keys' : authJwksUri
var effectiveBotsResourceGroupName = empty(botsResourceGroupName) ? resourceGroup().name : botsResourceGroupName
// Tag value the provisioner puts on every VM, NIC and disk it creates, so teardown touches only its own
var deploymentId = '${envShortName}-${resourceToken}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${envShortName}-${resourceToken}'
  location: effectiveLocation
  tags: allTags
}

// The bots' identity, attached to every bot VM: it only reads the agent package (docs/deploy.md, "Agent on VMs")
resource botIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-bots-${envShortName}-${resourceToken}'
  location: effectiveLocation
  tags: allTags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${envShortName}-${resourceToken}'
    applicationInsightsName: 'appi-${envShortName}-${resourceToken}'
    location: effectiveLocation
    tags: allTags
  }
}

// the workbook and the alert rules read the app's OpenTelemetry metrics (docs/observability.md)
module monitoringWorkbook 'modules/monitoring-workbook.bicep' = {
  name: 'monitoring-workbook'
  params: {
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    displayName: 'Hosted RPA control plane (${environmentName})'
    namePrefix: '${envShortName}-${resourceToken}'
    location: effectiveLocation
    tags: allTags
  }
}

module monitoringAlerts 'modules/monitoring-alerts.bicep' = {
  name: 'monitoring-alerts'
  params: {
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    namePrefix: 'alert-${envShortName}-${resourceToken}'
    location: effectiveLocation
    tags: allTags
    waitingMinutesThreshold: alertWaitingMinutes
    provisioningFailuresPerHourThreshold: alertProvisioningFailuresPerHour
    timedOutRunsThreshold: alertTimedOutRuns
    actionGroupId: alertActionGroupId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    deploymentContainerName: 'app-package-${resourceToken}'
    location: effectiveLocation
    tags: allTags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: 'cosmos-${resourceToken}'
    databaseName: cosmosDefinitions.databaseName
    containers: cosmosDefinitions.containers
    serverless: cosmosServerless
    location: effectiveLocation
    tags: allTags
  }
}

module serviceBus 'modules/service-bus.bicep' = {
  name: 'service-bus'
  params: {
    name: 'sb-${resourceToken}'
    fixedQueues: serviceBusDefinitions.fixedQueues
    location: effectiveLocation
    tags: allTags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: 'kv-${resourceToken}'
    createMode: keyVaultCreateMode
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    location: effectiveLocation
    tags: allTags
  }
}

// the Listen-only key the app signs the bots' queue tokens with, in Key Vault as agent-queue-sas-key
module agentQueueKey 'modules/agent-queue-key.bicep' = {
  name: 'agent-queue-key'
  params: {
    serviceBusNamespaceName: serviceBus.outputs.name
    agentQueueSasRuleName: serviceBus.outputs.agentQueueSasRuleName
    keyVaultName: keyVault.outputs.name
  }
}

module botsNetwork 'modules/bots-network.bicep' = if (empty(existingBotsSubnetId)) {
  name: 'bots-network'
  scope: resourceGroup(effectiveBotsResourceGroupName)
  params: {
    location: empty(botsLocation) ? effectiveLocation : botsLocation
    namePrefix: 'bots-${envShortName}-${resourceToken}'
    addressPrefix: botsVnetAddressPrefix
    subnetPrefix: botsSubnetAddressPrefix
    natGateway: botsNatGateway
    tags: allTags
  }
}

// botsNetwork is conditional: its outputs are read with a safe dereference (BCP318); it is deployed whenever
// existingBotsSubnetId is empty, so the fallback never applies
var botsSubnetId = empty(existingBotsSubnetId) ? (botsNetwork.?outputs.subnetId ?? '') : existingBotsSubnetId

module roles 'modules/roles/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosAccountName: cosmos.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    botsResourceGroupName: effectiveBotsResourceGroupName
    botsSubnetId: botsSubnetId
    computeGalleryId: computeGalleryId
    botIdentityName: botIdentity.name
    botIdentityPrincipalId: botIdentity.properties.principalId
    agentContainerName: storage.outputs.agentContainerName
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  // the host starts with its storage, Cosmos, Service Bus and Key Vault roles already in place
  dependsOn: [
    roles
  ]
  params: {
    name: 'func-${envShortName}-${resourceToken}'
    planName: 'plan-${envShortName}-${resourceToken}'
    location: effectiveLocation
    tags: allTags
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    // Setting -> source. No secrets: every service is reached with the managed identity (roles module).
    appSettings: {
      // app/config/app-config.ts
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      SERVICEBUS_NAMESPACE: serviceBus.outputs.fullyQualifiedNamespace
      KEYVAULT_URL: keyVault.outputs.uri
      AUTH_ISSUER: effectiveAuthIssuer
      AUTH_AUDIENCE: authAudience
      AUTH_JWKS_URI: effectiveAuthJwksUri
      AZURE_CLIENT_ID: identity.properties.clientId
      PROVISIONER: 'arm'
      BOT_IDLE_TIMEOUT_SECONDS: string(botIdleTimeoutSeconds)
      GROUP_IDLE_TEARDOWN_HOURS: string(groupIdleTeardownHours)
      QUEUED_RUN_TIMEOUT_MINUTES: string(queuedRunTimeoutMinutes)
      INACTIVE_GROUP_DAYS: string(inactiveGroupDays)
      BOT_HEARTBEAT_TIMEOUT_SECONDS: string(botHeartbeatTimeoutSeconds)
      CONTROLLER_INTERVAL_SECONDS: string(controllerIntervalSeconds)
      CONTROLLER_QUIET_INTERVAL_SECONDS: string(controllerQuietIntervalSeconds)
      MAX_QUEUED_RUNS_PER_GROUP: string(maxQueuedRunsPerGroup)
      RUN_RETENTION_DAYS: string(runRetentionDays)
      BOT_RECORD_RETENTION_DAYS: string(botRecordRetentionDays)
      RATE_LIMIT_PER_MINUTE: string(rateLimitPerMinute)
      // OpenTelemetry metrics and traces to Application Insights with the identity (docs/observability.md)
      OTEL_EXPORTER: 'azure-monitor'
      // timer schedules, read by the host from functions/timers.ts (%NAME%) and checked by the config schema
      INACTIVE_GROUP_CLEANUP_SCHEDULE: inactiveGroupCleanupSchedule
      ORPHAN_SWEEP_SCHEDULE: orphanSweepSchedule
      STUCK_RUN_SWEEP_SCHEDULE: stuckRunSweepSchedule
      RUN_DEADLINE_SWEEP_SCHEDULE: runDeadlineSweepSchedule
      // run callbacks (docs/callbacks.md): https to public hosts only; the sweep starts deliveries of ended runs
      CALLBACK_SWEEP_SCHEDULE: callbackSweepSchedule
      ALLOW_HTTP_CALLBACKS: 'false'
      ALLOW_PRIVATE_CALLBACKS: 'false'
      CALLBACK_RETRY_BASE_SECONDS: '30'
      // host.json: extensions.durableTask.hubName
      DURABLE_TASK_HUB: durableTaskHub
      // read by the ARM provisioner
      AZURE_SUBSCRIPTION_ID: subscription().subscriptionId
      BOTS_RESOURCE_GROUP: effectiveBotsResourceGroupName
      BOTS_SUBNET_ID: botsSubnetId
      DEPLOYMENT_ID: deploymentId
      // the agent on bot VMs: package, identity that downloads it, Listen-only rule of its queue tokens
      BOT_IDENTITY_RESOURCE_ID: botIdentity.id
      BOT_IDENTITY_CLIENT_ID: botIdentity.properties.clientId
      AGENT_PACKAGE_URL: storage.outputs.agentContainerUrl
      AGENT_QUEUE_SAS_RULE: serviceBus.outputs.agentQueueSasRuleName
    }
  }
}

@description('Function app to deploy to (func azure functionapp publish <name>).')
output FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the API; the Swagger 2.0 document for custom connectors is at <base>/swagger.json.')
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'

output KEY_VAULT_URI string = keyVault.outputs.uri
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output BOTS_RESOURCE_GROUP string = effectiveBotsResourceGroupName
output BOTS_SUBNET_ID string = botsSubnetId
output DEPLOYMENT_ID string = deploymentId
@description('Where the postdeploy hook uploads the agent package (hooks/upload-agent-package.*).')
output AGENT_STORAGE_ACCOUNT string = storage.outputs.name
output AGENT_CONTAINER string = storage.outputs.agentContainerName
output AZURE_TENANT_ID string = tenant().tenantId
