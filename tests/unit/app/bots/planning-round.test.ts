import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runPlanningRound, type OldestQueued, type PlanningRoundPorts } from '../../../../app/bots/planning-round.js';
import { STATS_TYPE, statsDocumentId, type GroupScalingStatsDocument } from '../../../../app/bots/group-scaling-stats.js';
import type { BotDocument } from '../../../../domain/bot.js';
import type { GroupDocument } from '../../../../domain/group.js';
import { BUCKET_MS } from '../../../../domain/planner/group-stats.js';
import { EMPTY_STATS, SERVICE_LEVEL_CONFLICT } from '../../../../domain/planner/index.js';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import type { ScalingDecisionDocument } from '../../../../domain/scaling-decision.js';
import { BOT_GROUP_ID, BOT_ID, seedBot } from '../../../support/fakes/bot-documents.js';
import { memoryRunCounts } from '../../../support/fakes/memory-run-counts.js';
import { RecordingWakeUpQueues } from '../../../support/fakes/recording-wake-up-queues.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { BUILT_IN_IMAGE, ENV, NOW, seedEnvironment, seedGroup } from '../../../support/fakes/use-case-ports.js';

const GROUP = BOT_GROUP_ID;
const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (msAfterNow: number) => new Date(Date.parse(NOW) + msAfterNow).toISOString();

type RoundPorts = PlanningRoundPorts & Omit<RunPorts, 'queues'> & { queues: RecordingWakeUpQueues; logged: string[] };

/** `world`'s containers and clock, run counts computed over its runs, the wake-ups sent and the run log. */
function roundPorts(world: RunPorts): RoundPorts {
  const logged: string[] = [];
  return { ...world, runCounts: memoryRunCounts(world.runs), queues: new RecordingWakeUpQueues(), runLog: (line) => logged.push(line), logged };
}

/** The in-memory ports the fixtures are seeded through; `ports` shares their containers and clock. */
let world: RunPorts;
let ports: RoundPorts;
let oldestAskedFor: string[];
/** The queue time of the group's first run in dispatch order, as the controller reads it. */
const oldestQueued: OldestQueued = async (environmentId, groupId) => {
  oldestAskedFor.push(groupId);
  return (await ports.runs.queries.nextQueued(environmentId, groupId, 1))[0]?.queuedAt;
};
const round = () => runPlanningRound(ports, ENV, oldestQueued);
const decisions = () => ports.botStore.ofType<ScalingDecisionDocument>(ENV, 'scalingDecision');
const storedBot = async (id = BOT_ID) => (await ports.botStore.get<BotDocument>(ENV, id))!;

/** Run `id` of the group, Running on `botId` since `claimedAt`. */
async function aRunOn(botId: string, id = 'run-1', claimedAt = NOW): Promise<void> {
  const queued = await seedRun(world, id, GROUP, 'user-1');
  await ports.runs.docs.replace<RunDocument>(claimedBy(queued, botId, new Date(claimedAt)), queued.etag);
}

async function editGroup(fields: Partial<GroupDocument>): Promise<void> {
  const group = (await ports.store.get<GroupDocument>(ENV, GROUP))!;
  await ports.store.replace({ ...group, ...fields }, group.etag);
}

beforeEach(async () => {
  world = runPorts();
  ports = roundPorts(world);
  oldestAskedFor = [];
  await seedEnvironment(ports.store);
  await seedGroup(world, GROUP, 'pw');
});

describe('a planning round', () => {
  it('answers inactive, writing nothing, for an environment that is gone', async () => {
    expect(await runPlanningRound(ports, 'gone', oldestQueued)).toEqual({
      active: false,
      created: [],
      unstarted: [],
      signals: [],
      lost: [],
      strandedWakeUps: 0,
    });
    expect(ports.botStore.docs.size).toBe(0);
  });

  it('writes the records of the bots the planner creates, then the decision naming them', async () => {
    await seedGroup(world, 'group-2', 'pw');
    await seedRun(world, 'run-1', GROUP, 'user-1');
    await seedRun(world, 'run-2', GROUP, 'user-1');
    const outcome = await round();

    const created = ports.botStore.ofType<BotDocument>(ENV, 'bot');
    expect(created).toHaveLength(2);
    for (const bot of created) {
      expect(bot).toMatchObject({
        groupId: GROUP,
        state: 'Provisioning',
        credentialVersion: 0,
        imageId: BUILT_IN_IMAGE,
        imageVersion: 'latest',
        since: NOW,
        reason: 'demand',
      });
    }
    const botIds = created.map((b) => b.id);
    expect(outcome.created).toEqual(botIds.map((botId) => ({ environmentId: ENV, groupId: GROUP, botId })));
    const decision = outcome.plan?.decisions[0];
    expect(decisions()).toEqual([
      expect.objectContaining({ groupId: GROUP, action: 'create', count: 2, botIds, reason: 'demand', at: NOW, detail: decision?.message }),
    ]);
    expect(outcome.unstarted).toEqual([]);
    expect(oldestAskedFor).toEqual([]); // the counts brought the first queued run
  });

  it('asks the queue time of the first run only of groups with runs waiting whose counts did not bring it', async () => {
    await seedGroup(world, 'group-2', 'pw');
    await seedRun(world, 'run-1', GROUP, 'user-1');
    const counts = ports.runCounts;
    ports.runCounts = {
      ...counts,
      countsFor: async (environmentId, groupIds) =>
        Object.fromEntries(Object.entries(await counts.countsFor(environmentId, groupIds)).map(([g, { oldestQueuedAt: _, ...c }]) => [g, c])),
    };
    const outcome = await round();
    expect(oldestAskedFor).toEqual([GROUP]);
    expect(outcome.plan?.decisions).toEqual([expect.objectContaining({ kind: 'create', groupId: GROUP })]);
  });

  it('reads only the bots that exist: the kept records of Deleted and Failed bots are not read, and plan nothing', async () => {
    await seedRun(world, 'run-1', GROUP, 'user-1');
    await seedBot(ports.botStore, { id: 'ready-1' });
    for (let i = 0; i < 20; i++) await seedBot(ports.botStore, { id: `deleted-${i}`, state: i % 2 === 0 ? 'Deleted' : 'Failed', since: at(-HOUR) });
    const list = vi.spyOn(ports.botStore, 'list');
    const outcome = await round();
    const botLists = list.mock.calls.flatMap(([, type], i) => (type === 'bot' ? [list.mock.results[i]?.value as ReturnType<typeof list>] : []));
    const botsRead = (await Promise.all(botLists)).flatMap((page) => page.items.map((b) => b.id));
    expect(botsRead).toEqual(['ready-1']);
    // the Ready bot takes the run: nothing to create, the old records untouched
    expect(outcome.plan?.decisions).toEqual([]);
    expect((await storedBot('deleted-0')).state).toBe('Deleted');
  });

  it('asks an idle bot past its idle timeout to go: the request on its record, a Release signal, a release decision', async () => {
    await seedBot(ports.botStore, { since: at(-20 * MINUTE) });
    const outcome = await round();
    expect(await storedBot()).toMatchObject({ state: 'Ready', releaseRequested: 'idle-timeout' });
    expect(outcome.signals).toEqual([{ botId: BOT_ID, event: 'Release', data: 'idle-timeout' }]);
    expect(decisions()).toEqual([expect.objectContaining({ action: 'release', botIds: [BOT_ID], count: 1, reason: 'idle-timeout' })]);
  });

  it('asks an idle bot of an older image to drain for a reprovision: the request on its record, a Drain signal, a drain decision', async () => {
    await seedBot(ports.botStore, { imageId: 'previous-image', imageVersion: '1.0.0' });
    const outcome = await round();
    expect((await storedBot()).drainRequested).toBe('reprovision');
    expect(outcome.signals).toEqual([{ botId: BOT_ID, event: 'Drain', data: { mode: 'reprovision', reason: 'image-change' } }]);
    expect(decisions()).toEqual([expect.objectContaining({ action: 'drain', botIds: [BOT_ID], count: 1, reason: 'image-change' })]);
  });

  it('releases the bots of a group removed under them once each, keeping the reason a leaving bot was first given', async () => {
    await seedBot(ports.botStore, { id: 'staying', groupId: 'removed' });
    await seedBot(ports.botStore, { id: 'leaving', groupId: 'removed', releaseRequested: 'idle-timeout', updatedAt: at(-5 * MINUTE) });
    const outcome = await round();
    expect(outcome.signals).toEqual([
      { botId: 'leaving', event: 'Release', data: 'group-deleted' },
      { botId: 'staying', event: 'Release', data: 'group-deleted' },
    ]);
    expect((await storedBot('staying')).releaseRequested).toBe('group-deleted');
    expect((await storedBot('leaving')).releaseRequested).toBe('idle-timeout');
  });

  it('records why a waiting group got nothing when the reason changes, not at every round', async () => {
    await editGroup({ maxBots: 1 });
    await aRunOn(BOT_ID);
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1', lastHeartbeatAt: NOW });
    await seedRun(world, 'run-2', GROUP, 'user-1');
    await round();
    ports.clock.advance(10 * SECOND);
    await round();
    expect(decisions().map((d) => [d.action, d.reason, d.detail])).toEqual([['none', 'group-at-max-bots', 'The group already has its maximum of 1 bot(s).']]);
    await editGroup({ maintenance: true });
    await round();
    expect(decisions().map((d) => d.reason)).toEqual(['group-at-max-bots', 'group-in-maintenance']);
  });

  it('reads a waiting group’s latest decision only until its stats remember it', async () => {
    await editGroup({ maxBots: 1 });
    await aRunOn(BOT_ID);
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1', lastHeartbeatAt: NOW });
    await seedRun(world, 'run-2', GROUP, 'user-1');
    const list = ports.botStore.list.bind(ports.botStore);
    const decisionReads: string[] = [];
    ports.botStore.list = ((environmentId: string, type: string, options?: object) => {
      if (type === 'scalingDecision') decisionReads.push(environmentId);
      return list(environmentId, type, options);
    }) as typeof ports.botStore.list;
    const stats = async () => (await ports.botStore.get<GroupScalingStatsDocument>(ENV, statsDocumentId(GROUP)))!;

    // stats saved before the round kept its latest decision: read once, then remembered
    await ports.botStore.create<GroupScalingStatsDocument>({
      id: statsDocumentId(GROUP),
      environmentId: ENV,
      type: STATS_TYPE,
      groupId: GROUP,
      stats: EMPTY_STATS,
      createdAt: NOW,
      updatedAt: NOW,
    });
    await round();
    expect(decisionReads).toHaveLength(1);
    expect((await stats()).stats.latestNone).toBe('group-at-max-bots');
    for (let i = 0; i < 3; i++) {
      ports.clock.advance(10 * SECOND);
      await round();
    }
    expect(decisionReads).toHaveLength(1);
    expect(decisions().map((d) => d.reason)).toEqual(['group-at-max-bots']);

    // a new reason is recorded and remembered; a bot created afterwards leaves null (an action is the latest record)
    await editGroup({ maintenance: true });
    await round();
    expect((await stats()).stats.latestNone).toBe('group-in-maintenance');
    await editGroup({ maintenance: false, maxBots: 2 });
    await round();
    expect(decisions().map((d) => [d.action, d.reason])).toEqual([
      ['none', 'group-at-max-bots'],
      ['none', 'group-in-maintenance'],
      ['create', expect.any(String)],
    ]);
    expect((await stats()).stats.latestNone).toBeNull();
    expect(decisionReads).toHaveLength(1);
  });

  it('recovers a busy bot whose agent went silent: its run requeued with a wake-up, the bot released with a Release signal', async () => {
    await aRunOn(BOT_ID);
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1', lastHeartbeatAt: NOW });
    ports.clock.advance((ports.config.BOT_HEARTBEAT_TIMEOUT_SECONDS + 1) * SECOND);
    const outcome = await round();

    expect(outcome.lost).toEqual([{ botId: BOT_ID, groupId: GROUP, reason: 'HeartbeatLost', run: { verdict: 'requeued', runId: 'run-1' } }]);
    expect(outcome.signals).toEqual([{ botId: BOT_ID, event: 'Release', data: 'HeartbeatLost' }]);
    expect((await ports.runs.docs.get<RunDocument>(ENV, 'run-1'))?.state).toBe('Queued');
    expect(ports.queues.sent).toEqual([{ groupId: GROUP, runId: 'run-1' }]);
    expect(ports.logged).toEqual([expect.stringMatching(/^run\.requeued runId=run-1 .* botId=bot-1 reason=HeartbeatLost$/)]);
    expect(await storedBot()).toMatchObject({ state: 'Draining', releaseRequested: 'HeartbeatLost' });
    expect(outcome.quiet).toBe(false);
  });

  it('tells a leaving busy bot whose run ended without its finish (RunFinished), and lets it go idle', async () => {
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1', since: at(-HOUR), releaseRequested: 'handover' });
    const outcome = await round();
    expect(outcome.signals).toEqual([{ botId: BOT_ID, event: 'RunFinished' }]);
    expect(outcome.lost).toEqual([]);
    expect((await storedBot()).state).toBe('Ready');
  });

  it('sends a leaving idle bot its Release again once its record has not changed for 30 s', async () => {
    await editGroup({ maxBots: 5 });
    await seedBot(ports.botStore, { id: 'stuck', releaseRequested: 'idle-timeout' });
    await seedBot(ports.botStore, { id: 'stuck-draining', state: 'Draining', releaseRequested: 'handover' });
    await seedBot(ports.botStore, { id: 'just-released', releaseRequested: 'idle-timeout', updatedAt: at(30 * SECOND) });
    await seedBot(ports.botStore, { id: 'running', state: 'Busy', releaseRequested: 'handover', since: at(30 * SECOND) });
    ports.clock.advance(40 * SECOND);
    const outcome = await round();
    expect(outcome.plan?.decisions).toEqual([]);
    expect(outcome.signals).toEqual([
      { botId: 'stuck', event: 'Release', data: 'idle-timeout' },
      { botId: 'stuck-draining', event: 'Release', data: 'handover' },
    ]);
  });

  it('hands back, to be started, the bots an earlier round created whose lifecycle never ran', async () => {
    await seedBot(ports.botStore, { id: 'never-started', state: 'Provisioning', credentialVersion: 0 });
    await seedBot(ports.botStore, { id: 'provisioning', state: 'Provisioning', credentialVersion: 1 });
    const outcome = await round();
    expect(outcome.unstarted).toEqual([{ environmentId: ENV, groupId: GROUP, botId: 'never-started' }]);
    expect(outcome.quiet).toBe(false);
  });

  it('re-sends the wake-ups of runs that waited while bots idled, unless the queue holds a message', async () => {
    await seedRun(world, 'run-1', GROUP, 'user-1');
    await seedBot(ports.botStore, { id: 'idle-1' });
    await seedBot(ports.botStore, { id: 'idle-2' });
    ports.clock.advance(MINUTE);
    expect((await round()).strandedWakeUps).toBe(1);
    expect(ports.queues.sent).toEqual([{ groupId: GROUP, runId: 'stranded-0' }]);

    ports.queues.depths.set(GROUP, 1);
    expect((await round()).strandedWakeUps).toBe(0);
    expect(ports.queues.sent).toHaveLength(1);
  });

  it('is quiet with nothing to watch, and a later round that learns nothing writes nothing', async () => {
    const first = await round();
    expect(first).toMatchObject({ active: true, created: [], signals: [], quiet: true });
    const stats = await ports.botStore.get<GroupScalingStatsDocument>(ENV, statsDocumentId(GROUP));
    expect(stats?.stats).toMatchObject({ conflict: false, seen: { demand: 0, runs: {}, provisioning: {} } });

    ports.clock.advance(MINUTE);
    expect((await round()).quiet).toBe(true);
    expect((await ports.botStore.get(ENV, statsDocumentId(GROUP)))?.etag).toBe(stats?.etag);
    expect(decisions()).toEqual([]);
  });

  it('records a service-level conflict when it starts, and remembers it in the group’s stats', async () => {
    // runs arrived in the last quarter of an hour: the 1-minute wait target asks for warm bots, minUtilization 1 allows none
    await editGroup({ targetWaitMinutes: 1, minUtilization: 1 });
    await ports.botStore.create<GroupScalingStatsDocument>({
      id: statsDocumentId(GROUP),
      environmentId: ENV,
      type: STATS_TYPE,
      groupId: GROUP,
      stats: { ...EMPTY_STATS, arrivals: [[Date.parse(NOW) - BUCKET_MS, 10]] },
      createdAt: NOW,
      updatedAt: NOW,
    });
    const outcome = await round();
    expect(outcome.plan?.groups[0]?.serviceLevel?.conflict).toBe(true);
    expect(decisions()).toEqual([
      expect.objectContaining({ action: 'none', reason: SERVICE_LEVEL_CONFLICT, detail: outcome.plan?.groups[0]?.serviceLevel?.message }),
    ]);
    expect((await ports.botStore.get<GroupScalingStatsDocument>(ENV, statsDocumentId(GROUP)))?.stats.conflict).toBe(true);

    ports.clock.advance(MINUTE);
    await round();
    expect(decisions()).toHaveLength(1);
  });

  it('fails when a stats write fails, after its decisions are recorded: the retried round starts the bots it created', async () => {
    await seedRun(world, 'run-1', GROUP, 'user-1');
    ports.botStore.failCreateOf = STATS_TYPE;
    await expect(round()).rejects.toThrow('the store is down');
    const created = ports.botStore.ofType<BotDocument>(ENV, 'bot').map((b) => b.id);
    expect(created).toHaveLength(1);
    expect(decisions().map((d) => d.botIds)).toEqual([created]);

    ports.botStore.failCreateOf = undefined;
    const retried = await round();
    expect(retried.created).toEqual([]);
    expect(retried.unstarted.map((b) => b.botId)).toEqual(created);
  });
});
