import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import type { BotState } from '../../../../domain/bot.js';
import type { StoredDocument } from '../../../../app/ports/document-store.js';
import { recordGroupHistory, type GroupHistoryDocument, type GroupHistoryPorts } from '../../../../app/groups/group-history.js';
import { HISTORY_RETENTION_DAYS, HISTORY_TYPE, historyDocumentId, SAMPLE_INTERVAL_MS, type MinuteBucket } from '../../../../app/groups/group-history-rollup.js';
import { METRICS } from '../../../../app/observability/instruments.js';
import { registerMemory, type MemoryTelemetry } from '../../../../adapters/telemetry/telemetry-setup.js';
import { botDocument } from '../../../support/fakes/bot-documents.js';
import { memoryRunCounts } from '../../../support/fakes/memory-run-counts.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, seedEnvironment, seedGroup } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const G2 = '55555555-5555-4555-8555-000000000002';
const HOUR = '2026-01-01T00';
/** 00:07:30, seven and a half minutes after NOW: minute `07` of HOUR */
const SEVEN_AND_A_HALF_MINUTES = 450_000;

let ports: RunPorts & GroupHistoryPorts;
let telemetry: MemoryTelemetry;

const round = () => recordGroupHistory(ports, ENV);
const hourOf = (groupId: string, hour = HOUR) => ports.botStore.get<GroupHistoryDocument>(ENV, historyDocumentId(groupId, hour));
const aBot = (id: string, groupId: string, state: BotState) => ports.botStore.create(botDocument(id, groupId, state));
const bucket = (overrides: Partial<MinuteBucket>): MinuteBucket => ({
  n: 1,
  queued: 0,
  queuedMax: 0,
  live: 0,
  busy: 0,
  waitP95: 0,
  lastAt: ports.now().toISOString(),
  ...overrides,
});
const aHourDocument = (groupId: string, minutes: Record<string, MinuteBucket>): GroupHistoryDocument => ({
  id: historyDocumentId(groupId, HOUR),
  environmentId: ENV,
  type: HISTORY_TYPE,
  groupId,
  hour: HOUR,
  minutes,
  ttl: 1,
  createdAt: ports.now().toISOString(),
  updatedAt: ports.now().toISOString(),
});

/** The data points of a metric so far (cumulative over the file's tests: gauges hold the last value recorded). */
async function pointsOf(name: string): Promise<MetricData['dataPoints']> {
  await telemetry.flush();
  const all = (telemetry.metrics.getMetrics().at(-1)?.scopeMetrics ?? []).flatMap((s) => s.metrics);
  return all.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
}

beforeAll(() => {
  telemetry = registerMemory();
});

afterAll(async () => {
  await telemetry.shutdown();
});

beforeEach(async () => {
  const base = runPorts();
  ports = { ...base, runCounts: memoryRunCounts(base.runs) };
  await seedEnvironment(ports.store);
  await seedGroup(ports, G1, 'p');
  ports.clock.advance(SEVEN_AND_A_HALF_MINUTES);
});

describe('recordGroupHistory', () => {
  it("samples each active group into the minute's bucket of its hour document, kept HISTORY_RETENTION_DAYS", async () => {
    await seedGroup(ports, G2, 'p', { status: 'deleted' });
    await seedRun(ports, 'run-1', G1, 'u');
    await seedRun(ports, 'run-2', G1, 'u');
    await aBot('ready', G1, 'Ready');
    await aBot('busy', G1, 'Busy');
    await aBot('provisioning', G1, 'Provisioning');
    await aBot('failed', G1, 'Failed');
    await aBot('deleted', G1, 'Deleted');
    await aBot('elsewhere', G2, 'Busy');
    expect(await round()).toEqual({ sampled: 1 });
    const doc = await hourOf(G1);
    expect(doc).toMatchObject({ type: HISTORY_TYPE, groupId: G1, hour: HOUR, ttl: HISTORY_RETENTION_DAYS * 86_400 });
    // two runs wait, the first for 450 s; three bots live (Failed and Deleted do not), one of them busy
    expect(doc?.minutes).toEqual({ '07': { n: 1, queued: 2, queuedMax: 2, live: 3, busy: 1, waitP95: 450, lastAt: '2026-01-01T00:07:30.000Z' } });
    expect(await hourOf(G2)).toBeUndefined();
  });

  it('takes no sample while the last of the minute is younger than SAMPLE_INTERVAL_MS, reading no bots or counts', async () => {
    await round();
    const written = await hourOf(G1);
    ports.clock.advance(SAMPLE_INTERVAL_MS - 1);
    const countsFor = vi.spyOn(ports.runCounts, 'countsFor');
    const list = vi.spyOn(ports.botStore, 'list');
    expect(await round()).toEqual({ sampled: 0 });
    expect(countsFor).not.toHaveBeenCalled();
    expect(list).not.toHaveBeenCalled();
    expect((await hourOf(G1))?.etag).toBe(written?.etag);
  });

  it('merges a later sample into the same bucket, the next minute beside it, and the next hour into a new document', async () => {
    await round();
    ports.clock.advance(SAMPLE_INTERVAL_MS);
    await round();
    ports.clock.advance(30_000);
    await round();
    expect(Object.keys((await hourOf(G1))!.minutes)).toEqual(['07', '08']);
    expect((await hourOf(G1))?.minutes['07']).toMatchObject({ n: 2, lastAt: '2026-01-01T00:07:45.000Z' });
    ports.clock.advance(60 * 60_000);
    await round();
    expect(Object.keys((await hourOf(G1, '2026-01-01T01'))!.minutes)).toEqual(['08']);
    expect(Object.keys((await hourOf(G1))!.minutes)).toEqual(['07', '08']);
  });

  it('takes the queue head from the counts; asks for it only of groups with runs waiting whose counts did not bring it; a group without any waited 0 s', async () => {
    await seedGroup(ports, G2, 'p');
    await seedRun(ports, 'run-1', G1, 'u');
    const nextQueued = vi.spyOn(ports.runs.queries, 'nextQueued');
    expect(await round()).toEqual({ sampled: 2 });
    expect(nextQueued.mock.calls).toEqual([]);

    const counts = ports.runCounts;
    ports.runCounts = {
      ...counts,
      countsFor: async (environmentId, groupIds) =>
        Object.fromEntries(Object.entries(await counts.countsFor(environmentId, groupIds)).map(([g, { oldestQueuedAt: _, ...c }]) => [g, c])),
    };
    ports.clock.advance(SAMPLE_INTERVAL_MS);
    expect(await round()).toEqual({ sampled: 2 });
    expect(nextQueued.mock.calls).toEqual([[ENV, G1, 1]]);
    expect((await hourOf(G2))?.minutes['07']).toMatchObject({ queued: 0, waitP95: 0 });
  });

  it('skips the sample when another round created the hour document with this minute first (409)', async () => {
    const create = ports.botStore.create.bind(ports.botStore);
    ports.botStore.create = async <T extends StoredDocument>(doc: T) => {
      await create(aHourDocument(G1, { '07': bucket({ queued: 99 }) }));
      return create(doc);
    };
    expect(await round()).toEqual({ sampled: 1 });
    expect((await hourOf(G1))?.minutes).toEqual({ '07': bucket({ queued: 99 }) });
  });

  it('reads the document again after a lost race (412) and merges into what the other writer left', async () => {
    await ports.botStore.create(aHourDocument(G1, { '06': bucket({ n: 1 }) }));
    const replace = ports.botStore.replace.bind(ports.botStore);
    let races = 0;
    ports.botStore.replace = async <T extends StoredDocument>(doc: T, etag: string) => {
      if (races++ === 0) {
        const current = (await hourOf(G1))!;
        await replace({ ...current, minutes: { '06': bucket({ n: 2 }) } }, current.etag);
      }
      return replace(doc, etag);
    };
    await round();
    expect((await hourOf(G1))?.minutes).toMatchObject({ '06': { n: 2 }, '07': { n: 1 } });
    expect(races).toBe(2);
  });

  it('gives the sample up after three lost races, without failing the round', async () => {
    await ports.botStore.create(aHourDocument(G1, { '06': bucket({}) }));
    const replace = ports.botStore.replace.bind(ports.botStore);
    let attempts = 0;
    ports.botStore.replace = async <T extends StoredDocument>(doc: T, etag: string) => {
      attempts++;
      const current = (await hourOf(G1))!;
      await replace(current, current.etag);
      return replace(doc, etag);
    };
    expect(await round()).toEqual({ sampled: 1 });
    expect(attempts).toBe(3);
    expect((await hourOf(G1))?.minutes['07']).toBeUndefined();
  });

  it('passes on a failure of the store that is not a lost race', async () => {
    ports.botStore.failCreateOf = HISTORY_TYPE;
    await expect(round()).rejects.toThrow('the store is down');
  });

  it("counts every round (the controller's heartbeat) and records the sampled group's gauges", async () => {
    // a group of its own: no other test recorded gauges for it
    const measured = '55555555-5555-4555-8555-000000000003';
    await seedGroup(ports, measured, 'p');
    await seedRun(ports, 'run-1', measured, 'u');
    await aBot('ready', measured, 'Ready');
    await aBot('busy', measured, 'Busy');
    const roundsBefore = Number((await pointsOf(METRICS.controllerRounds))[0]?.value ?? 0);
    await round();
    // within the interval: counted, not sampled
    await round();
    const ids = { environmentId: ENV, groupId: measured };
    expect(await pointsOf(METRICS.controllerRounds)).toEqual([expect.objectContaining({ value: roundsBefore + 2, attributes: { environmentId: ENV } })]);
    expect(await pointsOf(METRICS.runsQueued)).toContainEqual(expect.objectContaining({ value: 1, attributes: ids }));
    expect(await pointsOf(METRICS.oldestQueuedWait)).toContainEqual(expect.objectContaining({ value: 450, attributes: ids }));
    expect(await pointsOf(METRICS.utilisation)).toContainEqual(expect.objectContaining({ value: 0.5, attributes: ids }));
    expect(await pointsOf(METRICS.bots)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: 1, attributes: { ...ids, state: 'Ready' } }),
        expect.objectContaining({ value: 0, attributes: { ...ids, state: 'Provisioning' } }),
      ]),
    );
  });
});
