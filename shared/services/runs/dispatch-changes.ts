import type { Services } from '../../composition/services.js';
import { mayDispatch } from '../../domain/dispatch-gate.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import type { GroupDocument } from '../../domain/group.js';

/** Opens the gates of those groups that may dispatch now (by a fresh read); the others stay closed. */
export async function reopenWhereAllowed(deps: Services, environmentId: string, groupIds: readonly string[]): Promise<void> {
  const env = await deps.store.get<EnvironmentDocument>(environmentId, environmentId);
  for (const groupId of groupIds) {
    const group = await deps.store.get<GroupDocument>(environmentId, groupId);
    if (env && group && mayDispatch(env, group)) await deps.dispatchGates.open(environmentId, groupId);
  }
}

/**
 * A change that stops dispatch (maintenance on, the switch off, a delete): the groups' gates close first, then the
 * change is written, so no claim assigns a run after it (see claim.ts). `write` gets the time to stamp the change
 * with, taken once the gates are closed. If the write fails, gates of groups that may still dispatch reopen.
 */
export async function stoppingDispatch<T>(deps: Services, environmentId: string, groupIds: readonly string[], reason: string, write: (at: string) => Promise<T>): Promise<T> {
  for (const groupId of groupIds) await deps.dispatchGates.close(environmentId, groupId, reason);
  try {
    return await write(deps.now().toISOString());
  } catch (err) {
    await reopenWhereAllowed(deps, environmentId, groupIds).catch(() => {
      // a gate left closed reopens at a claim after STUCK_GATE_MS (claim.ts)
    });
    throw err;
  }
}

/** A change that lets dispatch resume (maintenance off, the switch on, a reactivation): written first, then gates open. */
export async function resumingDispatch<T>(deps: Services, environmentId: string, groupIds: readonly string[], write: () => Promise<T>): Promise<T> {
  const result = await write();
  await reopenWhereAllowed(deps, environmentId, groupIds);
  return result;
}
