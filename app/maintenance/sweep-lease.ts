import type { MaintenanceActionDocument, Sweep } from '../../domain/maintenance.js';
import { DuplicateDocumentError, StalePreconditionError, type DocumentStore, type StoredDocument } from '../ports/document-store.js';
import { SWEEP_LEASE_SECONDS, type SweepReport } from './sweep-report.js';

export const SWEEP_LEASE = 'sweepLease' as const;

/** The leases are documents in each environment's partition of the control container; a holder is a new id. */
export interface SweepLeasePorts {
  store: Pick<DocumentStore, 'get' | 'create' | 'replace' | 'delete'>;
  now(): Date;
  newId(): string;
}

/** Who runs a sweep over one environment now; a crashed holder's lease simply expires. */
interface SweepLeaseDocument extends StoredDocument {
  type: typeof SWEEP_LEASE;
  sweep: Sweep;
  holder: string;
  expiresAt: string;
}

interface SweepLease {
  /** gives the environment back before expiry, unless another holder took it meanwhile */
  release(): Promise<void>;
}

const leaseId = (sweep: Sweep) => `lease:${sweep}`;

/**
 * Takes the environment for one sweep, or answers undefined when another instance of the sweep holds it: two
 * timers firing at once (two hosts, a manual fire during a scheduled one) never act on the same environment
 * together. Taking and giving back are conditional writes of one document in the environment's partition.
 */
async function acquireSweepLease(deps: SweepLeasePorts, environmentId: string, sweep: Sweep, holdSeconds: number): Promise<SweepLease | undefined> {
  const now = deps.now();
  const holder = deps.newId();
  const lease: SweepLeaseDocument = {
    id: leaseId(sweep),
    environmentId,
    type: SWEEP_LEASE,
    sweep,
    holder,
    expiresAt: new Date(now.getTime() + holdSeconds * 1000).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const current = await deps.store.get<SweepLeaseDocument>(environmentId, lease.id);
  try {
    if (!current) await deps.store.create(lease);
    else if (Date.parse(current.expiresAt) > now.getTime()) return undefined;
    else await deps.store.replace({ ...lease, createdAt: current.createdAt }, current.etag);
  } catch (err) {
    if (err instanceof DuplicateDocumentError || err instanceof StalePreconditionError) return undefined;
    throw err;
  }
  return {
    release: async () => {
      const held = await deps.store.get<SweepLeaseDocument>(environmentId, lease.id);
      if (!held || held.holder !== holder) return;
      // removed rather than expired: the next holder's clock need not agree with this one's
      await deps.store.delete(environmentId, lease.id, held.etag).catch((err: unknown) => {
        if (!(err instanceof StalePreconditionError)) throw err;
      });
    },
  };
}

/** Runs `work` while holding the environment's lease for `sweep`; answers undefined when the lease was taken. */
async function withSweepLease<T>(deps: SweepLeasePorts, environmentId: string, sweep: Sweep, work: () => Promise<T>): Promise<T | undefined> {
  const lease = await acquireSweepLease(deps, environmentId, sweep, SWEEP_LEASE_SECONDS);
  if (!lease) return undefined;
  try {
    return await work();
  } finally {
    await lease.release();
  }
}

/**
 * One firing of a sweep: each environment in turn, under the sweep's lease of that environment (skipped when
 * another instance holds it), with what `sweepOne` did recorded in the report.
 */
export async function sweepEnvironments(
  deps: SweepLeasePorts,
  sweep: Sweep,
  environmentIds: Iterable<string>,
  sweepOne: (environmentId: string) => Promise<MaintenanceActionDocument[]>,
): Promise<SweepReport> {
  const report: SweepReport = { sweep, environments: 0, skipped: 0, actions: [] };
  for (const environmentId of environmentIds) {
    const actions = await withSweepLease(deps, environmentId, sweep, () => sweepOne(environmentId));
    if (actions === undefined) report.skipped++;
    else report.actions.push(...actions);
    report.environments++;
  }
  return report;
}
