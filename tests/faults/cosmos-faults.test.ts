import { describe, expect, it } from 'vitest';
import { sized, useFaultWorld } from './fault-world.js';
import { playScenario } from './scenario.js';

/**
 * Cosmos throttles (429 with x-ms-retry-after-ms) and is briefly unavailable (503) on a share of data requests,
 * from the first submission until the last run ended. The faults reach the host through the real @azure/cosmos
 * SDK pipeline (its retry policies included); what the SDK gives up on must be retried by the control plane.
 */
const world = useFaultWorld({});

describe('faults: Cosmos 429 and transient 503', () => {
  it('ends every run, never on two bots at once, within the limits, and leaves no VM behind', async () => {
    const { faults, counters } = world().cloud.cosmos;
    const before = { throttled: counters.throttled, unavailable: counters.unavailable };
    await playScenario(world(), {
      name: 'Cosmos 429 + transient 503',
      capacity: 3,
      maxBots: [2, 2],
      runs: sized(14, 60),
      concurrency: 4,
      endTimeoutMs: sized(90_000, 300_000),
      inject: async () => {
        faults.throttleRate = 0.15;
        faults.unavailableRate = 0.03;
      },
      calm: () => {
        faults.throttleRate = 0;
        faults.unavailableRate = 0;
      },
      faults: () => ({ cosmos429: counters.throttled - before.throttled, cosmos503: counters.unavailable - before.unavailable }),
    });
    expect(counters.throttled - before.throttled).toBeGreaterThan(0);
  }, 480_000);
});
