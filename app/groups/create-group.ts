import type { Principal } from '../../domain/principal.js';
import { canCreateGroup } from '../../domain/access-rules.js';
import type { GroupLedgerEntry } from '../../domain/environment.js';
import { GROUP, type CapacityWindow, type GroupDocument } from '../../domain/group.js';
import { releaseGroup, reserveGroup } from '../../domain/group-rules.js';
import { AppError } from '../../domain/errors/app-error.js';
import type { GroupQueues } from '../ports/group-queues.js';
import { secretNameFor, type SecretReference, type SecretStore } from '../ports/secret-store.js';
import type { Versioned } from '../ports/document-store.js';
import { changeEnvironment, loadEnvironmentContext } from '../environments/environment-context.js';
import { committedExceedsMax, refuseWhenHostedRpaDisabled, requireImageUse, viewOf, type GroupReadPorts, type GroupView } from './load-group.js';
import { bestEffort } from '../errors/best-effort.js';

/** What creating a group needs: its secret, its run queue, and the reads of its view. */
export interface CreateGroupPorts extends GroupReadPorts {
  /** the local account's password */
  secrets: SecretStore;
  queues: GroupQueues;
  newId(): string;
}

export interface CreateGroupInput {
  name: string;
  description?: string | undefined;
  maxBots: number;
  committedBots: number;
  imageId: string;
  account: { username: string; password: string };
  targetWaitMinutes?: number | undefined;
  minUtilization?: number | undefined;
  capacitySchedule?: CapacityWindow[] | undefined;
}

/** The service level and capacity schedule fields given (absent ones stay absent on the document). */
function serviceLevelOf(
  input: Pick<CreateGroupInput, 'targetWaitMinutes' | 'minUtilization' | 'capacitySchedule'>,
): Pick<GroupDocument, 'targetWaitMinutes' | 'minUtilization' | 'capacitySchedule'> {
  return {
    ...(input.targetWaitMinutes === undefined ? {} : { targetWaitMinutes: input.targetWaitMinutes }),
    ...(input.minUtilization === undefined ? {} : { minUtilization: input.minUtilization }),
    ...(input.capacitySchedule === undefined || input.capacitySchedule.length === 0 ? {} : { capacitySchedule: input.capacitySchedule }),
  };
}

/** Undo steps run newest first after a failed create; best effort, the original failure is what the caller sees. */
async function undo(steps: Array<() => Promise<unknown>>): Promise<void> {
  for (const [i, step] of steps.reverse().entries()) await bestEffort(step, `undo step ${i + 1} of ${steps.length} of a failed group create`);
}

/**
 * Creates a group owned by the caller, in three steps, each undone if a later one fails:
 * 1. reserve it in the environment's ledger (group count, name, committed bots: a conditional write, so
 *    of racing creates only those that fit pass);
 * 2. put the local admin password in the secret store (the only place it is kept);
 * 3. create the group's run queue (`group-{id}` on Service Bus, properties from infra/definitions/service-bus.json);
 * 4. write the group document, which holds the secret's reference only.
 */
export async function createGroup(deps: CreateGroupPorts, principal: Principal, environmentId: string, input: CreateGroupInput): Promise<GroupView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canCreateGroup(member)) throw AppError.forbidden('Creating groups needs the EnvironmentMaker, DesktopFlowsMachineOwner or SystemAdministrator role.');
  refuseWhenHostedRpaDisabled(env);
  // a rule between two fields, as at an edit where one of them is the stored value: 422 in both shapes (issue #17)
  if (input.committedBots > input.maxBots) throw committedExceedsMax(input.committedBots, input.maxBots);
  const image = await requireImageUse(deps, env, member, input.imageId);

  const id = deps.newId();
  const entry: GroupLedgerEntry = {
    name: input.name,
    committedBots: input.committedBots,
    maxBots: input.maxBots,
    reservedAt: deps.now().toISOString(),
    imageId: image.id,
  };
  const undoSteps: Array<() => Promise<unknown>> = [];
  await changeEnvironment(deps, env.id, (current) => {
    refuseWhenHostedRpaDisabled(current);
    return reserveGroup(current, id, entry);
  });
  undoSteps.push(() => changeEnvironment(deps, env.id, (current) => releaseGroup(current, id, entry)));
  let group: Versioned<GroupDocument>;
  try {
    const secretName = secretNameFor('group-account', id);
    // undo by name, not by the returned reference: a write whose answer was lost may still have landed
    undoSteps.push(() => deps.secrets.delete({ name: secretName }));
    const password: SecretReference = await deps.secrets.set(secretName, input.account.password, { environmentId: env.id, groupId: id });
    undoSteps.push(() => deps.queues.delete(id));
    await deps.queues.create(id);
    const now = deps.now().toISOString();
    group = await deps.store.create<GroupDocument>({
      id,
      environmentId: env.id,
      type: GROUP,
      name: input.name,
      description: input.description ?? '',
      maxBots: input.maxBots,
      committedBots: input.committedBots,
      imageId: image.id,
      account: { username: input.account.username, password },
      ownerId: principal.userId,
      shares: [],
      maintenance: false,
      status: 'active',
      provisioningErrors: [],
      ...serviceLevelOf(input),
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    await undo(undoSteps);
    throw err;
  }
  return viewOf(deps, env.id, member, group);
}
