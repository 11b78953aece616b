// Log search alert rules over the app's OpenTelemetry metrics in Application Insights (`customMetrics`; names and
// dimensions in docs/observability.md): runs waiting too long, provisioning failing, runs timing out, and no
// controller round for 5 minutes. Log alerts rather than metric alerts: they read the metrics with their
// dimensions as exported, without turning on custom metric dimensions on the component.

@description('Resource id of the Application Insights component the app sends its metrics to.')
param applicationInsightsId string

@description('Prefix of the rule names: <prefix>-runs-waiting and so on.')
param namePrefix string

param location string
param tags object

@description('A group\'s first queued run has waited longer than this many minutes.')
@minValue(1)
param waitingMinutesThreshold int = 30

@description('More failed provisioning attempts than this in an hour, in any group.')
@minValue(0)
param provisioningFailuresPerHourThreshold int = 5

@description('More runs than this ended TimedOut within 15 minutes (queued or running past their deadline).')
@minValue(0)
param timedOutRunsThreshold int = 0

@description('Resource id of an action group notified by every rule; empty for none (the alerts only show in the portal).')
param actionGroupId string = ''

var actions = empty(actionGroupId)
  ? {}
  : {
      actionGroups: [
        actionGroupId
      ]
    }

var rules = [
  {
    name: 'runs-waiting'
    description: 'A group\'s first queued run has waited longer than ${waitingMinutesThreshold} minutes (metric hostedrpa.runs.oldest_queued_wait, sampled by the environment controller).'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    query: 'customMetrics | where name == "hostedrpa.runs.oldest_queued_wait" | extend environmentId = tostring(customDimensions.environmentId), groupId = tostring(customDimensions.groupId), oldestWaitSeconds = value'
    aggregation: 'Maximum'
    measure: 'oldestWaitSeconds'
    dimensions: [
      'environmentId'
      'groupId'
    ]
    operator: 'GreaterThan'
    threshold: waitingMinutesThreshold * 60
  }
  {
    name: 'provisioning-failures'
    description: 'More than ${provisioningFailuresPerHourThreshold} failed provisioning attempts in an hour (metric hostedrpa.bots.provisioning.failures); the reasons are on GET .../groups/{id}/errors.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: 'customMetrics | where name == "hostedrpa.bots.provisioning.failures" | extend environmentId = tostring(customDimensions.environmentId), groupId = tostring(customDimensions.groupId), failures = valueSum'
    aggregation: 'Total'
    measure: 'failures'
    dimensions: [
      'environmentId'
      'groupId'
    ]
    operator: 'GreaterThan'
    threshold: provisioningFailuresPerHourThreshold
  }
  {
    name: 'runs-timed-out'
    description: 'More than ${timedOutRunsThreshold} runs ended TimedOut in 15 minutes (metric hostedrpa.runs.ended, outcome TimedOut: NoCandidateMachine or RunTimeout).'
    severity: 3
    frequency: 'PT5M'
    window: 'PT15M'
    query: 'customMetrics | where name == "hostedrpa.runs.ended" and tostring(customDimensions.outcome) == "TimedOut" | extend environmentId = tostring(customDimensions.environmentId), errorCode = tostring(customDimensions.errorCode), timedOut = valueSum'
    aggregation: 'Total'
    measure: 'timedOut'
    dimensions: [
      'environmentId'
      'errorCode'
    ]
    operator: 'GreaterThan'
    threshold: timedOutRunsThreshold
  }
  {
    name: 'controller-stalled'
    description: 'No environment controller completed a planning round in 5 minutes (metric hostedrpa.controller.rounds: each controller plans at least every CONTROLLER_INTERVAL_SECONDS). Also fires while no environment exists.'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    // the number of rows, as the classic "heartbeat missing" rule: no row in the window is a count of 0, so the
    // rule fires on silence rather than staying quiet
    query: 'customMetrics | where name == "hostedrpa.controller.rounds"'
    aggregation: 'Count'
    measure: ''
    dimensions: []
    operator: 'LessThan'
    threshold: 1
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: '${namePrefix}-${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        applicationInsightsId
      ]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            // the alert service bins the rows by `timestamp` and aggregates the measure column (the rows themselves for Count)
            timeAggregation: rule.aggregation
            metricMeasureColumn: empty(rule.measure) ? null : rule.measure
            dimensions: [
              for dimension in rule.dimensions: {
                name: dimension
                operator: 'Include'
                values: [
                  '*'
                ]
              }
            ]
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: actions
    }
  }
]

output alertRuleNames array = [for (rule, i) in rules: alertRules[i].name]
