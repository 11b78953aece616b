import { beforeEach, describe, expect, it } from 'vitest';
import { MAINTENANCE_ACTION, type MaintenanceActionDocument } from '../../../../domain/maintenance.js';
import { recordMaintenanceAction, type ActionLogPorts, type MaintenanceAction } from '../../../../app/maintenance/action-log.js';
import { fixedClock, type FixedClock } from '../../../support/fakes/fixed-clock.js';
import { idSequence } from '../../../support/fakes/id-sequence.js';
import { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const action: MaintenanceAction = {
  environmentId: ENV,
  sweep: 'orphans',
  action: 'orphanVmDeleted',
  reason: 'NoBotRecord',
  detail: 'No bot of the control plane owns the VM of bot id b-1; deleted.',
  botId: 'b-1',
};

let botStore: MemoryDocumentStore;
let clock: FixedClock;
let deps: ActionLogPorts;

beforeEach(() => {
  botStore = new MemoryDocumentStore();
  clock = fixedClock(NOW);
  deps = { botStore, now: clock.now, newId: idSequence('action-') };
});

describe('recordMaintenanceAction', () => {
  it('writes the action to the bots container, stamped with the clock and a new id, and answers what it wrote', async () => {
    const written = await recordMaintenanceAction(deps, action);
    expect(written).toMatchObject({ ...action, id: 'action-000000000001', type: MAINTENANCE_ACTION, at: NOW, createdAt: NOW, updatedAt: NOW });
    const stored = botStore.ofType<MaintenanceActionDocument>(ENV, MAINTENANCE_ACTION);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: written.id, reason: 'NoBotRecord', botId: 'b-1', at: NOW });
  });

  it('gives every action its own id and time, so that a sweep doing the same thing twice logs it twice', async () => {
    const first = await recordMaintenanceAction(deps, action);
    clock.advance(1_000);
    const second = await recordMaintenanceAction(deps, action);
    expect(second.id).not.toBe(first.id);
    expect(second.at).toBe('2026-01-01T00:00:01.000Z');
    expect(botStore.ofType(ENV, MAINTENANCE_ACTION).map((d) => d.id)).toEqual([first.id, second.id]);
  });

  it('fails when the store does: the caller sees the failure, and nothing is logged', async () => {
    botStore.failCreateOf = MAINTENANCE_ACTION;
    await expect(recordMaintenanceAction(deps, action)).rejects.toThrow('the store is down');
    expect(botStore.ofType(ENV, MAINTENANCE_ACTION)).toEqual([]);
  });
});
