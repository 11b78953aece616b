import type { DurableClient } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { wakeController } from '../../../orchestrations/activities/durable-signals.js';

/** A Durable client whose controller is running; each getStatus takes `ms`; records when each event was raised. */
function fakeClient(ms: number) {
  const log: string[] = [];
  const client = {
    taskHubName: `hub-${Math.random()}`,
    getStatus: async () => {
      log.push('status');
      await new Promise((r) => setTimeout(r, ms));
      return { runtimeStatus: 'Running' };
    },
    raiseEvent: async () => {
      log.push('raise');
    },
    startNew: async () => 'x',
  } as unknown as DurableClient;
  return { client, log };
}

describe('wakeController coalesces wake-ups per environment', () => {
  it('sends one wake-up for a burst, plus one after it for every caller who came while it was on its way', async () => {
    const { client, log } = fakeClient(20);
    await Promise.all(Array.from({ length: 1000 }, () => wakeController(client, 'env-a')));
    expect(log.filter((l) => l === 'raise')).toHaveLength(2);
    // sequential: the follower starts only when the first wake-up is done (after every sharer's change was written)
    expect(log).toEqual(['status', 'raise', 'status', 'raise']);
  });

  it('sends a new wake-up for a caller after the previous one is done, and keeps environments apart', async () => {
    const { client, log } = fakeClient(5);
    await wakeController(client, 'env-a');
    await wakeController(client, 'env-a');
    await Promise.all([wakeController(client, 'env-b'), wakeController(client, 'env-c')]);
    expect(log.filter((l) => l === 'raise')).toHaveLength(4);
  });

  it('a failed wake-up does not swallow its follower', async () => {
    const { client, log } = fakeClient(5);
    let first = true;
    (client as unknown as { raiseEvent: () => Promise<void> }).raiseEvent = async () => {
      log.push('raise');
      if (first) {
        first = false;
        throw new Error('503');
      }
    };
    const results = await Promise.allSettled([wakeController(client, 'env-a'), wakeController(client, 'env-a')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(log.filter((l) => l === 'raise')).toHaveLength(2);
  });
});
