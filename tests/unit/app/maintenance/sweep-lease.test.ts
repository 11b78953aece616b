import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MaintenanceActionDocument, Sweep } from '../../../../domain/maintenance.js';
import type { StoredDocument } from '../../../../app/ports/document-store.js';
import { SWEEP_LEASE, sweepEnvironments, type SweepLeasePorts } from '../../../../app/maintenance/sweep-lease.js';
import { SWEEP_LEASE_SECONDS } from '../../../../app/maintenance/sweep-report.js';
import { fixedClock, type FixedClock } from '../../../support/fakes/fixed-clock.js';
import { idSequence } from '../../../support/fakes/id-sequence.js';
import { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';
import { NOW } from '../../../support/fakes/use-case-ports.js';

const A = 'env-a';
const B = 'env-b';
const LATER = new Date(Date.parse(NOW) + 60_000).toISOString();

interface LeaseDocument extends StoredDocument {
  sweep: Sweep;
  holder: string;
  expiresAt: string;
}

let store: MemoryDocumentStore;
let clock: FixedClock;
let deps: SweepLeasePorts;

const leaseId = (sweep: Sweep) => `lease:${sweep}`;
const leaseOf = (environmentId: string, sweep: Sweep = 'stuckRuns') => store.get<LeaseDocument>(environmentId, leaseId(sweep));
const aLease = (environmentId: string, holder: string, expiresAt: string, sweep: Sweep = 'stuckRuns'): LeaseDocument => ({
  id: leaseId(sweep),
  environmentId,
  type: SWEEP_LEASE,
  sweep,
  holder,
  expiresAt,
  createdAt: '2025-12-31T00:00:00.000Z',
  updatedAt: '2025-12-31T00:00:00.000Z',
});
const anAction = (environmentId: string) => ({ environmentId, action: 'wakeUpResent' }) as MaintenanceActionDocument;

beforeEach(() => {
  store = new MemoryDocumentStore();
  clock = fixedClock(NOW);
  deps = { store, now: clock.now, newId: idSequence('holder-') };
});

describe('sweepEnvironments', () => {
  it('sweeps each environment under its lease for the sweep, and gives the lease back afterwards', async () => {
    const held: Array<LeaseDocument | undefined> = [];
    const report = await sweepEnvironments(deps, 'stuckRuns', [A, B], async (environmentId) => {
      held.push(await leaseOf(environmentId));
      return [anAction(environmentId)];
    });
    expect(report).toEqual({ sweep: 'stuckRuns', environments: 2, skipped: 0, actions: [anAction(A), anAction(B)] });
    expect(held.map((l) => [l?.environmentId, l?.holder, l?.expiresAt])).toEqual([
      [A, 'holder-000000000001', new Date(Date.parse(NOW) + SWEEP_LEASE_SECONDS * 1000).toISOString()],
      [B, 'holder-000000000002', new Date(Date.parse(NOW) + SWEEP_LEASE_SECONDS * 1000).toISOString()],
    ]);
    expect(store.docs.size).toBe(0);
  });

  it('skips an environment another instance holds, counting it, and leaves that lease as it is', async () => {
    const theirs = await store.create(aLease(A, 'other', LATER));
    const sweepOne = vi.fn(async (environmentId: string) => [anAction(environmentId)]);
    const report = await sweepEnvironments(deps, 'stuckRuns', [A, B], sweepOne);
    expect(sweepOne.mock.calls).toEqual([[B]]);
    expect(report).toMatchObject({ environments: 2, skipped: 1, actions: [anAction(B)] });
    expect(await leaseOf(A)).toEqual(theirs);
  });

  it('takes over a lease that expired (its holder crashed), keeping when it was first taken', async () => {
    // expiring exactly now: free
    await store.create(aLease(A, 'crashed', NOW));
    let during: LeaseDocument | undefined;
    const report = await sweepEnvironments(deps, 'stuckRuns', [A], async () => {
      during = await leaseOf(A);
      return [];
    });
    expect(report.skipped).toBe(0);
    expect(during).toMatchObject({ holder: 'holder-000000000001', createdAt: '2025-12-31T00:00:00.000Z', updatedAt: NOW });
    expect(await leaseOf(A)).toBeUndefined();
  });

  it('is not held by the lease of another sweep of the same environment', async () => {
    const orphans = await store.create(aLease(A, 'other', LATER, 'orphans'));
    const report = await sweepEnvironments(deps, 'stuckRuns', [A], async () => [anAction(A)]);
    expect(report).toMatchObject({ skipped: 0, actions: [anAction(A)] });
    expect(await leaseOf(A, 'orphans')).toEqual(orphans);
  });

  it('skips the environment when another instance creates the lease between the read and the create (409)', async () => {
    const get = store.get.bind(store);
    store.get = async <T extends StoredDocument>(environmentId: string, id: string) => {
      const seen = await get<T>(environmentId, id);
      if (!seen) await store.create(aLease(environmentId, 'racer', LATER));
      return seen;
    };
    const sweepOne = vi.fn(async () => []);
    expect(await sweepEnvironments(deps, 'stuckRuns', [A], sweepOne)).toMatchObject({ environments: 1, skipped: 1 });
    expect(sweepOne).not.toHaveBeenCalled();
    expect((await leaseOf(A))?.holder).toBe('racer');
  });

  it('skips the environment when another instance takes over the expired lease first (412)', async () => {
    await store.create(aLease(A, 'crashed', NOW));
    const get = store.get.bind(store);
    store.get = async <T extends StoredDocument>(environmentId: string, id: string) => {
      const seen = await get<T>(environmentId, id);
      const lease = await get<LeaseDocument>(environmentId, id);
      if (lease?.holder === 'crashed') await store.replace(aLease(environmentId, 'racer', LATER), lease.etag);
      return seen;
    };
    const sweepOne = vi.fn(async () => []);
    expect(await sweepEnvironments(deps, 'stuckRuns', [A], sweepOne)).toMatchObject({ skipped: 1 });
    expect(sweepOne).not.toHaveBeenCalled();
    expect((await leaseOf(A))?.holder).toBe('racer');
  });

  it('gives the lease back when the work fails, and passes the failure on', async () => {
    const failing = sweepEnvironments(deps, 'stuckRuns', [A, B], async () => {
      throw new Error('Cosmos is down');
    });
    await expect(failing).rejects.toThrow('Cosmos is down');
    expect(await leaseOf(A)).toBeUndefined();
  });

  it('leaves the lease to the instance that took it over after it expired during the work', async () => {
    const report = await sweepEnvironments(deps, 'stuckRuns', [A], async () => {
      clock.advance((SWEEP_LEASE_SECONDS + 1) * 1000);
      const ours = await leaseOf(A);
      await store.replace(aLease(A, 'next', clock.now().toISOString()), ours!.etag);
      return [];
    });
    expect(report.skipped).toBe(0);
    expect((await leaseOf(A))?.holder).toBe('next');
  });

  it('is no failure when giving the lease back loses a race (412)', async () => {
    const remove = store.delete.bind(store);
    store.delete = async (environmentId, id, etag) => {
      const current = await store.get<LeaseDocument>(environmentId, id);
      await store.replace({ ...current!, holder: 'next' }, current!.etag);
      return remove(environmentId, id, etag);
    };
    await expect(sweepEnvironments(deps, 'stuckRuns', [A], async () => [anAction(A)])).resolves.toMatchObject({ actions: [anAction(A)] });
    expect((await leaseOf(A))?.holder).toBe('next');
  });

  it('fails, sweeping nothing, when the lease cannot be written for another reason than a lost race', async () => {
    store.failCreateOf = SWEEP_LEASE;
    const sweepOne = vi.fn(async () => []);
    await expect(sweepEnvironments(deps, 'stuckRuns', [A], sweepOne)).rejects.toThrow('the store is down');
    expect(sweepOne).not.toHaveBeenCalled();
  });
});
