// Azure Monitor workbook over the app's OpenTelemetry metrics (Application Insights `customMetrics`; names, units and
// dimensions in docs/observability.md): queued runs, queue wait, dispatch latency, bots by state, provisioning,
// runs ended by outcome, utilisation per group, controller rounds. Filters: time range, environment id, group id.

@description('Resource id of the Application Insights component the app sends its metrics to.')
param applicationInsightsId string

@description('Title of the workbook in the portal.')
param displayName string

@description('Seed of the workbook\'s resource name (a GUID derived from it and the resource group).')
param namePrefix string

param location string
param tags object

// every chart is filtered by the workbook's parameters (empty: all environments, all groups)
var filters = '''
| extend environmentId = tostring(customDimensions.environmentId), groupId = tostring(customDimensions.groupId)
| where '{EnvironmentId}' == '' or environmentId == '{EnvironmentId}'
| where '{GroupId}' == '' or groupId == '{GroupId}'
'''

var charts = [
  {
    name: 'queued-runs'
    title: 'Queued runs per group'
    query: 'customMetrics | where name == "hostedrpa.runs.queued"${filters}\n| summarize queued = max(value) by bin(timestamp, {TimeRange:grain}), groupId'
  }
  {
    name: 'queue-wait'
    title: 'Queue wait (s): mean and max at claim; oldest waiting run'
    query: 'customMetrics | where name in ("hostedrpa.runs.queue_wait", "hostedrpa.runs.oldest_queued_wait")${filters}\n| summarize mean = sumif(valueSum, name == "hostedrpa.runs.queue_wait") / sumif(valueCount, name == "hostedrpa.runs.queue_wait"), max = maxif(valueMax, name == "hostedrpa.runs.queue_wait"), oldestWaiting = maxif(value, name == "hostedrpa.runs.oldest_queued_wait") by bin(timestamp, {TimeRange:grain})'
  }
  {
    name: 'dispatch-latency'
    title: 'Dispatch latency (s): mean and max of the claims that assigned a run'
    query: 'customMetrics | where name == "hostedrpa.runs.dispatch_latency"${filters}\n| summarize mean = sum(valueSum) / sum(valueCount), max = max(valueMax) by bin(timestamp, {TimeRange:grain})'
  }
  {
    name: 'bots-by-state'
    title: 'Bots by state'
    query: 'customMetrics | where name == "hostedrpa.bots"${filters}\n| extend state = tostring(customDimensions.state)\n| summarize bots = max(value) by bin(timestamp, {TimeRange:grain}), groupId, state\n| summarize bots = sum(bots) by timestamp, state'
  }
  {
    name: 'provisioning'
    title: 'Provisioning: mean duration (s) and failed attempts'
    query: 'customMetrics | where name in ("hostedrpa.bots.provisioning.duration", "hostedrpa.bots.provisioning.failures")${filters}\n| summarize meanDurationSeconds = sumif(valueSum, name == "hostedrpa.bots.provisioning.duration") / sumif(valueCount, name == "hostedrpa.bots.provisioning.duration"), failures = sumif(valueSum, name == "hostedrpa.bots.provisioning.failures") by bin(timestamp, {TimeRange:grain})'
  }
  {
    name: 'runs-ended'
    title: 'Runs ended by outcome'
    query: 'customMetrics | where name == "hostedrpa.runs.ended"${filters}\n| extend outcome = tostring(customDimensions.outcome)\n| summarize runs = sum(valueSum) by bin(timestamp, {TimeRange:grain}), outcome'
  }
  {
    name: 'utilisation'
    title: 'Utilisation per group (busy ÷ live bots)'
    query: 'customMetrics | where name == "hostedrpa.groups.utilisation"${filters}\n| summarize utilisation = avg(value) by bin(timestamp, {TimeRange:grain}), groupId'
  }
  {
    name: 'controller-rounds'
    title: 'Controller rounds per environment (its heartbeat)'
    query: 'customMetrics | where name == "hostedrpa.controller.rounds"${filters}\n| summarize rounds = sum(valueSum) by bin(timestamp, {TimeRange:grain}), environmentId'
  }
]

var parameters = {
  type: 9
  name: 'parameters'
  content: {
    version: 'KqlParameterItem/1.0'
    parameters: [
      {
        id: 'time-range'
        version: 'KqlParameterItem/1.0'
        name: 'TimeRange'
        label: 'Time range'
        type: 4
        isRequired: true
        value: {
          durationMs: 86400000
        }
        typeSettings: {
          selectableValues: [
            { durationMs: 3600000 }
            { durationMs: 14400000 }
            { durationMs: 86400000 }
            { durationMs: 604800000 }
          ]
          allowCustom: true
        }
      }
      {
        id: 'filter-environment'
        version: 'KqlParameterItem/1.0'
        name: 'EnvironmentId'
        label: 'Environment id (empty: all)'
        type: 1
        value: ''
      }
      {
        id: 'filter-group'
        version: 'KqlParameterItem/1.0'
        name: 'GroupId'
        label: 'Group id (empty: all)'
        type: 1
        value: ''
      }
    ]
  }
}

var chartItems = map(charts, chart => {
  type: 3
  name: chart.name
  content: {
    version: 'KqlItem/1.0'
    title: chart.title
    query: chart.query
    size: 0
    queryType: 0
    resourceType: 'microsoft.insights/components'
    timeContextFromParameter: 'TimeRange'
    visualization: 'timechart'
  }
})

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, namePrefix, 'hosted-rpa-workbook')
  location: location
  tags: union(tags, {
    'hidden-title': displayName
  })
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsightsId
    serializedData: string({
      version: 'Notebook/1.0'
      items: concat([parameters], chartItems)
      isLocked: false
      // the resource the queries run against when opened from the gallery
      fallbackResourceIds: [
        applicationInsightsId
      ]
    })
  }
}

output workbookId string = workbook.id
