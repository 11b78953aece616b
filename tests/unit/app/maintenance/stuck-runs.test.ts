import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BotState } from '../../../../domain/bot.js';
import type { RunDocument } from '../../../../domain/run.js';
import { MAX_RUN_ATTEMPTS } from '../../../../app/bots/lost-runs.js';
import { sweepStuckRuns, WAKE_UP_GRACE_SECONDS, type StuckRunPorts } from '../../../../app/maintenance/stuck-runs.js';
import { botDocument } from '../../../support/fakes/bot-documents.js';
import { maintenancePorts, seedGroupIn, seedRunIn, type MaintenancePorts } from '../../../support/fakes/maintenance-ports.js';
import { pagedRunQueries } from '../../../support/fakes/paged-run-queries.js';
import { RecordingLifecycleSignals } from '../../../support/fakes/recording-lifecycle-signals.js';
import { ENV, NOW, seedEnvironment } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const G2 = '55555555-5555-4555-8555-000000000002';
const GONE = '55555555-5555-4555-8555-00000000dead';
const PAST_GRACE = 2 * 60_000;

let ports: MaintenancePorts;
let signals: RecordingLifecycleSignals;

const sweep = (deps: StuckRunPorts = ports) => sweepStuckRuns(deps, signals);
const runOf = async (id: string) => (await ports.runs.docs.get<RunDocument>(ENV, id))!;
const aBot = (id: string, state: BotState) => ports.botStore.create(botDocument(id, G1, state));
const runningOn = (id: string, botId: string, attempt = 1, groupId = G1) => seedRunIn(ports, id, groupId, { state: 'Running', botId, startedAt: NOW, attempt });
const summary = (actions: Array<{ action: string; reason: string; runId?: string | undefined }>) => actions.map((a) => [a.action, a.reason, a.runId]);

beforeEach(async () => {
  ports = maintenancePorts();
  signals = new RecordingLifecycleSignals();
  await seedEnvironment(ports.store);
  await seedGroupIn(ports, G1);
  await ports.queues.create(G1);
});

describe('sweepStuckRuns: runs on bots that are gone', () => {
  it('puts a run Running on a bot with no record, or one that ended Deleted or Failed, back in the queue; a live bot keeps its run', async () => {
    await aBot('deleted', 'Deleted');
    await aBot('live', 'Busy');
    await runningOn('on-ghost', 'ghost');
    await runningOn('on-deleted', 'deleted');
    await runningOn('on-live', 'live');
    const { actions } = await sweep();
    expect(summary(actions).sort()).toEqual([
      ['runRequeued', 'BotGone', 'on-deleted'],
      ['runRequeued', 'BotGone', 'on-ghost'],
    ]);
    expect(actions.find((a) => a.runId === 'on-ghost')?.detail).toBe('Run on-ghost was Running on bot ghost, which does not exist; it went back to the queue.');
    expect(actions.find((a) => a.runId === 'on-deleted')).toMatchObject({ botId: 'deleted', groupId: G1 });
    expect((await runOf('on-ghost')).state).toBe('Queued');
    expect(await runOf('on-live')).toMatchObject({ state: 'Running', botId: 'live' });
    expect(ports.queues.wakeUpsOf(G1).sort()).toEqual(['on-deleted', 'on-ghost']);
    // a requeued run waits: the controller plans for it
    expect(signals.woken).toEqual([ENV]);
  });

  it('fails the run after MAX_RUN_ATTEMPTS, waking no controller for it', async () => {
    await runningOn('tired', 'ghost', MAX_RUN_ATTEMPTS);
    const { actions } = await sweep();
    expect(summary(actions)).toEqual([['runFailed', 'BotGone', 'tired']]);
    expect(actions[0]?.detail).toMatch(/; it failed \(attempt limit\)\.$/);
    expect(await runOf('tired')).toMatchObject({ state: 'Failed', error: { code: 'BotLost' } });
    expect(signals.woken).toEqual([]);
  });
});

describe('sweepStuckRuns: missing wake-ups', () => {
  it('resends the missing wake-ups for the first queued runs in dispatch order, once they waited past the grace', async () => {
    await seedRunIn(ports, 'q1', G1);
    await seedRunIn(ports, 'q2', G1);
    await seedRunIn(ports, 'q3', G1, { priority: 'High' });
    await ports.queues.sendWakeUp(G1, { runId: 'q1' });
    ports.clock.advance(PAST_GRACE);
    const { actions } = await sweep();
    // three wait, the queue holds one: two are missing, for the first two in dispatch order (High first)
    expect(summary(actions)).toEqual([
      ['wakeUpResent', 'WakeUpMissing', 'q3'],
      ['wakeUpResent', 'WakeUpMissing', 'q1'],
    ]);
    expect(actions[0]?.detail).toBe('The queue held 1 wake-up(s) for 3 queued run(s); sent one for run q3.');
    expect(ports.queues.wakeUpsOf(G1)).toEqual(['q1', 'q3', 'q1']);
    expect(signals.woken).toEqual([ENV]);
  });

  it('sends none for a run younger than WAKE_UP_GRACE_SECONDS (its own may be in flight), yet keeps the controller planning', async () => {
    await seedRunIn(ports, 'q1', G1);
    ports.clock.advance((WAKE_UP_GRACE_SECONDS - 1) * 1000);
    expect((await sweep()).actions).toEqual([]);
    expect(ports.queues.wakeUpsOf(G1)).toEqual([]);
    expect(signals.woken).toEqual([ENV]);

    ports.clock.advance(1000);
    expect(summary((await sweep()).actions)).toEqual([['wakeUpResent', 'WakeUpMissing', 'q1']]);
  });

  it('creates the group queue when it is missing, then sends the wake-ups', async () => {
    await ports.queues.delete(G1);
    await seedRunIn(ports, 'q1', G1);
    ports.clock.advance(PAST_GRACE);
    expect(summary((await sweep()).actions)).toEqual([['wakeUpResent', 'WakeUpMissing', 'q1']]);
    expect(ports.queues.wakeUpsOf(G1)).toEqual(['q1']);
  });

  it('reads no run when the queue holds a wake-up per queued run', async () => {
    await seedRunIn(ports, 'q1', G1);
    await seedRunIn(ports, 'q2', G1);
    await ports.queues.sendWakeUp(G1, { runId: 'q1' });
    await ports.queues.sendWakeUp(G1, { runId: 'q2' });
    ports.clock.advance(PAST_GRACE);
    const nextQueued = vi.spyOn(ports.runs.queries, 'nextQueued');
    const unfinished = vi.spyOn(ports.runs.queries, 'unfinished');
    expect((await sweep()).actions).toEqual([]);
    expect(nextQueued).not.toHaveBeenCalled();
    // every unfinished run belongs to a known group: they are counted, not read
    expect(unfinished).not.toHaveBeenCalled();
    expect(ports.queues.wakeUpsOf(G1)).toEqual(['q1', 'q2']);
  });

  it('passes on a queue failure other than a missing queue', async () => {
    await seedRunIn(ports, 'q1', G1);
    ports.queues.depth = () => Promise.reject(new Error('Service Bus is down'));
    await expect(sweep()).rejects.toThrow('Service Bus is down');
  });
});

describe('sweepStuckRuns: queued runs of deleted groups', () => {
  it('cancels the runs still queued on a group marked deleted, and sends that group no wake-up', async () => {
    await seedGroupIn(ports, G2, { status: 'deleted', deletedReason: 'Inactive' });
    await seedRunIn(ports, 'd1', G2);
    ports.clock.advance(PAST_GRACE);
    const { actions } = await sweep();
    expect(summary(actions)).toEqual([['runCancelled', 'GroupDeleted', 'd1']]);
    expect(actions[0]).toMatchObject({ groupId: G2, detail: 'Run d1 was still queued on a deleted group; ended Cancelled.' });
    expect(await runOf('d1')).toMatchObject({ state: 'Cancelled', error: { code: 'GroupDeleted' } });
    expect(ports.queues.has(G2)).toBe(false);
    expect(signals.woken).toEqual([]);
  });

  it('cancels the queued runs of a group whose document is gone, leaving its running ones on their bots', async () => {
    await aBot('live', 'Busy');
    await seedRunIn(ports, 'orphan-queued', GONE);
    await runningOn('orphan-running', 'live', 1, GONE);
    const { actions } = await sweep();
    expect(summary(actions)).toEqual([['runCancelled', 'GroupDeleted', 'orphan-queued']]);
    expect((await runOf('orphan-queued')).state).toBe('Cancelled');
    expect((await runOf('orphan-running')).state).toBe('Running');
  });

  it('reads every page of the running and the unfinished runs', async () => {
    for (const id of ['r1', 'r2', 'r3']) await runningOn(id, `ghost-${id}`);
    for (const id of ['o1', 'o2', 'o3']) await seedRunIn(ports, id, GONE);
    const { actions } = await sweep({ ...ports, runs: { docs: ports.runs.docs, queries: pagedRunQueries(ports.runs.queries, 1) } });
    expect(summary(actions).sort()).toEqual([
      ['runCancelled', 'GroupDeleted', 'o1'],
      ['runCancelled', 'GroupDeleted', 'o2'],
      ['runCancelled', 'GroupDeleted', 'o3'],
      ['runRequeued', 'BotGone', 'r1'],
      ['runRequeued', 'BotGone', 'r2'],
      ['runRequeued', 'BotGone', 'r3'],
    ]);
  });
});
