import { describe, expect, it } from 'vitest';
import { sized, sleep, until, useFaultWorld } from './fault-world.js';
import { playScenario } from './scenario.js';

/**
 * The Functions host is killed (SIGKILL) in the middle of a burst of submissions and again while runs are running:
 * every simulated bot's agent dies with it, in-flight requests fail, Durable work in progress is lost up to its
 * last commit. Submissions are retried with their Idempotency-Key, as a cloud flow does; every piece of state
 * lives in the emulators, so the restarted host carries on.
 */
const world = useFaultWorld({});

describe('faults: host killed mid-burst', () => {
  it('ends every run, never on two bots at once, within the limits, and leaves no VM behind', async () => {
    let restarts = 0;
    const planned = sized(2, 4);
    const runs = sized(16, 60);
    await playScenario(world(), {
      name: 'host SIGKILL mid-burst',
      capacity: 3,
      maxBots: [2, 2],
      runs,
      concurrency: 2,
      endTimeoutMs: sized(150_000, 360_000),
      inject: async ({ active, submissions, envId }) => {
        for (let i = 1; i <= planned && active(); i++) {
          // the first kill lands mid-burst (some runs accepted, more coming); later ones while runs are running
          await until(
            'the next kill point',
            async () => (submissions.accepted.length >= Math.ceil((runs * i) / (planned + 2)) || !active() ? true : undefined),
            120_000,
          );
          if (i > 1)
            await until(
              'a run to be running',
              async () => ((await world().store.runsOf(envId)).some((r) => r.state === 'Running') || !active() ? true : undefined),
              60_000,
            );
          if (!active()) break;
          await world().cloud.host.restart('SIGKILL');
          restarts++;
          await sleep(2_000);
        }
      },
      faults: () => ({ hostKills: restarts }),
    });
    expect(restarts).toBeGreaterThan(0);
  }, 600_000);
});
