import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppClients } from '../../../composition/root/clients.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { expectExactlyOnceInOrder, raceClaimers } from '../../support/run-claimers.js';
import { createRunWorld, inProcessServices, submitManyInProcess } from '../../support/run-fixtures.js';
import { scaled } from '../../support/test-scale.js';

// 8 claimers (what 8 bots' claims do) race over RUNS runs of one group, through the real SDKs on the shared local
// cloud. The runs are submitted through the real submission service in this process (see submitManyInProcess). Duplicate delivery is injected here by sending extra wake-up messages ourselves (the peer object of this
// cloud lives in the global-setup process); runs-timeouts-and-costs.test.ts repeats the race on its own cloud with
// the peer's duplicate-delivery fault switched on.

const RUNS = scaled(80, 200);
const CLAIMERS = 8;

let admin: ApiClient;
let deps: AppClients;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  deps = inProcessServices();
});

afterAll(async () => {
  await deps?.queues.close();
});

describe(`${CLAIMERS} concurrent claimers over ${RUNS} runs of one group`, () => {
  it('claim every run exactly once, lose none, and start them in dispatch order', async () => {
    const world = await createRunWorld(admin);
    const t0 = performance.now();
    const runs = await submitManyInProcess(deps, world, RUNS, 16, (i) => ({ priority: i % 5 === 0 ? 'High' : 'Normal' }));
    const t1 = performance.now();
    const race = await raceClaimers(deps, world, CLAIMERS);
    console.log(`submitted ${RUNS} in ${Math.round(t1 - t0)} ms, claimed in ${Math.round(performance.now() - t1)} ms`);
    const { maxReturnDisplacement } = expectExactlyOnceInOrder(runs, race);
    // a claimer with no message still looks in Cosmos, so under load it can take the run a message was sent for
    // before that message's receiver does: the receiver then finds nothing (rare; never a lost or doubled run)
    expect(race.nothingQueued).toBeLessThanOrEqual(Math.ceil(RUNS * 0.02));
    expect(await deps.queues.depth(world.groupId)).toBe(0);
    console.log(`claims returned at most ${maxReturnDisplacement} positions from dispatch order; ${race.contention} gave a message back`);
  }, 120_000);

  it('survive duplicate wake-ups: extra messages are discarded, no run is claimed twice', async () => {
    const world = await createRunWorld(admin);
    const runs = await submitManyInProcess(deps, world, RUNS, 16, (i) => ({ priority: i % 3 === 0 ? 'High' : 'Normal' }));
    // one duplicate for every other run: 1.5 messages per run
    const duplicates = runs.filter((_, i) => i % 2 === 0);
    await Promise.all(duplicates.map((run) => deps.queues.sendWakeUp(world.groupId, { runId: run.id })));
    const race = await raceClaimers(deps, world, CLAIMERS);
    expectExactlyOnceInOrder(runs, race);
    expect(race.nothingQueued).toBe(duplicates.length);
    expect(await deps.queues.depth(world.groupId)).toBe(0);
  }, 120_000);
});
