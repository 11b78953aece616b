import { describe, expect, it } from 'vitest';
import { sized, sleep, useFaultWorld } from './fault-world.js';
import { playScenario } from './scenario.js';

/**
 * The Service Bus peer misbehaves as the service may: half of the completed wake-ups are delivered once more
 * (duplicates), every lock expires 25 ms after it is given (so claims lose their locks and messages are redelivered
 * until they dead-letter), and every connection is dropped every six seconds. Cosmos holds each run's truth, so
 * none of this may lose a run or assign one twice.
 */
const world = useFaultWorld({});

describe('faults: duplicate and redelivered wake-ups, expired locks, dropped connections', () => {
  it('ends every run, never on two bots at once, within the limits, and leaves no VM behind', async () => {
    const { faults, counters } = world().cloud.serviceBus;
    let drops = 0;
    await playScenario(world(), {
      name: 'duplicate deliveries + expired locks + dropped connections',
      capacity: 3,
      maxBots: [2, 2],
      runs: sized(16, 60),
      concurrency: 4,
      endTimeoutMs: sized(120_000, 300_000),
      inject: async ({ active }) => {
        faults.duplicateDeliveryRate = 0.5;
        faults.lockDurationOverrideMs = 25;
        while (active()) {
          await sleep(6_000);
          if (!active()) break;
          faults.dropConnections();
          drops++;
        }
      },
      calm: () => {
        faults.duplicateDeliveryRate = 0;
        faults.lockDurationOverrideMs = undefined;
      },
      faults: () => ({ duplicatesInjected: counters.duplicatesInjected, locksExpired: counters.locksExpired, connectionDrops: drops }),
    });
    expect(counters.duplicatesInjected + counters.locksExpired, 'faults that reached the claims').toBeGreaterThan(0);
  }, 480_000);
});
