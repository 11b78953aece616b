import { describe, expect, it } from 'vitest';
import { recoverLostBusyBots } from '../../../../app/bots/lost-busy-bots.js';
import { MAX_RUN_ATTEMPTS, requeueLostRun } from '../../../../app/bots/lost-runs.js';
import type { BotDocument } from '../../../../domain/bot.js';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import { runPorts, seedRun } from '../../../support/fakes/run-ports.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

// A lost bot's run changes bots only after a line says the bot lost it: the line is written the moment the change
// lands, so a caller that fails a step later (and is retried, finding the run no longer on the bot) leaves no run
// that moved with nothing logged (the soak's "no run on two bots at once" invariant reads these lines).

const GROUP = 'group-1';
const BOT = 'bot-1';
const ref = { environmentId: ENV, groupId: GROUP, botId: BOT };

async function aRunningRun(lines: string[], attempt = 0) {
  const ports = { ...runPorts(), runLog: (line: string) => lines.push(line) };
  const queued = await seedRun(ports, 'run-1', GROUP, 'user-1', { attempt });
  const running = await ports.runs.docs.replace<RunDocument>(claimedBy(queued, BOT, new Date(NOW)), queued.etag);
  return { ports, running };
}

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
    const busy: BotDocument = {
      type: 'bot',
      id: BOT,
      environmentId: ENV,
      groupId: GROUP,
      state: 'Busy',
      since: '2025-12-31T00:00:00.000Z',
      lastHeartbeatAt: '2025-12-31T00:00:00.000Z',
      currentRunId: 'run-1',
    } as BotDocument;
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
});
