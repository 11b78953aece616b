import { beforeEach, describe, expect, it } from 'vitest';
import { claimedBy, withPriority, type RunDocument } from '../../../../domain/run.js';
import { AppError } from '../../../../domain/errors/app-error.js';
import { StalePreconditionError, type DocumentStore, type Versioned } from '../../../../app/ports/document-store.js';
import { changeRun, endQueuedRun, type RunChangePorts } from '../../../../app/runs/transitions.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
let ports: RunPorts;

const stored = async () => (await ports.runs.docs.get<RunDocument>(ENV, RUN_ID))!;

/** The ports with the run store's replace swapped for `replace` (reads stay the memory store's). */
function depsReplacingWith(replace: DocumentStore['replace']): RunChangePorts {
  const docs = Object.assign(Object.create(ports.runs.docs) as DocumentStore, { replace });
  return { now: ports.now, runs: { docs, queries: ports.runs.queries } };
}

beforeEach(async () => {
  ports = runPorts();
  await seedRun(ports, RUN_ID, GROUP_ID, 'u');
});

describe('changeRun', () => {
  it("writes the decided version under the etag it was decided on, with the clock's time", async () => {
    const start = await stored();
    ports.clock.advance(5_000);
    const seen: Date[] = [];
    const { run, changed } = await changeRun(ports, start, (current, now) => {
      seen.push(now);
      return withPriority(current, 'High', now);
    });
    expect(changed).toBe(true);
    expect(seen).toEqual([new Date(Date.parse(NOW) + 5_000)]);
    expect(run.etag).not.toBe(start.etag);
    expect(await stored()).toMatchObject({ priority: 'High', etag: run.etag, updatedAt: '2026-01-01T00:00:05.000Z' });
  });

  it('leaves the run unwritten when the decision is undefined', async () => {
    const start = await stored();
    const { run, changed } = await changeRun(ports, start, () => undefined);
    expect(changed).toBe(false);
    expect(run.etag).toBe(start.etag);
    expect((await stored()).etag).toBe(start.etag);
  });

  it('decides again on the run as it is now after a lost race (412), keeping the other change', async () => {
    const start = await stored();
    // another request moves the run to High between the caller's read and its write
    await ports.runs.docs.replace(withPriority(start, 'High', ports.now()), start.etag);
    const decided: Array<Versioned<RunDocument>> = [];
    const { run, changed } = await changeRun(ports, start, (current) => {
      decided.push(current);
      return { ...current, cancelRequested: true };
    });
    expect(changed).toBe(true);
    expect(decided.map((r) => r.priority)).toEqual(['Normal', 'High']);
    expect(run).toMatchObject({ priority: 'High', cancelRequested: true });
  });

  it('stops with no write when the fresh read no longer calls for a change', async () => {
    const start = await stored();
    await ports.runs.docs.replace(claimedBy(start, 'bot-1', ports.now()), start.etag);
    const { run, changed } = await changeRun(ports, start, (current) => (current.state === 'Queued' ? withPriority(current, 'High', ports.now()) : undefined));
    expect(changed).toBe(false);
    expect(run).toMatchObject({ state: 'Running', priority: 'Normal' });
  });

  it('answers 404 when the run was deleted under a lost race', async () => {
    const start = await stored();
    await ports.runs.docs.delete(ENV, RUN_ID);
    await expect(changeRun(ports, start, (current) => ({ ...current, cancelRequested: true }))).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('gives up with 409 Conflict after 8 lost races', async () => {
    const start = await stored();
    let decisions = 0;
    const deps = depsReplacingWith(async (doc) => {
      throw new StalePreconditionError(doc.id);
    });
    await expect(
      changeRun(deps, start, (current) => {
        decisions++;
        return { ...current, cancelRequested: true };
      }),
    ).rejects.toMatchObject({ code: 'Conflict' });
    expect(decisions).toBe(8);
  });

  it('passes any other store failure through at once, without retrying', async () => {
    const start = await stored();
    let decisions = 0;
    const deps = depsReplacingWith(async () => {
      throw new Error('the store is down');
    });
    await expect(
      changeRun(deps, start, (current) => {
        decisions++;
        return { ...current, cancelRequested: true };
      }),
    ).rejects.toThrow('the store is down');
    expect(decisions).toBe(1);
  });

  it("passes the decision's refusal through, writing nothing", async () => {
    const start = await stored();
    const refusal = AppError.rule('NotQueued', 'no');
    await expect(
      changeRun(ports, start, () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect((await stored()).etag).toBe(start.etag);
  });
});

describe('endQueuedRun', () => {
  const error = { code: 'GroupDeleted', message: 'The group was deleted.' };

  it('ends a queued run Cancelled with the error, at the time of the change', async () => {
    ports.clock.advance(60_000);
    const { run, changed } = await endQueuedRun(ports, await stored(), error);
    expect(changed).toBe(true);
    expect(run).toMatchObject({ state: 'Cancelled', error, endedAt: '2026-01-01T00:01:00.000Z' });
    expect((await stored()).state).toBe('Cancelled');
  });

  it('leaves a run that started meanwhile running, even when the caller read it queued', async () => {
    const queued = await stored();
    await ports.runs.docs.replace(claimedBy(queued, 'bot-1', ports.now()), queued.etag);
    const { run, changed } = await endQueuedRun(ports, queued, error);
    expect(changed).toBe(false);
    expect(run).toMatchObject({ state: 'Running', botId: 'bot-1' });
    expect((await stored()).error).toBeUndefined();
  });
});
