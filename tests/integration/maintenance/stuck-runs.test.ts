import { beforeAll, describe, expect, it } from 'vitest';
import { claimNextRun } from '../../../app/runs/claim.js';
import { finishRun } from '../../../app/runs/finish.js';
import { sweepRunDeadlines } from '../../../app/maintenance/run-deadlines.js';
import { sweepStuckRuns } from '../../../app/maintenance/stuck-runs.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { markGroupDeleted, removeGroupDocument } from '../../support/connection-fixtures.js';
import { aBotRecord, aSweepWorld, MINUTE, type SweepWorld } from '../../support/maintenance-fixtures.js';
import { readRun, submit } from '../../support/run-fixtures.js';

// The stuck-run sweep with a clock the test moves, on the shared cloud (QUEUED_RUN_TIMEOUT_MINUTES 360).

let admin: ApiClient;

beforeAll(async () => {
  admin = await clientFor({ userId: 'stuck-runs-admin', platformAdmin: true });
});

interface Sweeper extends SweepWorld {
  sweep(): ReturnType<typeof sweepStuckRuns>;
}

async function aSweeper(): Promise<Sweeper> {
  const base = await aSweepWorld(admin);
  return { ...base, sweep: () => sweepStuckRuns(base.deps, base.signals) };
}

/** Takes every wake-up out of the group's queue, as a lost message would leave it. */
async function removeWakeUps(s: Sweeper): Promise<number> {
  let removed = 0;
  for (;;) {
    const message = await s.deps.queues.receiveOne(s.world.groupId, 300);
    if (!message) return removed;
    await message.complete();
    removed++;
  }
}

const claim = (s: Sweeper, botId: string) => claimNextRun(s.deps, { environmentId: s.world.envId, groupId: s.world.groupId, botId, waitMs: 500 });

describe('stuck-run sweep', () => {
  it('sends a new wake-up for a queued run whose message was lost, and the run still ends', async () => {
    const s = await aSweeper();
    const run = await submit(s.world);
    expect(await removeWakeUps(s)).toBe(1);
    expect((await s.sweep()).actions).toEqual([]); // within the grace period the submission's message may be in flight

    s.clock.advance(2 * MINUTE);
    const report = await s.sweep();
    expect(report.actions.map((a) => [a.action, a.runId, a.reason])).toEqual([['wakeUpResent', run.id, 'WakeUpMissing']]);
    expect(await s.deps.queues.depth(s.world.groupId)).toBe(1);
    expect(s.signals.woken).toContain(s.world.envId); // runs wait: the controller is kept planning
    expect((await s.sweep()).actions).toEqual([]); // the queue holds as many wake-ups as runs wait

    const message = await s.deps.queues.receiveOne(s.world.groupId, 500);
    expect(message?.runId).toBe(run.id);
    await message?.abandon();
    const claimed = await claim(s, 'stuck-bot');
    expect('run' in claimed && claimed.run.id).toBe(run.id);
    await finishRun(s.deps, { environmentId: s.world.envId, runId: run.id, botId: 'stuck-bot', outcome: 'Succeeded', outputs: { ok: true } });
    expect((await readRun(s.world, run.id)).body).toMatchObject({ state: 'Succeeded', outputs: { ok: true } });
  });

  it('puts a run Running on a bot that no longer exists back in the queue, and fails it after the attempt limit', async () => {
    const s = await aSweeper();
    const run = await submit(s.world);
    const live = await aBotRecord(s.deps, s.world.envId, s.world.groupId, 'Busy');
    const other = await submit(s.world);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const ghost = await claim(s, `ghost-${attempt}`);
      expect('run' in ghost && ghost.run.id).toBe(run.id);
      if (attempt === 1) expect('run' in (await claim(s, live.id))).toBe(true); // `other` runs on a bot that exists
      const report = await s.sweep();
      expect(report.actions.map((a) => [a.action, a.runId, a.botId])).toEqual([[attempt < 3 ? 'runRequeued' : 'runFailed', run.id, `ghost-${attempt}`]]);
    }
    expect((await readRun(s.world, run.id)).body).toMatchObject({ state: 'Failed', attempt: 3, error: { code: 'BotLost' } });
    expect((await readRun(s.world, other.id)).body).toMatchObject({ state: 'Running', botId: live.id });
  });

  it('leaves deadlines to the run-deadline sweep, which applies those that fell due while nothing ran', async () => {
    const s = await aSweeper();
    const running = await submit(s.world, { timeoutMinutes: 5 });
    const bot = await aBotRecord(s.deps, s.world.envId, s.world.groupId, 'Busy');
    expect('run' in (await claim(s, bot.id))).toBe(true);
    const queued = await submit(s.world);
    const deadlines = () => sweepRunDeadlines(s.deps);

    s.clock.advance(6 * MINUTE);
    expect((await s.sweep()).actions.filter((a) => a.action === 'runTimedOut')).toEqual([]);
    const first = await deadlines();
    expect(first.actions.map((a) => [a.action, a.runId, a.reason])).toEqual([['runTimedOut', running.id, 'RunTimeout']]);
    expect((await readRun(s.world, running.id)).body).toMatchObject({ state: 'TimedOut', cancelRequested: true, error: { code: 'RunTimeout' } });

    s.clock.advance(360 * MINUTE);
    const second = await deadlines();
    expect(second.actions.map((a) => [a.action, a.runId, a.reason])).toEqual([['runTimedOut', queued.id, 'NoCandidateMachine']]);
    expect((await readRun(s.world, queued.id)).body).toMatchObject({ state: 'TimedOut', error: { code: 'NoCandidateMachine' } });
  });

  it('cancels runs still queued on a group marked deleted or removed', async () => {
    const marked = await aSweeper();
    const onMarked = await submit(marked.world);
    await markGroupDeleted(marked.world.envId, marked.world.groupId);
    expect((await marked.sweep()).actions.map((a) => [a.action, a.runId, a.reason])).toEqual([['runCancelled', onMarked.id, 'GroupDeleted']]);

    const removed = await aSweeper();
    const onRemoved = await submit(removed.world);
    await removeGroupDocument(removed.world.envId, removed.world.groupId);
    expect((await removed.sweep()).actions.map((a) => [a.action, a.runId])).toEqual([['runCancelled', onRemoved.id]]);
    expect((await readRun(removed.world, onRemoved.id)).body).toMatchObject({ state: 'Cancelled', error: { code: 'GroupDeleted' } });
  });

  it('reads the queue as counts, not runs: a long queue with its wake-ups costs no run read', async () => {
    const s = await aSweeper();
    for (let i = 0; i < 12; i++) await submit(s.world);
    s.clock.advance(2 * MINUTE);
    const read: string[] = [];
    const queries = s.deps.runs.queries;
    const counting = new Proxy(queries, {
      get: (target, key, receiver) => {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const items = Array.isArray(result) ? result : (result as { items?: unknown[] } | undefined)?.items;
          read.push(`${String(key)}:${items?.length ?? 0}`);
          return result;
        };
      },
    });
    const report = await sweepStuckRuns({ ...s.deps, runs: { ...s.deps.runs, queries: counting } }, s.signals);
    expect(report.actions).toEqual([]);
    // the running runs (none here) and nothing else: the 12 queued runs are counted, their wake-ups are all there
    expect(read).toEqual(['search:0']);
  });

  it('acts once when two sweeps run at the same time', async () => {
    const s = await aSweeper();
    const runs = [await submit(s.world), await submit(s.world), await submit(s.world)];
    expect(await removeWakeUps(s)).toBe(3);
    s.clock.advance(2 * MINUTE);
    const reports = await Promise.all([s.sweep(), s.sweep(), s.sweep()]);
    const resent = reports.flatMap((r) => r.actions).filter((a) => a.action === 'wakeUpResent');
    expect(resent.map((a) => a.runId).sort()).toEqual(runs.map((r) => r.id).sort());
    expect(await s.deps.queues.depth(s.world.groupId)).toBe(3);
  });
});
