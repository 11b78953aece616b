import { beforeEach, describe, expect, it } from 'vitest';
import { queuedRun, type RunDocument } from '../../../../domain/run.js';
import type { CallbackState } from '../../../../domain/run-callback.js';
import type { PageRequest } from '../../../../app/runs/run-store.js';
import type { RunCallbacks } from '../../../../app/callbacks/run-callbacks.js';
import { sweepPendingCallbacks, type CallbackSweepPorts } from '../../../../app/callbacks/callback-sweep.js';
import { MemoryRunStore } from '../../../support/fakes/memory-run-store.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const OTHER_ENV = '11111111-1111-4111-8111-222222222222';

let runs: MemoryRunStore;
let started: { environmentId: string; id: string }[];

/** The deliveries started, as `durableRunCallbacks` would start orchestrations. */
const recordingCallbacks = (): RunCallbacks => ({
  ensureStarted: async (run) => {
    started.push({ environmentId: run.environmentId, id: run.id });
  },
});

async function seedRun(environmentId: string, id: string, state: RunDocument['state'], callback?: CallbackState): Promise<void> {
  const run = queuedRun(
    {
      id,
      environmentId,
      groupId: 'group-1',
      connectionId: 'connection-1',
      desktopFlow: { id: 'flow-1', name: 'Flow', version: 1, definitionHash: 'hash-1' },
      inputs: {},
      priority: 'Normal',
      timeoutMinutes: 60,
      submittedBy: 'maker',
    },
    new Date(NOW),
  );
  await runs.docs.create<RunDocument>({ ...run, state, ...(callback ? { callback: { url: 'https://203.0.113.10/hook', state: callback, attempts: 0 } } : {}) });
}

beforeEach(() => {
  runs = new MemoryRunStore();
  started = [];
});

describe('sweepPendingCallbacks', () => {
  it('starts the delivery of every ended run whose callback is still Pending, in every environment', async () => {
    await seedRun(ENV, 'succeeded-pending', 'Succeeded', 'Pending');
    await seedRun(ENV, 'failed-pending', 'Failed', 'Pending');
    await seedRun(ENV, 'running-pending', 'Running', 'Pending');
    await seedRun(ENV, 'succeeded-delivered', 'Succeeded', 'Delivered');
    await seedRun(ENV, 'succeeded-unsubscribed', 'Succeeded', 'Unsubscribed');
    await seedRun(ENV, 'succeeded-without-callback', 'Succeeded');
    await seedRun(OTHER_ENV, 'timed-out-pending', 'TimedOut', 'Pending');
    const result = await sweepPendingCallbacks({ environmentIds: async () => [ENV, OTHER_ENV], runs }, recordingCallbacks());
    expect(result).toEqual({ started: 3 });
    expect(started).toEqual([
      { environmentId: ENV, id: 'succeeded-pending' },
      { environmentId: ENV, id: 'failed-pending' },
      { environmentId: OTHER_ENV, id: 'timed-out-pending' },
    ]);
  });

  it('follows the continuation tokens of each environment, 100 runs a page', async () => {
    await seedRun(ENV, 'first-page', 'Succeeded', 'Pending');
    await seedRun(ENV, 'second-page', 'Cancelled', 'Pending');
    const pending = (await runs.queries.pendingCallbacks(ENV, { pageSize: 100 })).items;
    const asked: PageRequest[] = [];
    const deps: CallbackSweepPorts = {
      environmentIds: async () => [ENV],
      runs: {
        queries: {
          ...runs.queries,
          pendingCallbacks: async (_environmentId, page) => {
            asked.push(page);
            return page.continuationToken === undefined ? { items: pending.slice(0, 1), continuationToken: 'page-2' } : { items: pending.slice(1) };
          },
        },
      },
    };
    expect(await sweepPendingCallbacks(deps, recordingCallbacks())).toEqual({ started: 2 });
    expect(asked).toEqual([
      { pageSize: 100, continuationToken: undefined },
      { pageSize: 100, continuationToken: 'page-2' },
    ]);
    expect(started.map((s) => s.id)).toEqual(['first-page', 'second-page']);
  });

  it('starts nothing where nothing is pending, and asks nothing without environments', async () => {
    await seedRun(ENV, 'succeeded-delivered', 'Succeeded', 'Delivered');
    expect(await sweepPendingCallbacks({ environmentIds: async () => [ENV], runs }, recordingCallbacks())).toEqual({ started: 0 });
    const noQueries = { queries: { ...runs.queries, pendingCallbacks: () => Promise.reject(new Error('no environment, no query')) } };
    expect(await sweepPendingCallbacks({ environmentIds: async () => [], runs: noQueries }, recordingCallbacks())).toEqual({ started: 0 });
    expect(started).toEqual([]);
  });

  it('goes on past a start that fails, then fails naming it; the run stays Pending for the next sweep', async () => {
    await seedRun(ENV, 'first', 'Succeeded', 'Pending');
    await seedRun(ENV, 'second', 'Succeeded', 'Pending');
    await seedRun(OTHER_ENV, 'third', 'Failed', 'Pending');
    const failingFirst: RunCallbacks = {
      ensureStarted: async (run) => {
        if (run.id === 'first') throw new Error('the task hub is unreachable');
        started.push({ environmentId: run.environmentId, id: run.id });
      },
    };
    await expect(sweepPendingCallbacks({ environmentIds: async () => [ENV, OTHER_ENV], runs }, failingFirst)).rejects.toThrow(
      '1 of 3 callback deliveries could not be started (2 were); first: run first: the task hub is unreachable',
    );
    expect(started.map((s) => s.id)).toEqual(['second', 'third']);
    started = [];
    await sweepPendingCallbacks({ environmentIds: async () => [ENV], runs }, recordingCallbacks());
    expect(started.map((s) => s.id)).toContain('first');
  });
});
