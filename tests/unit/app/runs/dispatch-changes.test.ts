import { beforeEach, describe, expect, it } from 'vitest';
import type { BotDocument } from '../../../../domain/bot.js';
import { resumingDispatch, stoppingDispatch, type DispatchChangePorts } from '../../../../app/runs/dispatch-changes.js';
import { MemoryDispatchGates } from '../../../support/memory-dispatch-gates.js';
import { runPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW, seedEnvironment, seedGroup } from '../../../support/fakes/use-case-ports.js';

const OPEN = 'bbbbbbbb-0000-4000-8000-000000000001';
const IN_MAINTENANCE = 'bbbbbbbb-0000-4000-8000-000000000002';
let gates: MemoryDispatchGates;
let wakeUps: string[];
let ports: DispatchChangePorts;

beforeEach(async () => {
  const base = runPorts();
  gates = new MemoryDispatchGates();
  wakeUps = [];
  await seedEnvironment(base.store);
  await seedGroup(base, OPEN, 'pw');
  await seedGroup(base, IN_MAINTENANCE, 'pw', { maintenance: true });
  // the memory queues keep no wake-ups: these are recorded (the group id is the first argument)
  base.queues.sendWakeUp = async (...args: unknown[]) => {
    wakeUps.push(String(args[0]));
  };
  ports = {
    ...base,
    dispatchGates: gates,
    runCounts: {
      countsFor: async () => ({ [OPEN]: { running: 0, queued: 3, queuedHigh: 0 } }),
      unfinishedTotal: async () => 3,
      unfinishedRuns: async () => ({ byGroup: {} }),
    },
  };
  const bot = (id: string): BotDocument =>
    ({ id, environmentId: ENV, type: 'bot', groupId: OPEN, state: 'Ready', since: NOW, createdAt: NOW, updatedAt: NOW }) as BotDocument;
  await base.botStore.create(bot('bot-1'));
  await base.botStore.create(bot('bot-2'));
});

describe('stoppingDispatch', () => {
  it('closes the gates before the write, and reopens those that may still dispatch when the write fails', async () => {
    const write = async () => {
      expect((await gates.read(ENV, OPEN))?.open).toBe(false);
      throw new Error('write failed');
    };
    await expect(stoppingDispatch(ports, ENV, [OPEN, IN_MAINTENANCE], 'Maintenance', write)).rejects.toThrow('write failed');
    expect((await gates.read(ENV, OPEN))?.open).toBe(true);
    expect((await gates.read(ENV, IN_MAINTENANCE))?.open).toBe(false);
  });
});

describe('resumingDispatch', () => {
  it('writes first, opens the gates of groups that may dispatch, and wakes min(queued, idle bots) agents', async () => {
    const order: string[] = [];
    await resumingDispatch(ports, ENV, [OPEN, IN_MAINTENANCE], async () => {
      order.push('write');
      expect(await gates.read(ENV, OPEN)).toBeUndefined();
    });
    expect(order).toEqual(['write']);
    expect((await gates.read(ENV, OPEN))?.open).toBe(true);
    expect(await gates.read(ENV, IN_MAINTENANCE)).toBeUndefined();
    expect(wakeUps).toEqual([OPEN, OPEN]);
  });
});
