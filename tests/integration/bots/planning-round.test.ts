import { describe, expect, it, vi } from 'vitest';
import { CosmosRunCounts } from '../../../adapters/cosmos/cosmos-run-counts.js';
import { RUNS_CONTAINER } from '../../../app/config/infra-definitions.js';
import { planningInput, roundLists, runPlanningRound } from '../../../app/bots/planning-round.js';
import type { EnvironmentDocument } from '../../../domain/environment.js';
import { clientFor } from '../../support/api-client.js';
import { controlContainer, removeGroupDocument } from '../../support/connection-fixtures.js';
import { createEnvironment } from '../../support/fixtures.js';
import { updateBot } from '../../../app/bots/bot-records.js';
import type { BotDocument } from '../../../domain/bot.js';
import type { RunDocument } from '../../../domain/run.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { aBotRecord, aGroupWithoutController, sweepServices, TestClock } from '../../support/maintenance-fixtures.js';
import { createRunWorld, inProcessServices, submit } from '../../support/run-fixtures.js';

// A planning round in this process against the shared cloud's Cosmos: what it reads of the bot records.

const noQueue = async () => undefined;

/**
 * An environment whose real controller is out of the way (`aGroupWithoutController`): the tests' rounds are its only
 * ones. On a loaded machine the round the group's creation wakes could otherwise act first (a drain test failed so).
 */
async function anEnvironmentWithGroup() {
  const admin = await clientFor({ userId: 'planning-round-admin', platformAdmin: true });
  const env = await createEnvironment(admin, { capacity: 4 });
  const group = await aGroupWithoutController(admin, env.id, { maxBots: 4, committedBots: 0 });
  return { envId: env.id, groupId: group.id, deps: sweepServices([env.id], new TestClock()) };
}

describe('the planning round', () => {
  it('releases the bots of a group whose document a user delete removed: no VM outlives its group', async () => {
    const { envId, groupId, deps } = await anEnvironmentWithGroup();
    const idle = await aBotRecord(deps, envId, groupId, 'Ready');
    const busy = await aBotRecord(deps, envId, groupId, 'Busy');
    await removeGroupDocument(envId, groupId);
    const round = await runPlanningRound(deps, envId, noQueue);
    const released = round.plan?.decisions.flatMap((d) => (d.kind === 'release' ? [[d.botId, d.reason]] : []));
    expect(released?.sort()).toEqual(
      [
        [idle.id, 'group-deleted'],
        [busy.id, 'group-deleted'],
      ].sort(),
    );
    expect(
      round.signals
        .filter((s) => s.event === 'Release')
        .map((s) => s.botId)
        .sort(),
    ).toEqual([idle.id, busy.id].sort());
  });

  it('plans a bot already asked to drain as Draining: no second drain, one at a time', async () => {
    const { envId, groupId, deps } = await anEnvironmentWithGroup();
    const outdated = { imageId: 'previous-image', imageVersion: '1.0.0' };
    await aBotRecord(deps, envId, groupId, 'Busy', outdated);
    await aBotRecord(deps, envId, groupId, 'Busy', outdated);
    const round = await runPlanningRound(deps, envId, noQueue);
    expect(round.plan?.decisions.filter((d) => d.kind === 'drain')).toHaveLength(1); // one of the two, then
    const again = await runPlanningRound(deps, envId, noQueue);
    expect(again.plan?.decisions.filter((d) => d.kind === 'drain')).toEqual([]); // the first is Draining: none more
  });

  it('tells the planner how many runs wait, how many of them are High, and since when the first in dispatch order', async () => {
    const admin = await clientFor({ userId: 'planning-round-admin', platformAdmin: true });
    const w = await createRunWorld(admin);
    const first = await submit(w, { priority: 'Normal' });
    await submit(w, { priority: 'High' });
    await submit(w, { priority: 'High' });
    const deps = inProcessServices();
    const env = await deps.store.get<EnvironmentDocument>(w.envId, w.envId);
    if (!env) throw new Error('no environment');
    const { input } = await planningInput(deps, env, async (envId, groupId) => (await deps.runs.queries.nextQueued(envId, groupId, 1))[0]?.queuedAt);
    const high = await deps.runs.queries.nextQueued(w.envId, w.groupId, 1);
    expect(input.groups.find((g) => g.id === w.groupId)?.queued).toEqual({ high: 2, normal: 1, oldestQueuedAt: high[0]?.queuedAt });
    expect(high[0]?.queuedAt).not.toBe(first.queuedAt); // the first in dispatch order is a High run, not the oldest run
  });

  it('counts High runs and brings the queue time of the first run in dispatch order; of a run moved to the top, the round reads it', async () => {
    const admin = await clientFor({ userId: 'planning-round-admin', platformAdmin: true });
    const w = await createRunWorld(admin);
    const deps = inProcessServices();
    const counted = async () => (await deps.runCounts.countsFor(w.envId, [w.groupId]))[w.groupId];
    const first = await submit(w, { priority: 'Normal' });
    await submit(w, { priority: 'Normal' });
    expect(await counted()).toEqual({ running: 0, queued: 2, queuedHigh: 0, oldestQueuedAt: first.queuedAt });

    const high = await submit(w, { priority: 'High' });
    expect(await counted()).toEqual({ running: 0, queued: 3, queuedHigh: 1, oldestQueuedAt: high.queuedAt });

    // a Normal run moved to the top dispatches before the High one, which is still counted; its dispatch key holds no
    // queue time, so the counts bring none and the round asks for that run's (one read, only then)
    expect((await admin.post(`environments/${w.envId}/runs/${first.id}/move-to-top`)).status).toBe(200);
    expect(await counted()).toEqual({ running: 0, queued: 3, queuedHigh: 1 });
    const env = await deps.store.get<EnvironmentDocument>(w.envId, w.envId);
    if (!env) throw new Error('no environment');
    const asked: string[] = [];
    const oldestQueued = async (envId: string, groupId: string) => {
      asked.push(groupId);
      return (await deps.runs.queries.nextQueued(envId, groupId, 1))[0]?.queuedAt;
    };
    const { input } = await planningInput(deps, env, oldestQueued);
    expect(input.groups.find((g) => g.id === w.groupId)?.queued).toEqual({ high: 1, normal: 2, oldestQueuedAt: first.queuedAt });
    expect(asked).toEqual([w.groupId]);
  });

  it('counts every group’s running and queued runs, with its first queued run, in one GROUP BY through the real SDK', async () => {
    const admin = await clientFor({ userId: 'planning-round-admin', platformAdmin: true });
    const envId = (await createEnvironment(admin, { capacity: 4 })).id;
    const w = await createRunWorld(admin, envId);
    const other = await createRunWorld(admin, envId);
    // capacity 0 before any run: the environment's controller starts no bot, the claims below are the only ones
    expect((await admin.patch(`environments/${envId}`, { capacity: 0 })).status).toBe(200);
    const deps = inProcessServices();
    const submitted = [await submit(w), await submit(w, { priority: 'High' }), await submit(w), await submit(w)];
    await submit(other);
    for (const [world, botId] of [
      [w, 'bot-a'],
      [w, 'bot-b'],
      [other, 'bot-c'],
    ] as const) {
      const claimed = await claimNextRun(deps, { environmentId: w.envId, groupId: world.groupId, botId, waitMs: 1_000 });
      expect('run' in claimed, botId).toBe(true);
    }
    // the High run went first, then the oldest Normal one: the third and the fourth wait, the third first
    const third = await deps.runs.docs.get<RunDocument>(w.envId, submitted[2]?.id ?? '');
    const counts = await deps.runCounts.countsFor(w.envId, [w.groupId, other.groupId]);
    expect(counts).toEqual({
      [w.groupId]: { running: 2, queued: 2, queuedHigh: 0, oldestQueuedAt: third?.queuedAt },
      [other.groupId]: { running: 1, queued: 0, queuedHigh: 0 },
    });
    expect(await deps.runCounts.unfinishedTotal(w.envId)).toBe(5);

    // read beside the round's lists, the counts of every group: given them, the counts send no query (seen at the SDK)
    const runs = controlContainer().database.container(RUNS_CONTAINER);
    const queries = vi.spyOn(runs.items, 'query');
    const observed = new CosmosRunCounts(runs);
    const unfinished = await observed.unfinishedRuns(w.envId);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(await observed.countsFor(w.envId, [w.groupId, other.groupId], unfinished)).toEqual(counts);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(await observed.countsFor(w.envId, [other.groupId])).toEqual({ [other.groupId]: counts[other.groupId] });
    expect(queries).toHaveBeenCalledTimes(2);
  });

  it('reads the live bots only: the records of Deleted and Failed bots, kept for their retention, are not read', async () => {
    const { envId, groupId, deps } = await anEnvironmentWithGroup();
    const live = [await aBotRecord(deps, envId, groupId, 'Ready'), await aBotRecord(deps, envId, groupId, 'Deprovisioning')];
    for (const state of ['Deleted', 'Failed', 'Deleted'] as const) await aBotRecord(deps, envId, groupId, state);
    const { bots, unfinished } = await roundLists(deps, envId);
    expect(bots.items.map((b) => b.id).sort()).toEqual(live.map((b) => b.id).sort());
    expect(unfinished).toEqual({ byGroup: {} });
    // nothing unfinished: the counts ask nothing more
    expect(await deps.runCounts.countsFor(envId, [groupId], unfinished)).toEqual({});
  });

  it('hands back, to be started, a bot an earlier round created whose lifecycle never ran', async () => {
    const { envId, groupId, deps } = await anEnvironmentWithGroup();
    const stranded = await aBotRecord(deps, envId, groupId, 'Provisioning', { credentialVersion: 0 });
    const provisioning = await aBotRecord(deps, envId, groupId, 'Provisioning', { credentialVersion: 1 });
    const round = await runPlanningRound(deps, envId, noQueue);
    expect(round.unstarted.map((b) => b.botId)).toEqual([stranded.id]);
    expect(round.unstarted.map((b) => b.botId)).not.toContain(provisioning.id);
  });

  it('finds a busy bot whose agent went silent: its run goes back to the queue and the bot is released', async () => {
    const admin = await clientFor({ userId: 'planning-round-admin', platformAdmin: true });
    const w = await createRunWorld(admin); // capacity 0: the environment's controller starts no bot of its own
    const clock = new TestClock();
    const deps = sweepServices([w.envId], clock);
    const run = await submit(w);
    const silent = await aBotRecord(deps, w.envId, w.groupId, 'Ready');
    const fresh = await aBotRecord(deps, w.envId, w.groupId, 'Busy');
    const claim = await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: silent.id, receive: false });
    expect('run' in claim && claim.run.id).toBe(run.id);
    const ref = (bot: BotDocument) => ({ environmentId: w.envId, groupId: w.groupId, botId: bot.id });
    await updateBot(deps, ref(silent), (b) => ({ ...b, state: 'Busy', currentRunId: run.id, lastHeartbeatAt: clock.now().toISOString() }));
    const oldest = async (envId: string, groupId: string) => (await deps.runs.queries.nextQueued(envId, groupId, 1))[0]?.queuedAt;

    const early = await runPlanningRound(deps, w.envId, oldest);
    expect(early.lost).toEqual([]);
    clock.advance((deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS + 1) * 1000);
    await updateBot(deps, ref(fresh), (b) => ({ ...b, lastHeartbeatAt: clock.now().toISOString() }));
    const round = await runPlanningRound(deps, w.envId, oldest);

    expect(round.lost).toEqual([{ botId: silent.id, groupId: w.groupId, reason: 'HeartbeatLost', run: { verdict: 'requeued', runId: run.id } }]);
    expect(round.signals).toContainEqual({ botId: silent.id, event: 'Release', data: 'HeartbeatLost' });
    expect((await deps.runs.docs.get<RunDocument>(w.envId, run.id))?.state).toBe('Queued');
    expect(await deps.botStore.get<BotDocument>(w.envId, silent.id)).toMatchObject({ state: 'Draining', releaseRequested: 'HeartbeatLost' });
    expect((await deps.botStore.get<BotDocument>(w.envId, silent.id))?.currentRunId).toBeUndefined();
    expect((await deps.botStore.get<BotDocument>(w.envId, fresh.id))?.state).toBe('Busy'); // it heartbeats: not lost
  });
});
