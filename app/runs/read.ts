import type { Principal } from '../../domain/principal.js';
import type { RunDocument } from '../../domain/run.js';
import type { Versioned } from '../ports/document-store.js';
import { loadRun, type RunReadPorts } from './load-run.js';

/** A run, for its submitter, the group's owner and CoOwners, SystemAdministrators and anyone who may use its group. */
export async function getRun(deps: RunReadPorts, principal: Principal, environmentId: string, runId: string): Promise<Versioned<RunDocument>> {
  const { run } = await loadRun(deps, principal, environmentId, runId, 'read');
  return run;
}
