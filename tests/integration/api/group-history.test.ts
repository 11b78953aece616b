import { describe, expect, it } from 'vitest';
import { recordHistoryActivity } from '../../../orchestrations/activities/group-history.js';
import type { GroupHistory } from '../../../app/groups/group-history-read.js';
import { recordGroupHistory, type GroupHistoryDocument } from '../../../app/groups/group-history.js';
import { historyDocumentId, MAX_POINTS } from '../../../app/groups/group-history-rollup.js';
import type { DocumentStore } from '../../../app/ports/document-store.js';
import { clientFor } from '../../support/api-client.js';
import { addMember } from '../../support/fixtures.js';
import { aBotRecord, sweepServices, TestClock } from '../../support/maintenance-fixtures.js';
import type { AppClients } from '../../../composition/root/clients.js';
import { createRunWorld, submit, submitManyInProcess } from '../../support/run-fixtures.js';

const MINUTE = 60_000;

/**
 * Rounds of the history step in this process, on a clock two hours ahead (minutes the environment's real controller,
 * which samples the present, never writes), against the shared cloud's Cosmos; read back through the API.
 */
async function aGroupWithHistory() {
  const admin = await clientFor({ userId: 'history-admin', platformAdmin: true });
  const world = await createRunWorld(admin);
  await submit(world);
  await submit(world);
  const start = new Date(Math.ceil((Date.now() + 2 * 60 * MINUTE) / MINUTE) * MINUTE);
  const clock = new TestClock(new Date(start.getTime() + 5_000));
  const deps = sweepServices([world.envId], clock);
  await aBotRecord(deps, world.envId, world.groupId, 'Busy', { currentRunId: 'elsewhere' });
  await aBotRecord(deps, world.envId, world.groupId, 'Ready');
  await aBotRecord(deps, world.envId, world.groupId, 'Deleted');
  return { admin, world, deps, clock, start };
}

const historyPath = (envId: string, groupId: string, query = '') => `environments/${envId}/groups/${groupId}/history${query}`;

describe('GET .../groups/{id}/history', () => {
  it('serves the rollups the controller rounds wrote: one point a minute, averages of the samples, null where none fell', async () => {
    const { admin, world, deps, clock, start } = await aGroupWithHistory();
    expect(await recordGroupHistory(deps, world.envId)).toEqual({ sampled: 1 });
    clock.advance(5_000); // within SAMPLE_INTERVAL_MS of the last sample: nothing written
    expect(await recordGroupHistory(deps, world.envId)).toEqual({ sampled: 0 });
    clock.advance(15_000);
    expect(await recordGroupHistory(deps, world.envId)).toEqual({ sampled: 1 });
    clock.advance(MINUTE);
    expect(await recordGroupHistory(deps, world.envId)).toEqual({ sampled: 1 });

    const hour = start.toISOString().slice(0, 13);
    const doc = await deps.botStore.get<GroupHistoryDocument>(world.envId, historyDocumentId(world.groupId, hour));
    expect(doc?.ttl).toBe(8 * 86_400);
    expect(Object.values(doc?.minutes ?? {}).reduce((n, b) => n + b.n, 0)).toBeGreaterThanOrEqual(2);

    const from = new Date(start.getTime() - MINUTE).toISOString();
    const to = new Date(start.getTime() + 3 * MINUTE).toISOString();
    const res = await admin.get<GroupHistory>(historyPath(world.envId, world.groupId, `?from=${from}&to=${to}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ groupId: world.groupId, stepMinutes: 1, from, to });
    expect(res.body.points.map((p) => p.at)).toEqual([-1, 0, 1, 2].map((m) => new Date(start.getTime() + m * MINUTE).toISOString()));
    const [before, first, second, after] = res.body.points;
    expect(before).toMatchObject({ utilisation: null, queued: null, liveBots: null });
    // two live bots (the Deleted one does not count), one busy; two runs queued for about two hours
    expect(first).toMatchObject({ utilisation: 0.5, queued: 2, queuedMax: 2, liveBots: 2, busyBots: 1 });
    expect(first?.waitingP95Seconds).toBeGreaterThan(100 * 60);
    expect(second).toMatchObject({ utilisation: 0.5, queued: 2, liveBots: 2 });
    expect(after?.queued).toBeNull();
  });

  it("is written by the environment's own controller at its rounds (the Durable activity after planning)", async () => {
    const admin = await clientFor({ userId: 'history-admin', platformAdmin: true });
    const world = await createRunWorld(admin);
    await submit(world); // wakes the controller
    let points: GroupHistory['points'] = [];
    for (let i = 0; i < 120 && !points.some((p) => p.queued !== null); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const res = await admin.get<GroupHistory>(historyPath(world.envId, world.groupId, `?from=${new Date(Date.now() - 5 * MINUTE).toISOString()}`));
      points = res.body.points;
    }
    expect(points.some((p) => p.queued !== null)).toBe(true);
  });

  it('never fails the controller round: a store error is logged, and the next round samples again', async () => {
    const { world, deps } = await aGroupWithHistory();
    const store = deps.store;
    const failing: DocumentStore = {
      get: store.get.bind(store),
      create: store.create.bind(store),
      replace: store.replace.bind(store),
      delete: store.delete.bind(store),
      list: () => Promise.reject(new Error('Cosmos answered 503')),
    };
    const warnings: string[] = [];
    expect(await recordHistoryActivity({ ...deps, store: failing }, { environmentId: world.envId }, (line) => warnings.push(line))).toEqual({ sampled: 0 });
    expect(warnings).toEqual([expect.stringContaining('Cosmos answered 503')]);
    expect(await recordHistoryActivity(deps, { environmentId: world.envId }, (line) => warnings.push(line))).toEqual({ sampled: 1 });
  });

  it('costs O(groups) per round, never O(runs): the same store calls with 2 or 22 runs queued', async () => {
    const { world, deps, clock } = await aGroupWithHistory();
    const calls: string[] = [];
    const counted = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get(t, key) {
          const value: unknown = Reflect.get(t, key);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(`${name}.${String(key)}`);
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        },
      });
    const measured: AppClients = {
      ...deps,
      store: counted('store', deps.store),
      botStore: counted('botStore', deps.botStore),
      runCounts: counted('runCounts', deps.runCounts),
      runs: { docs: counted('runs', deps.runs.docs), queries: counted('runs', deps.runs.queries) },
    };
    const round = async () => {
      calls.length = 0;
      await recordGroupHistory(measured, world.envId);
      return [...calls].sort();
    };
    expect(await round()).toContain('botStore.create'); // the hour's document
    clock.advance(5_000);
    const notDue = await round();
    clock.advance(15_000);
    const withTwo = await round();
    await submitManyInProcess(deps, world, 20, 4);
    clock.advance(15_000);
    const withTwentyTwo = await round();
    expect(withTwentyTwo).toEqual(withTwo);
    // the oldest queued run's time comes with the counts (CosmosRunCounts): no read of its own
    expect(withTwo).toEqual(['botStore.get', 'botStore.list', 'botStore.replace', 'runCounts.countsFor', 'store.list']);
    expect(notDue).toEqual(['botStore.get', 'store.list']);
  });

  it('defaults to the last 24 h at one minute, widens the step for longer ranges, and refuses bad ranges with 400', async () => {
    const { admin, world } = await aGroupWithHistory();
    const path = (query = '') => historyPath(world.envId, world.groupId, query);
    const day = await admin.get<GroupHistory>(path());
    expect(day.status).toBe(200);
    expect(day.body.stepMinutes).toBe(1);
    expect(day.body.points.length).toBe(MAX_POINTS);
    expect(Date.parse(day.body.to) - Date.parse(day.body.from)).toBe(24 * 60 * MINUTE);

    const to = new Date();
    const threeDays = await admin.get<GroupHistory>(path(`?from=${new Date(to.getTime() - 3 * 1440 * MINUTE).toISOString()}&to=${to.toISOString()}`));
    expect(threeDays.status).toBe(200);
    expect(threeDays.body.stepMinutes).toBe(3);
    expect(threeDays.body.points.length).toBeLessThanOrEqual(MAX_POINTS);

    const later = new Date(to.getTime() + MINUTE).toISOString();
    const reversed = await admin.get<{ errors?: Array<{ field: string }> }>(path(`?from=${later}&to=${to.toISOString()}`));
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors?.map((e) => e.field)).toContain('from');
    expect((await admin.get(path(`?from=${to.toISOString()}&to=${to.toISOString()}`))).status).toBe(400);
    expect((await admin.get(path(`?from=${new Date(to.getTime() - 9 * 1440 * MINUTE).toISOString()}&to=${to.toISOString()}`))).status).toBe(400);
    expect((await admin.get(path('?from=yesterday'))).status).toBe(400);
    expect((await admin.get(path('?step=5'))).status).toBe(400);
  });

  it('is for those who may see the group: others get 404, as for a group that does not exist', async () => {
    const { admin, world } = await aGroupWithHistory();
    const stranger = await clientFor();
    expect((await stranger.get(historyPath(world.envId, world.groupId))).status).toBe(404);
    const basic = await clientFor();
    await addMember(admin, world.envId, basic, ['BasicUser']);
    expect((await basic.get(historyPath(world.envId, world.groupId))).status).toBe(404);
    expect((await admin.get(historyPath(world.envId, '0f8fad5b-d9cb-469f-a165-70867728950e'))).status).toBe(404);
  });
});
