import { describe, expect, it } from 'vitest';
import { METRICS } from '../../../app/observability/instruments.js';
import { readBicep } from './bicep-source.js';
import { bodyEntries, declaration, declarationsOf, MAIN, moduleFile, moduleParams } from './infra-model.js';

/**
 * Issue #23: an Azure Monitor workbook over the app's metrics and four alert rules (runs waiting, provisioning failures,
 * timed-out runs, a stalled controller), deployed by main.bicep against the Application Insights component the app
 * exports to. Checked on the text, as the other infra tests (the compiler cannot run here).
 */
const main = readBicep(MAIN);
const modules = declarationsOf(main, 'module');
const callOf = (resourceType: string) => {
  const call = modules.find((m) => moduleFile(main, m)?.source.includes(`'${resourceType}@`));
  const file = call ? moduleFile(main, call) : undefined;
  if (!call || !file) throw new Error(`main.bicep calls no module declaring ${resourceType}`);
  return { call, file, params: new Map(moduleParams(main, call).map((p) => [p.key, p.value])) };
};
const metricNames: string[] = Object.values(METRICS);

describe('monitoring: the workbook', () => {
  const { file, params } = callOf('Microsoft.Insights/workbooks');
  const workbook = declarationsOf(file, 'resource').find((r) => r.target?.startsWith('Microsoft.Insights/workbooks@'))!;

  it('is deployed by main.bicep over the Application Insights component the app exports to', () => {
    expect(params.get('applicationInsightsId')).toBe('monitoring.outputs.applicationInsightsId');
    const properties = bodyEntries(file, workbook).find((e) => e.key === 'properties')?.value ?? '';
    expect(properties).toMatch(/sourceId:\s*applicationInsightsId/);
    expect(properties).toMatch(/category:\s*'workbook'/);
    expect(properties).toMatch(/serializedData:\s*string\(/);
    expect(properties).toMatch(/fallbackResourceIds:\s*\[\s*applicationInsightsId\s*\]/);
    expect(bodyEntries(file, workbook).find((e) => e.key === 'name')?.value).toMatch(/^guid\(/);
  });

  it('charts every metric the app emits but the submit counter, by their exact names', () => {
    const charts = declaration(file, 'var', 'charts').code;
    for (const name of metricNames.filter((n) => n !== METRICS.runsSubmitted)) expect(charts, name).toContain(`"${name}"`);
    for (const used of charts.matchAll(/"(hostedrpa\.[a-z_.]+)"/g)) expect(metricNames, `unknown metric ${used[1]}`).toContain(used[1]);
    expect(charts.match(/visualization|title:/g)?.length).toBeGreaterThanOrEqual(8);
  });
});

describe('monitoring: the alert rules', () => {
  const { file, params } = callOf('Microsoft.Insights/scheduledQueryRules');
  const rulesVar = declaration(file, 'var', 'rules').code;
  // the rules var is a list of objects, one per rule, each starting with its name
  const rules = new Map(
    rulesVar
      .split(/\n {2}\{\n/)
      .slice(1)
      .map((text) => [/name:\s*'([^']+)'/.exec(text)?.[1] ?? '', text]),
  );
  const rule = (name: string) => {
    const text = rules.get(name);
    if (!text) throw new Error(`no rule ${name}`);
    return text;
  };

  it('declares four log alert rules, one per rule of the list, over the component', () => {
    expect([...rules.keys()]).toEqual(['runs-waiting', 'provisioning-failures', 'runs-timed-out', 'controller-stalled']);
    const resource = declarationsOf(file, 'resource').find((r) => r.target?.startsWith('Microsoft.Insights/scheduledQueryRules@'))!;
    expect(resource.code).toMatch(/for rule in rules:/);
    expect(resource.code).toMatch(/kind:\s*'LogAlert'/);
    expect(resource.code).toMatch(/scopes:\s*\[\s*applicationInsightsId\s*\]/);
    expect(params.get('applicationInsightsId')).toBe('monitoring.outputs.applicationInsightsId');
  });

  it('alerts on the signals the app emits, with the thresholds main.bicep passes', () => {
    expect(rule('runs-waiting')).toContain(`"${METRICS.oldestQueuedWait}"`);
    expect(rule('runs-waiting')).toMatch(/threshold:\s*waitingMinutesThreshold \* 60/);
    expect(rule('provisioning-failures')).toContain(`"${METRICS.provisioningFailures}"`);
    expect(rule('provisioning-failures')).toMatch(/window:\s*'PT1H'/);
    expect(rule('provisioning-failures')).toMatch(/threshold:\s*provisioningFailuresPerHourThreshold/);
    expect(rule('runs-timed-out')).toContain(`"${METRICS.runsEnded}"`);
    expect(rule('runs-timed-out')).toContain('"TimedOut"');
    expect(rule('runs-timed-out')).toMatch(/threshold:\s*timedOutRunsThreshold/);
    // the controller's heartbeat: fewer than one exported round in 5 minutes, rows counted so that silence answers 0
    expect(rule('controller-stalled')).toContain(`"${METRICS.controllerRounds}"`);
    expect(rule('controller-stalled')).toMatch(/window:\s*'PT5M'/);
    expect(rule('controller-stalled')).toMatch(/aggregation:\s*'Count'/);
    expect(rule('controller-stalled')).toMatch(/operator:\s*'LessThan'/);
    expect(rule('controller-stalled')).toMatch(/threshold:\s*1\b/);
    // the alert service bins rows by time itself: a query that summarised them away would leave it nothing to bin
    for (const [name, text] of rules) expect(/query:[^\n]*\|\s*summarize/.test(text), `${name} summarises in its query`).toBe(false);
    expect(params.get('waitingMinutesThreshold')).toBe('alertWaitingMinutes');
    expect(params.get('provisioningFailuresPerHourThreshold')).toBe('alertProvisioningFailuresPerHour');
    expect(params.get('timedOutRunsThreshold')).toBe('alertTimedOutRuns');
    expect(params.get('actionGroupId')).toBe('alertActionGroupId');
    for (const used of rulesVar.matchAll(/"(hostedrpa\.[a-z_.]+)"/g)) expect(metricNames, `unknown metric ${used[1]}`).toContain(used[1]);
  });

  it('sends the metrics there in Azure: the app exports with OTEL_EXPORTER=azure-monitor', () => {
    const app = modules.find((m) => m.name === 'functionApp')!;
    expect(bodyEntries(main, app).find((e) => e.key === 'params')?.value).toMatch(/OTEL_EXPORTER:\s*'azure-monitor'/);
  });
});
