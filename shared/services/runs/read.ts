import type { Principal } from '../../auth/principal.js';
import type { Services } from '../../composition/services.js';
import type { RunDocument } from '../../domain/run.js';
import type { Versioned } from '../../store/document-store.js';
import { loadRun } from './load-run.js';

/** A run, for its submitter, the group's owner and CoOwners, SystemAdministrators and anyone who may use its group. */
export async function getRun(
  deps: Services,
  principal: Principal,
  environmentId: string | undefined,
  runId: string | undefined,
): Promise<Versioned<RunDocument>> {
  const { run } = await loadRun(deps, principal, environmentId, runId, 'read');
  return run;
}
