import { describe, expect, it } from 'vitest';
import { localCloud } from '../../support/api-client.js';
import { createGroup, groupEnvironment } from '../../support/group-fixtures.js';
import { sleep } from '../../support/run-fixtures.js';

// Edits that can alter the plan wake the environment's controller (brief, "Immediacy"): the plan follows within
// seconds, not at the controller's next periodic round (CONTROLLER_INTERVAL_SECONDS, 10 s on this cloud).

const interval = Number(localCloud().settings.CONTROLLER_INTERVAL_SECONDS ?? 60);

async function botsWithin(list: () => Promise<number>, want: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let seen = await list();
  while (seen < want && Date.now() < until) {
    await sleep(100);
    seen = await list();
  }
  return seen;
}

describe('plan-altering edits wake the controller', () => {
  it('creates committed bots right after a PATCH of committedBots, well before the next periodic round', async () => {
    const { admin, envId, imageId } = await groupEnvironment({ capacity: 3 });
    const group = await createGroup(admin, envId, imageId, { maxBots: 3, committedBots: 0 });
    const bots = async () => (await admin.get<{ items: unknown[] }>(`environments/${envId}/groups/${group.id}/bots`)).body.items.length;
    // the group create woke (and so started) the controller, which planned nothing: let it go back to sleep
    await sleep(500);
    expect(await bots()).toBe(0);

    const patched = await admin.patch(`environments/${envId}/groups/${group.id}`, { committedBots: 2 });
    expect(patched.status).toBe(200);
    // half the periodic interval: only a wake-up can explain bots this early
    expect(await botsWithin(bots, 2, (interval * 1000) / 2)).toBe(2);
  });
});
