import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableTestHost, type InstanceStatus } from './durable-host.js';

let host: DurableTestHost;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BUSY_WAIT = 'BusyWait'; // tests/fixtures/durable-app/functions/busy-wait.ts

beforeAll(async () => {
  host = await DurableTestHost.start('restarttimers');
});

afterAll(async () => {
  await host?.close();
});

function eventsNamed(status: InstanceStatus, name: string): number {
  return (status.history ?? []).filter((e) => e.EventType === 'EventRaised' && e.Name === name).length;
}

/**
 * An execution that has started (its history holds events) runs: `ContinuedAsNew` is only the moment
 * between two executions, before the next one has an ExecutionStarted.
 */
async function expectConsistent(ids: string[]): Promise<void> {
  for (const id of ids) {
    const status = await host.status(id, true);
    if (status?.runtimeStatus === 'ContinuedAsNew') expect(status.history ?? [], `${id} is ContinuedAsNew with a started execution`).toHaveLength(0);
  }
}

async function crashAndRestart(): Promise<void> {
  await host.stopHost('SIGKILL');
  await host.startHost();
}

describe('a Task.any of events and a timer across a host crash, with an event nobody waits for', () => {
  it('fires the timer and continues as new after a SIGKILL while the orchestration waits', async () => {
    const id = await host.startId(BUSY_WAIT, { rounds: 2, timerMs: 2_000 });
    await host.waitFor(id, (s) => s.runtimeStatus === 'Running');
    expect(await host.raise(id, 'C', 'not awaited')).toBe(202);
    await sleep(300);
    await crashAndRestart();

    const done = await host.waitForFinish(id, 15_000, true);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { rounds: 2, greeting: 'Hello round 2' } });
    // Raised to round 1, never awaited: dropped with round 1's history at continueAsNew, as the extension does.
    expect(eventsNamed(done, 'C')).toBe(0);
  });

  it('completes every instance when the host is killed right after the unrelated event is raised', async () => {
    // round 1 waits 5 s: every event must land in round 1 (raised later, it would rightly stay in round 2's history);
    // at 1 s, starting ten instances on a loaded machine let the first reach round 2 before its event was raised
    const ids = await Promise.all(Array.from({ length: 10 }, () => host.startId(BUSY_WAIT, { rounds: 2, timerMs: 5_000 })));
    for (const id of ids) await host.waitFor(id, (s) => s.runtimeStatus === 'Running');
    await Promise.all(ids.map(async (id) => expect(await host.raise(id, 'C', id)).toBe(202)));
    await crashAndRestart();

    for (const id of ids) {
      const done = await host.waitForFinish(id, 30_000, true);
      expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { rounds: 2 } });
      expect(eventsNamed(done, 'C'), id).toBe(0);
    }
  }, 60_000);

  it('survives crashes at arbitrary moments of busy instances (timers, activities, continueAsNew, unrelated events)', async () => {
    const rounds = 20;
    const ids = await Promise.all(Array.from({ length: 10 }, () => host.startId(BUSY_WAIT, { rounds, timerMs: 300 })));
    for (let crash = 0; crash < 4; crash++) {
      // Events arrive while instances wait, continue as new or run their activity; the host dies meanwhile.
      await Promise.all(
        ids.map(async (id, i) => {
          await sleep(i * 7);
          expect(await host.raise(id, `C${crash}`, crash)).toBe(202);
        }),
      );
      await sleep(40 + crash * 45);
      await crashAndRestart();
      await expectConsistent(ids);
    }

    for (const id of ids) {
      const done = await host.waitForFinish(id, 20_000, true);
      expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { rounds } });
      // an event is in the last execution's history once if it arrived during that execution, else dropped: never twice
      const counts = Array.from({ length: 4 }, (_, crash) => eventsNamed(done, `C${crash}`));
      expect(
        counts.every((n) => n <= 1),
        `${id}: ${JSON.stringify(done.history)}`,
      ).toBe(true);
    }
  }, 120_000);

  it('reports Running, not ContinuedAsNew, once the next execution has started', async () => {
    const id = await host.startId(BUSY_WAIT, { rounds: 2, timerMs: 500 });
    const next = await host.waitFor(id, (s) => JSON.stringify(s.customStatus) === JSON.stringify({ round: 2 }), 10_000, true);
    expect(next.runtimeStatus).toBe('Running');
    expect(await host.waitForFinish(id)).toMatchObject({ runtimeStatus: 'Completed', output: { rounds: 2 } });
  });
});
