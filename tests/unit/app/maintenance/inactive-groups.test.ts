import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EnvironmentDocument, GroupLedgerEntry } from '../../../../domain/environment.js';
import { DELETED_FOR_INACTIVITY, type GroupDocument } from '../../../../domain/group.js';
import { MAINTENANCE_ACTION } from '../../../../domain/maintenance.js';
import type { RunDocument } from '../../../../domain/run.js';
import type { StoredDocument, Versioned } from '../../../../app/ports/document-store.js';
import { secretNameFor } from '../../../../app/ports/secret-store.js';
import { cleanUpInactiveGroups } from '../../../../app/maintenance/inactive-groups.js';
import type { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';
import { maintenancePorts, seedGroupIn, seedRunIn, type MaintenancePorts } from '../../../support/fakes/maintenance-ports.js';
import { RecordingLifecycleSignals } from '../../../support/fakes/recording-lifecycle-signals.js';
import { ENV, NOW, seedEnvironment } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const LIMIT_DAYS = 28;

let ports: MaintenancePorts;
let signals: RecordingLifecycleSignals;

const cleanUp = () => cleanUpInactiveGroups(ports, signals);
const groupOf = async (id: string) => (await ports.store.get<GroupDocument>(ENV, id))!;
const after = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
const gateOf = (groupId: string) => ports.dispatchGates.gates.get(`${ENV}/${groupId}`);

/** What another writer does to the group's document: `replace` is the store's own, not the one the cleanup calls. */
type Race = (current: Versioned<GroupDocument>, replace: MemoryDocumentStore['replace']) => Promise<unknown>;

/** Runs `race` just before each of the cleanup's writes of the group's document (the first `times` of them); counts those writes. */
function beforeEachWriteOf(groupId: string, race: Race, times = 1): { writes: number } {
  const seen = { writes: 0 };
  const replace = ports.store.replace.bind(ports.store);
  ports.store.replace = async <T extends StoredDocument>(doc: T, etag: string) => {
    if (doc.id === groupId) {
      seen.writes++;
      if (seen.writes <= times) await race(await groupOf(groupId), replace);
    }
    return replace(doc, etag);
  };
  return seen;
}

beforeEach(async () => {
  ports = maintenancePorts();
  signals = new RecordingLifecycleSignals();
  await seedEnvironment(ports.store);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('cleanUpInactiveGroups', () => {
  it('marks a group on which nothing ran for INACTIVE_GROUP_DAYS deleted, behind a closed gate, logs it and wakes the controller', async () => {
    await seedGroupIn(ports, G1);
    ports.clock.advance(LIMIT_DAYS * DAY);
    const report = await cleanUp();
    expect(report).toMatchObject({ sweep: 'inactiveGroups', environments: 1, skipped: 0 });
    expect(report.actions.map((a) => [a.action, a.reason, a.groupId])).toEqual([['groupDeleted', 'Inactive', G1]]);
    expect(report.actions[0]?.detail).toBe(`No desktop flow ran on the group since ${NOW} (inactivity limit: 28 days) and it has no committed bots.`);
    expect(await groupOf(G1)).toMatchObject({ status: 'deleted', deletedReason: DELETED_FOR_INACTIVITY, deletedAt: after(LIMIT_DAYS * DAY) });
    expect(gateOf(G1)).toMatchObject({ open: false, reason: 'GroupDeleted' });
    expect(ports.botStore.ofType(ENV, MAINTENANCE_ACTION)).toHaveLength(1);
    // the controller releases the group's bots
    expect(signals.woken).toEqual([ENV]);
  });

  it('leaves a group that is younger, keeps committed bots, has a run on a bot, ran or was reactivated lately, or is deleted already', async () => {
    const groups = [
      await seedGroupIn(ports, 'young', { createdAt: after(MINUTE) }),
      await seedGroupIn(ports, 'committed', { committedBots: 1 }),
      await seedGroupIn(ports, 'running'),
      await seedGroupIn(ports, 'ran', { lastRunStartedAt: after(DAY) }),
      await seedGroupIn(ports, 'reactivated', { reactivatedAt: after(DAY) }),
      await seedGroupIn(ports, 'deleted', { status: 'deleted', deletedReason: 'DeletedByUser' }),
    ];
    await seedRunIn(ports, 'run-1', 'running', { state: 'Running', botId: 'bot-1', startedAt: NOW, attempt: 1 });
    ports.clock.advance(LIMIT_DAYS * DAY);
    expect((await cleanUp()).actions).toEqual([]);
    for (const group of groups) expect((await groupOf(group.id)).etag).toBe(group.etag);
    expect(signals.woken).toEqual([]);
  });

  it('ends the runs still queued on the group Cancelled (GroupDeleted): a submission that never ran is no activity', async () => {
    await seedGroupIn(ports, G1);
    await seedRunIn(ports, 'run-1', G1);
    await seedRunIn(ports, 'run-2', G1);
    ports.clock.advance(LIMIT_DAYS * DAY);
    const [action] = (await cleanUp()).actions;
    expect(action?.detail).toMatch(/ 2 queued run\(s\) cancelled\.$/);
    for (const id of ['run-1', 'run-2']) {
      expect(await ports.runs.docs.get<RunDocument>(ENV, id)).toMatchObject({ state: 'Cancelled', error: { code: 'GroupDeleted' } });
    }
  });

  it('keeps the group when a run started on it between the read and the conditional write (412), and reopens its gate', async () => {
    await seedGroupIn(ports, G1);
    ports.clock.advance(LIMIT_DAYS * DAY);
    beforeEachWriteOf(G1, (current, replace) => replace({ ...current, lastRunStartedAt: ports.now().toISOString() }, current.etag));
    expect((await cleanUp()).actions).toEqual([]);
    expect(await groupOf(G1)).toMatchObject({ status: 'active', lastRunStartedAt: after(LIMIT_DAYS * DAY) });
    expect(gateOf(G1)?.open).toBe(true);
    expect(signals.woken).toEqual([]);
  });

  it('reads the group again after a lost race to an edit, and marks it deleted with the edit kept', async () => {
    await seedGroupIn(ports, G1);
    ports.clock.advance(LIMIT_DAYS * DAY);
    const seen = beforeEachWriteOf(G1, (current, replace) => replace({ ...current, description: 'edited meanwhile' }, current.etag));
    expect((await cleanUp()).actions.map((a) => a.action)).toEqual(['groupDeleted']);
    expect(seen.writes).toBe(2);
    expect(await groupOf(G1)).toMatchObject({ status: 'deleted', description: 'edited meanwhile' });
  });

  it('leaves the group to the next cleanup after three lost races', async () => {
    await seedGroupIn(ports, G1);
    ports.clock.advance(LIMIT_DAYS * DAY);
    const seen = beforeEachWriteOf(G1, (current, replace) => replace({ ...current, description: `edit ${seen.writes}` }, current.etag), 10);
    expect((await cleanUp()).actions).toEqual([]);
    expect(seen.writes).toBe(3);
    expect((await groupOf(G1)).status).toBe('active');
  });

  it('passes over a group a user deleted between the read and the write', async () => {
    await seedGroupIn(ports, G1);
    ports.clock.advance(LIMIT_DAYS * DAY);
    const seen = beforeEachWriteOf(G1, (current) => ports.store.delete(ENV, G1, current.etag));
    expect((await cleanUp()).actions).toEqual([]);
    expect(seen.writes).toBe(1);
    expect(await ports.store.get(ENV, G1)).toBeUndefined();
  });

  it('passes a failed write on, logging nothing, with the gate reopened and the lease given back', async () => {
    await seedGroupIn(ports, G1);
    ports.clock.advance(LIMIT_DAYS * DAY);
    const replace = ports.store.replace.bind(ports.store);
    ports.store.replace = async <T extends StoredDocument>(doc: T, etag: string) => {
      if (doc.id === G1) throw new Error('503 Service Unavailable');
      return replace(doc, etag);
    };
    await expect(cleanUp()).rejects.toThrow('503');
    expect(gateOf(G1)?.open).toBe(true);
    expect(ports.botStore.ofType(ENV, MAINTENANCE_ACTION)).toEqual([]);
    expect(await ports.store.get(ENV, 'lease:inactiveGroups')).toBeUndefined();
  });

  describe('ledger reservations without a group document', () => {
    const entry = (name: string, reservedAt?: string): GroupLedgerEntry => ({ name, committedBots: 0, maxBots: 2, ...(reservedAt ? { reservedAt } : {}) });

    beforeEach(async () => {
      await seedGroupIn(ports, G1);
      const env = (await ports.store.get<EnvironmentDocument>(ENV, ENV))!;
      const groups = { [G1]: entry('Kept'), ghost: entry('Ghost', NOW), legacy: entry('Legacy'), fresh: entry('Fresh', after(90 * MINUTE)) };
      await ports.store.replace({ ...env, ledger: { ...env.ledger, groups } }, env.etag);
      await ports.secrets.set(secretNameFor('group-account', 'ghost'), 'left behind');
      await ports.queues.create('ghost');
      // two hours on: the reservations of NOW are past the grace of an hour, the one of 90 minutes later is not
      ports.clock.advance(120 * MINUTE);
    });

    it('are removed after the grace, with the secret and queue they left, and logged; newer ones and real groups stay', async () => {
      const { actions } = await cleanUp();
      expect(actions.map((a) => [a.action, a.reason, a.groupId])).toEqual([
        ['reservationRemoved', 'NoGroupDocument', 'ghost'],
        ['reservationRemoved', 'NoGroupDocument', 'legacy'],
      ]);
      expect(actions[0]?.detail).toBe(`The ledger held group "Ghost" (0 committed bots) without a group document since ${NOW}; removed.`);
      expect(Object.keys((await ports.store.get<EnvironmentDocument>(ENV, ENV))!.ledger.groups).sort()).toEqual([G1, 'fresh'].sort());
      expect(ports.secrets.latest(secretNameFor('group-account', 'ghost'))).toBeUndefined();
      expect(ports.queues.has('ghost')).toBe(false);
      // no group was deleted: no bots to release
      expect(signals.woken).toEqual([]);
    });

    it('are removed even when the secret or queue cannot be, the failure logged', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      ports.queues.delete = () => Promise.reject(new Error('Service Bus is down'));
      const { actions } = await cleanUp();
      expect(actions.map((a) => a.groupId)).toEqual(['ghost', 'legacy']);
      expect((await ports.store.get<EnvironmentDocument>(ENV, ENV))!.ledger.groups.ghost).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('best effort failed: removing the queue of inactive group ghost: Service Bus is down'));
    });
  });
});
