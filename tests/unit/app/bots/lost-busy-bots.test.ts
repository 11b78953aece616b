import { beforeEach, describe, expect, it } from 'vitest';
import { RECOVERIES_AT_ONCE, recoverLostBusyBots, type LostBusyBotPorts } from '../../../../app/bots/lost-busy-bots.js';
import { MAX_RUN_ATTEMPTS } from '../../../../app/bots/lost-runs.js';
import type { BotDocument } from '../../../../domain/bot.js';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import { aBotDocument, BOT_GROUP_ID, BOT_ID, seedBot } from '../../../support/fakes/bot-documents.js';
import { RecordingWakeUpQueues } from '../../../support/fakes/recording-wake-up-queues.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const TIMEOUT_SECONDS = 120;
const HOUR_AGO = new Date(Date.parse(NOW) - 3_600_000).toISOString();

type Ports = LostBusyBotPorts & Omit<RunPorts, 'queues'> & { queues: RecordingWakeUpQueues; runningOnAsked: string[] };

/** The in-memory ports the fixtures are seeded through; `ports` shares their containers and clock. */
let world: RunPorts;
let ports: Ports;
const storedBot = async (id = BOT_ID) => (await ports.botStore.get<BotDocument>(ENV, id))!;
const storedRun = async (id = 'run-1') => (await ports.runs.docs.get<RunDocument>(ENV, id))!;

/** A Busy bot as the planning round read it: its agent last heard from an hour ago. */
const silentBusy = (fields: Partial<BotDocument> = {}) =>
  aBotDocument({ state: 'Busy', since: HOUR_AGO, lastHeartbeatAt: HOUR_AGO, currentRunId: 'run-1', ...fields });

/** Run `runId` Running on `botId`, claimed an hour ago, on its `attempt`-th attempt. */
async function aRunningRun(runId = 'run-1', botId = BOT_ID, attempt = 1): Promise<void> {
  const queued = await seedRun(world, runId, BOT_GROUP_ID, 'user-1', { attempt: attempt - 1 });
  await ports.runs.docs.replace<RunDocument>(claimedBy(queued, botId, new Date(HOUR_AGO)), queued.etag);
}

beforeEach(() => {
  world = runPorts();
  const runningOnAsked: string[] = [];
  const runningOn = world.runs.queries.runningOn.bind(world.runs.queries);
  world.runs.queries.runningOn = (environmentId, groupId, botId) => {
    runningOnAsked.push(botId);
    return runningOn(environmentId, groupId, botId);
  };
  ports = { ...world, queues: new RecordingWakeUpQueues(), runLog: () => undefined, runningOnAsked };
});

describe('recoverLostBusyBots', () => {
  it('costs nothing more for bots that are not Busy, or that were heard from within the timeout', async () => {
    const recent = new Date(Date.parse(NOW) - (TIMEOUT_SECONDS - 1) * 1000).toISOString();
    const bots = [
      aBotDocument({ id: 'idle', state: 'Ready', since: HOUR_AGO }),
      aBotDocument({ id: 'draining', state: 'Draining', since: HOUR_AGO }),
      aBotDocument({ id: 'heartbeating', state: 'Busy', since: HOUR_AGO, lastHeartbeatAt: recent }),
      aBotDocument({ id: 'just-busy', state: 'Busy', since: recent }),
    ];
    for (const bot of bots) await ports.botStore.create(bot);
    expect(await recoverLostBusyBots(ports, ENV, bots, TIMEOUT_SECONDS)).toEqual({ lost: [], runEnded: [] });
    expect(ports.runningOnAsked).toEqual([]);
  });

  it('requeues a silent bot’s run with a wake-up, and releases the bot: Draining since now, its run cleared', async () => {
    await aRunningRun();
    const bot = silentBusy();
    await seedBot(ports.botStore, bot);
    const outcome = await recoverLostBusyBots(ports, ENV, [bot], TIMEOUT_SECONDS);

    expect(outcome).toEqual({
      lost: [{ botId: BOT_ID, groupId: BOT_GROUP_ID, reason: 'HeartbeatLost', run: { verdict: 'requeued', runId: 'run-1' } }],
      runEnded: [],
    });
    expect(await storedRun()).toMatchObject({ state: 'Queued', attempt: 1 });
    expect(ports.queues.sent).toEqual([{ groupId: BOT_GROUP_ID, runId: 'run-1' }]);
    const released = await storedBot();
    expect(released).toMatchObject({ state: 'Draining', since: NOW, reason: 'HeartbeatLost', releaseRequested: 'HeartbeatLost' });
    expect(released.currentRunId).toBeUndefined();
  });

  it('keeps the release the bot was already asked for', async () => {
    await aRunningRun();
    const bot = silentBusy({ releaseRequested: 'handover' });
    await seedBot(ports.botStore, bot);
    await recoverLostBusyBots(ports, ENV, [bot], TIMEOUT_SECONDS);
    expect(await storedBot()).toMatchObject({ state: 'Draining', reason: 'HeartbeatLost', releaseRequested: 'handover' });
  });

  it(`fails the run of a bot lost on its attempt ${MAX_RUN_ATTEMPTS}, sending no wake-up`, async () => {
    await aRunningRun('run-1', BOT_ID, MAX_RUN_ATTEMPTS);
    const bot = silentBusy();
    await seedBot(ports.botStore, bot);
    const { lost } = await recoverLostBusyBots(ports, ENV, [bot], TIMEOUT_SECONDS);
    expect(lost.map((l) => l.run)).toEqual([{ verdict: 'failed', runId: 'run-1' }]);
    expect(await storedRun()).toMatchObject({ state: 'Failed', error: { code: 'BotLost' } });
    expect(ports.queues.sent).toEqual([]);
    expect((await storedBot()).state).toBe('Draining');
  });

  it('lets a silent bot whose run already ended go idle, naming it only when a release or drain waits on it', async () => {
    const plain = silentBusy({ id: 'plain' });
    const leaving = silentBusy({ id: 'leaving', releaseRequested: 'idle-timeout' });
    const draining = silentBusy({ id: 'draining', drainRequested: 'reprovision' });
    for (const bot of [plain, leaving, draining]) await ports.botStore.create(bot);
    const outcome = await recoverLostBusyBots(ports, ENV, [plain, leaving, draining], TIMEOUT_SECONDS);
    expect(outcome).toEqual({ lost: [], runEnded: ['leaving', 'draining'] });
    for (const id of ['plain', 'leaving', 'draining']) expect(await storedBot(id)).toMatchObject({ state: 'Ready', since: NOW });
  });

  it('reports a bot whose record is gone since the round read it as lost, with no run to requeue', async () => {
    const { lost } = await recoverLostBusyBots(ports, ENV, [silentBusy()], TIMEOUT_SECONDS);
    expect(lost).toEqual([{ botId: BOT_ID, groupId: BOT_GROUP_ID, reason: 'BotRecordMissing', run: { verdict: 'none' } }]);
    expect(ports.botStore.docs.size).toBe(0);
  });

  it('requeues the run of a bot marked Failed meanwhile but leaves its record to its lifecycle', async () => {
    await aRunningRun();
    const failed = await seedBot(ports.botStore, { state: 'Failed', since: HOUR_AGO, currentRunId: 'run-1', reason: 'VmMissing' });
    const { lost } = await recoverLostBusyBots(ports, ENV, [silentBusy()], TIMEOUT_SECONDS);
    expect(lost.map((l) => [l.reason, l.run.verdict])).toEqual([['HeartbeatLost', 'requeued']]);
    expect((await storedRun()).state).toBe('Queued');
    expect(await storedBot()).toEqual(failed);
  });

  it(`recovers a mass loss ${RECOVERIES_AT_ONCE} bots at a time, not one after the other, and reports them in the order read`, async () => {
    const count = RECOVERIES_AT_ONCE * 2 + 5;
    const bots: BotDocument[] = [];
    for (let i = 0; i < count; i++) {
      const id = `bot-${String(i).padStart(2, '0')}`;
      await aRunningRun(`run-${i}`, id);
      bots.push(silentBusy({ id, currentRunId: `run-${i}` }));
      await ports.botStore.create(bots[i]!);
    }
    let inFlight = 0;
    let mostInFlight = 0;
    const runningOn = ports.runs.queries.runningOn.bind(ports.runs.queries);
    ports.runs.queries.runningOn = async (environmentId, groupId, botId) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        return await runningOn(environmentId, groupId, botId);
      } finally {
        inFlight--;
      }
    };
    const { lost } = await recoverLostBusyBots(ports, ENV, bots, TIMEOUT_SECONDS);
    expect(mostInFlight).toBe(RECOVERIES_AT_ONCE);
    expect(lost.map((l) => [l.botId, l.run.verdict])).toEqual(bots.map((b) => [b.id, 'requeued']));
    for (let i = 0; i < count; i++) expect(await storedRun(`run-${i}`)).toMatchObject({ state: 'Queued', attempt: 1 });
    for (const bot of bots) expect((await storedBot(bot.id)).state).toBe('Draining');
  });
});
