import { describe, expect, it } from 'vitest';
import { recoverLostBusyBots } from '../../../../app/bots/lost-busy-bots.js';
import { MAX_RUN_ATTEMPTS, requeueLostRun } from '../../../../app/bots/lost-runs.js';
import type { BotDocument } from '../../../../domain/bot.js';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import { aBotDocument } from '../../../support/fakes/bot-documents.js';
import { runPorts, seedRun } from '../../../support/fakes/run-ports.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

// A lost bot's run changes bots only after a line says the bot lost it: the line is written the moment the change
// lands, so a caller that fails a step later (and is retried, finding the run no longer on the bot) leaves no run
// that moved with nothing logged (the soak's "no run on two bots at once" invariant reads these lines).

const GROUP = 'group-1';
const BOT = 'bot-1';
const ref = { environmentId: ENV, groupId: GROUP, botId: BOT };

const HOUR_AGO = new Date(Date.parse(NOW) - 3_600_000).toISOString();

async function aRunningRun(lines: string[], attempt = 0, claimedAt = HOUR_AGO) {
  const ports = { ...runPorts(), runLog: (line: string) => lines.push(line) };
  const queued = await seedRun(ports, 'run-1', GROUP, 'user-1', { attempt });
  const running = await ports.runs.docs.replace<RunDocument>(claimedBy(queued, BOT, new Date(claimedAt)), queued.etag);
  return { ports, running };
}

/** The record of a bot that went Busy an hour ago and has been silent since, as a planning round read it. */
const silentBusyBot = (currentRunId = 'run-1'): BotDocument =>
  aBotDocument({ id: BOT, groupId: GROUP, state: 'Busy', since: HOUR_AGO, lastHeartbeatAt: HOUR_AGO, currentRunId });

describe('a lost bot’s run', () => {
  it('is logged as requeued, naming the run and the bot that lost it, when it goes back to the queue', async () => {
    const lines: string[] = [];
    const { ports } = await aRunningRun(lines);
    expect(await requeueLostRun(ports, ref, 'HeartbeatLost')).toEqual({ verdict: 'requeued', runId: 'run-1' });
    expect(lines).toEqual([`run.requeued runId=run-1 groupId=${GROUP} environmentId=${ENV} botId=${BOT} reason=HeartbeatLost`]);
    expect((await ports.runs.docs.get<RunDocument>(ENV, 'run-1'))?.state).toBe('Queued');
  });

  it('is logged as failed after the attempt limit, and a second recovery logs nothing', async () => {
    const lines: string[] = [];
    const { ports } = await aRunningRun(lines, MAX_RUN_ATTEMPTS - 1);
    expect((await requeueLostRun(ports, ref, 'VmMissing')).verdict).toBe('failed');
    expect((await requeueLostRun(ports, ref, 'VmMissing')).verdict).toBe('none');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^run\.failed runId=run-1 .* botId=bot-1 reason=VmMissing$/);
  });

  it('is logged even when the recovery fails on the bot’s record afterwards', async () => {
    const lines: string[] = [];
    const { ports } = await aRunningRun(lines);
    const busy = silentBusyBot();
    await ports.botStore.create(busy);
    const failing = {
      ...ports,
      botStore: Object.assign(Object.create(ports.botStore) as typeof ports.botStore, { replace: () => Promise.reject(new Error('503')) }),
    };
    await expect(recoverLostBusyBots(failing, ENV, [busy], 300)).rejects.toThrow('503');
    expect(lines).toEqual([expect.stringMatching(/^run\.requeued runId=run-1 .* botId=bot-1 reason=HeartbeatLost$/)]);
    // the activity's retry finds the bot holding no run (its run is queued): the bot only goes idle, nothing more is said
    const retried = await recoverLostBusyBots(ports, ENV, [busy], 300);
    expect(retried.lost).toEqual([]);
    expect(lines).toHaveLength(1);
  });

  it('is never taken from a bot whose record is stale but whose agent has just claimed it', async () => {
    // the round read the record of the bot's previous run (Busy, silent for an hour); its agent finished that run and
    // claimed this one a moment ago, before the record said so: the claim is a sign of life
    const lines: string[] = [];
    const { ports } = await aRunningRun(lines, 0, NOW);
    const stale = silentBusyBot('previous-run');
    await ports.botStore.create(stale);
    const outcome = await recoverLostBusyBots(ports, ENV, [stale], 300);
    expect(outcome.lost).toEqual([]);
    expect(lines).toEqual([]);
    expect(await ports.runs.docs.get<RunDocument>(ENV, 'run-1')).toMatchObject({ state: 'Running', botId: BOT });
    expect((await ports.botStore.get<BotDocument>(ENV, BOT))?.releaseRequested).toBeUndefined();
  });

  it('is only the run the bot was judged by: a run it claimed since is left with it, and the bot is not released', async () => {
    const lines: string[] = [];
    const { ports, running } = await aRunningRun(lines);
    const busy = silentBusyBot();
    await ports.botStore.create(busy);
    // between the judgement and the requeue the agent finishes its run and claims the next one
    const runningOn = ports.runs.queries.runningOn.bind(ports.runs.queries);
    ports.runs.queries.runningOn = async (...args) => {
      const judged = await runningOn(...args);
      await ports.runs.docs.replace<RunDocument>({ ...running, state: 'Succeeded', endedAt: NOW }, running.etag);
      const next = await seedRun(ports, 'run-2', GROUP, 'user-1');
      await ports.runs.docs.replace<RunDocument>(claimedBy(next, BOT, new Date(NOW)), next.etag);
      ports.runs.queries.runningOn = runningOn;
      return judged;
    };
    const outcome = await recoverLostBusyBots(ports, ENV, [busy], 300);
    expect(outcome.lost).toEqual([]);
    expect(lines).toEqual([]);
    expect(await ports.runs.docs.get<RunDocument>(ENV, 'run-2')).toMatchObject({ state: 'Running', botId: BOT });
    expect((await ports.botStore.get<BotDocument>(ENV, BOT))?.state).toBe('Busy');
  });
});
