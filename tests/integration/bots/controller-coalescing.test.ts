import { describe, expect, it } from 'vitest';
import { wakeController } from '../../../orchestrations/activities/durable-signals.js';
import { controllerInstanceId } from '../../../orchestrations/names.js';
import { clientFor, localCloud } from '../../support/api-client.js';
import { localDurableClient } from '../../support/maintenance-fixtures.js';
import { createRunWorld, sleep, submit, submitMany } from '../../support/run-fixtures.js';

// Coalesced controller rounds (orchestrations/environment-controller.ts): a burst of wake-ups (each submit wakes the
// controller) makes at most about one planning round per second, and a single change still reaches a round within
// about a second. Rounds are counted by the controller itself (custom status `rounds`). Bounds are loose enough for
// two loaded cores: rounds <= seconds elapsed + 2; a lone change planned before the periodic round would come.

const durable = localDurableClient();

async function statusOf(envId: string): Promise<{ rounds?: number; lastPlanAt?: string }> {
  const status = await durable.getStatus(controllerInstanceId(envId));
  return (status?.customStatus ?? {}) as { rounds?: number; lastPlanAt?: string };
}

async function roundsOf(envId: string): Promise<number> {
  return (await statusOf(envId)).rounds ?? 0;
}

async function untilRounds(envId: string, above: number, timeoutMs: number): Promise<{ rounds: number; ms: number }> {
  const started = Date.now();
  for (;;) {
    const rounds = await roundsOf(envId);
    if (rounds > above || Date.now() - started > timeoutMs) return { rounds, ms: Date.now() - started };
    await sleep(25);
  }
}

/** Waits for a round after the one planned at `previous` (its `lastPlanAt` changes). */
async function untilRoundAfter(envId: string, previous: string | undefined, timeoutMs: number): Promise<{ at: string | undefined; ms: number }> {
  const started = Date.now();
  for (;;) {
    const at = (await statusOf(envId)).lastPlanAt;
    if ((at !== undefined && at !== previous) || Date.now() - started > timeoutMs) return { at, ms: Date.now() - started };
    await sleep(25);
  }
}

/**
 * The rounds the controller makes while `work` runs (and `settleMs` after), as it shows them: the distinct
 * `lastPlanAt` of its custom status, polled every 50 ms (rounds are at least a second apart, so none is missed). A
 * count read from the status alone would not do: a controller restarted between two reads starts its count again.
 */
async function roundsDuring(envId: string, work: () => Promise<unknown>, settleMs: number): Promise<{ times: number[]; workMs: number; elapsedS: number }> {
  const seenBefore = (await statusOf(envId)).lastPlanAt;
  const planTimes = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const at = (await statusOf(envId)).lastPlanAt;
      if (at && at !== seenBefore) planTimes.add(at);
      await sleep(50);
    }
  })();
  const started = Date.now();
  await work();
  const workMs = Date.now() - started;
  await sleep(settleMs);
  watching = false;
  await watcher;
  return { times: [...planTimes].map((t) => Date.parse(t)).sort((a, b) => a - b), workMs, elapsedS: (Date.now() - started) / 1000 };
}

describe('controller rounds are coalesced', () => {
  it('plans at most about once a second through a burst of 1,000 wake-ups, and a lone change within 2 s', async () => {
    const admin = await clientFor({ platformAdmin: true });
    const w = await createRunWorld(admin); // capacity 0: rounds plan no bot, so only wake-ups and the safety timer make them
    await untilRounds(w.envId, 0, 10_000);
    await sleep(1_500); // quiet: the controller waits for a wake-up

    // a burst: 1,000 wake-ups (what 1,000 submits send), 20 at a time through the real Durable client
    let next = 0;
    const burst = await roundsDuring(
      w.envId,
      () =>
        Promise.all(
          Array.from({ length: 20 }, async () => {
            while (next < 1_000) {
              next++;
              await wakeController(durable, w.envId);
            }
          }),
        ),
      2_500, // the round that follows the last wake-up
    );
    const gaps = burst.times.slice(1).map((t, i) => t - (burst.times[i] ?? 0));
    console.log(
      `controller coalescing: 1000 wake-ups in ${burst.workMs} ms, ${burst.times.length} rounds in ${burst.elapsedS.toFixed(1)} s, at gaps of ${gaps.join(', ')} ms`,
    );
    // consecutive rounds are at least the minimum interval apart
    expect(gaps.every((g) => g >= 1_000)).toBe(true);
    expect(burst.times.length).toBeGreaterThanOrEqual(1);
    expect(burst.times.length).toBeLessThanOrEqual(Math.ceil(burst.elapsedS) + 2);

    // the same through the API: 200 submits, 10 at a time (each wakes the controller from the host process)
    await sleep(1_500);
    const submits = await roundsDuring(w.envId, () => submitMany(w, 200, 10), 2_500);
    console.log(`controller coalescing: 200 submits in ${submits.workMs} ms, ${submits.times.length} rounds in ${submits.elapsedS.toFixed(1)} s`);
    expect(submits.times.length).toBeGreaterThanOrEqual(1);
    expect(submits.times.length).toBeLessThanOrEqual(Math.ceil(submits.elapsedS) + 2);

    // a lone change (a submit) when the controller is idle reaches a round within 2 s
    await sleep(1_500);
    const idleAt = (await statusOf(w.envId)).lastPlanAt;
    await submit(w);
    // only a wake-up plans before the controller's periodic round (CONTROLLER_INTERVAL_SECONDS): the latency itself is
    // measured (logged, and quoted in docs/scaling.md), not asserted against 2 s on a loaded machine
    const periodicMs = Number(localCloud().settings.CONTROLLER_INTERVAL_SECONDS ?? 60) * 1000;
    const lone = await untilRoundAfter(w.envId, idleAt, periodicMs);
    expect(lone.at).not.toBe(idleAt);
    // and one right after that round (inside its minimum interval) reaches the next round within 2 s as well
    await submit(w);
    const follow = await untilRoundAfter(w.envId, lone.at, periodicMs);
    console.log(`controller coalescing: lone change planned after ${lone.ms} ms, change inside the interval after ${follow.ms} ms`);
    expect(lone.ms).toBeLessThan(periodicMs);
    expect(follow.at).not.toBe(lone.at);
    expect(follow.ms).toBeLessThan(periodicMs);
  }, 180_000);
});
