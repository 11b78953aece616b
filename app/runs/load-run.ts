import type { Principal } from '../../domain/principal.js';
import { canControlRun, type Membership } from '../../domain/access-rules.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import type { GroupDocument } from '../../domain/group.js';
import { canReadRun, NO_GROUP, RUN, type RunDocument } from '../../domain/run.js';
import { AppError } from '../../domain/errors/app-error.js';
import type { DocumentStore, Versioned } from '../ports/document-store.js';
import { loadEnvironmentContext } from '../environments/environment-context.js';
import type { RunStore } from './run-store.js';

/** What reading a run and its group needs. */
export interface RunReadPorts {
  /** environments, members and groups */
  store: DocumentStore;
  runs: RunStore;
}

export interface RunContext {
  env: Versioned<EnvironmentDocument>;
  member: Membership;
  run: Versioned<RunDocument>;
  /** absent once a user deleted the group */
  group: Versioned<GroupDocument> | undefined;
}

/** A run of the environment by id, or undefined (no access check). */
export async function findRun(deps: Pick<RunReadPorts, 'runs'>, environmentId: string, runId: string): Promise<Versioned<RunDocument> | undefined> {
  const run = await deps.runs.docs.get<RunDocument>(environmentId, runId);
  return run?.type === RUN ? run : undefined;
}

export async function findGroupOf(deps: Pick<RunReadPorts, 'store'>, environmentId: string, groupId: string): Promise<Versioned<GroupDocument> | undefined> {
  const group = await deps.store.get<GroupDocument>(environmentId, groupId);
  return group?.type === 'group' ? group : undefined;
}

/**
 * The run if the caller may read it (404 otherwise, exactly as for a missing one), and, with `control`, may also
 * cancel and reprioritise it (403 otherwise): its submitter, the group's owner and CoOwners, SystemAdministrators.
 */
export async function loadRun(deps: RunReadPorts, principal: Principal, environmentId: string, runId: string, needed: 'read' | 'control'): Promise<RunContext> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const run = await findRun(deps, env.id, runId);
  if (!run) throw AppError.notFound('Run');
  const group = await findGroupOf(deps, env.id, run.groupId);
  if (!canReadRun(member, run, group)) throw AppError.notFound('Run');
  if (needed === 'control' && !canControlRun(member, run, group ?? NO_GROUP)) {
    throw AppError.forbidden("Cancelling or reprioritising a run needs to be its submitter, the group's owner or a CoOwner, or a SystemAdministrator.");
  }
  return { env, member, run, group };
}
