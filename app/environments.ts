import { resumingDispatch, stoppingDispatch, type DispatchChangePorts } from './runs/dispatch-changes.js';
import type { Principal } from '../domain/principal.js';
import { canManageEnvironment, groupAccess, type Membership } from '../domain/access-rules.js';
import {
  committedTotal,
  memberDocumentId,
  parallelBotLimit,
  TRIAL_MAX_GROUPS,
  type EnvironmentDocument,
  type MemberDocument,
  type Plan,
} from '../domain/environment.js';
import type { GroupDocument } from '../domain/group.js';
import { isSupportedGeography, regionOf } from '../domain/geography.js';
import { defaultImageDocument, imageNameKey } from '../domain/image.js';
import { AppError } from '../domain/errors/app-error.js';
import type { DocumentStore, Versioned } from './ports/document-store.js';
import { changeEnvironment, loadEnvironmentContext, type EnvironmentContext } from './environments/environment-context.js';

/** What creating and reading an environment needs. */
export interface EnvironmentPorts {
  /** environments, members and images */
  store: DocumentStore;
  now(): Date;
  newId(): string;
}

/** What changing an environment needs: the switch stops and resumes every group's dispatch. */
export type UpdateEnvironmentPorts = DispatchChangePorts;

export interface CreateEnvironmentInput {
  name: string;
  geography: string;
  plan: Plan;
  capacity: number;
}

/** Checks the rules an environment's settings must keep against what its groups already hold. */
function checkEnvironmentRules(env: EnvironmentDocument): void {
  const groups = Object.keys(env.ledger.groups).length;
  if (env.plan === 'trial' && groups > TRIAL_MAX_GROUPS) {
    throw AppError.rule('TrialLimit', `A trial environment may have at most ${TRIAL_MAX_GROUPS} groups; this one has ${groups}.`);
  }
  const committed = committedTotal(env);
  const limit = parallelBotLimit(env);
  if (committed > limit) {
    throw AppError.rule(
      env.plan === 'trial' && committed <= env.capacity ? 'TrialLimit' : 'CapacityBelowCommitted',
      `Groups hold ${committed} committed bots; the environment allows ${limit} in parallel${env.plan === 'trial' ? ' (trial plans run at most 2)' : ''}.`,
    );
  }
}

export async function createEnvironment(deps: EnvironmentPorts, principal: Principal, input: CreateEnvironmentInput): Promise<Versioned<EnvironmentDocument>> {
  if (!principal.platformAdmin) throw AppError.forbidden('Creating environments needs the Platform.Admin app role.');
  if (!isSupportedGeography(input.geography)) {
    throw AppError.rule('GeographyNotSupported', `Hosted bots are not available in the ${input.geography} geography.`);
  }
  const now = deps.now().toISOString();
  const id = deps.newId();
  // Member and built-in image first: the environment document is written last, so that a crash part-way
  // leaves nothing visible (every route starts by reading the environment document).
  await deps.store.create<MemberDocument>({
    id: memberDocumentId(principal.userId),
    environmentId: id,
    type: 'member',
    userId: principal.userId,
    name: principal.name,
    roles: ['SystemAdministrator'],
    active: true,
    createdAt: now,
    updatedAt: now,
  });
  const image = defaultImageDocument(id, deps.newId(), now);
  await deps.store.create(image);
  const env: EnvironmentDocument = {
    id,
    environmentId: id,
    type: 'environment',
    name: input.name,
    geography: input.geography,
    region: regionOf(input.geography),
    plan: input.plan,
    capacity: input.capacity,
    hostedRpaEnabled: true,
    createdBy: principal.userId,
    ledger: { groups: {}, imageNames: { [image.id]: imageNameKey(image.name) } },
    createdAt: now,
    updatedAt: now,
  };
  return deps.store.create(env);
}

export async function getEnvironment(deps: EnvironmentPorts, principal: Principal, environmentId: string): Promise<EnvironmentContext> {
  return loadEnvironmentContext(deps, environmentId, principal);
}

export interface UpdateEnvironmentInput {
  capacity?: number;
  plan?: Plan;
  hostedRpaEnabled?: boolean;
}

export async function updateEnvironment(
  deps: UpdateEnvironmentPorts,
  principal: Principal,
  environmentId: string,
  input: UpdateEnvironmentInput,
  ifMatch: string | undefined,
): Promise<Versioned<EnvironmentDocument>> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canManageEnvironment(member)) throw AppError.forbidden('Only a SystemAdministrator may change the environment.');
  const write = () =>
    changeEnvironment(
      deps,
      env.id,
      (current) => {
        const next: EnvironmentDocument = {
          ...current,
          capacity: input.capacity ?? current.capacity,
          plan: input.plan ?? current.plan,
          hostedRpaEnabled: input.hostedRpaEnabled ?? current.hostedRpaEnabled,
        };
        checkEnvironmentRules(next);
        return next;
      },
      ifMatch === '*' ? undefined : ifMatch,
    );
  // the switch off: every group's dispatch stops before it is written; on: dispatch resumes once it is
  const groupIds = Object.keys(env.ledger.groups);
  if (input.hostedRpaEnabled === false && env.hostedRpaEnabled) return stoppingDispatch(deps, env.id, groupIds, 'HostedRpaDisabled', write);
  if (input.hostedRpaEnabled === true && !env.hostedRpaEnabled) return resumingDispatch(deps, env.id, groupIds, write);
  return write();
}

export interface CapacityView {
  capacity: number;
  parallelLimit: number;
  committed: number;
  inUse: number;
  available: number;
  groups: Array<{ groupId: string; name: string; committed: number; maxBots: number; activeBots: number }>;
}

/** Capacity: what is guaranteed (committed), running (inUse) and still free for new bots (available). */
export async function getCapacity(
  deps: EnvironmentPorts,
  principal: Principal,
  environmentId: string,
  activeBotsByGroup: (environmentId: string) => Promise<Record<string, number>>,
): Promise<CapacityView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const [active, visible] = await Promise.all([activeBotsByGroup(env.id), visibleGroupIds(deps, env.id, member)]);
  const groups = Object.entries(env.ledger.groups).map(([groupId, g]) => ({
    groupId,
    name: g.name,
    committed: g.committedBots,
    maxBots: g.maxBots,
    activeBots: active[groupId] ?? 0,
  }));
  const committed = groups.reduce((s, g) => s + g.committed, 0);
  const inUse = groups.reduce((s, g) => s + g.activeBots, 0);
  const reserved = groups.reduce((s, g) => s + Math.max(g.committed, g.activeBots), 0);
  const parallelLimit = parallelBotLimit(env);
  // while hostedRpaEnabled is off groups are hidden (as the list and every group route hide them); the figures still
  // count them: their committed bots stay reserved for when the switch is back on
  // and a member sees only the groups it may see (PRODUCT.md turn 2); the totals are the environment's
  const shown = visible === 'all' ? groups : groups.filter((g) => visible.has(g.groupId));
  return {
    capacity: env.capacity,
    parallelLimit,
    committed,
    inUse,
    available: Math.max(0, parallelLimit - reserved),
    groups: env.hostedRpaEnabled ? shown : [],
  };
}

/** The groups a member may see; SystemAdministrators see every ledger entry (groups being created included). */
async function visibleGroupIds(deps: EnvironmentPorts, environmentId: string, member: Membership): Promise<Set<string> | 'all'> {
  if (canManageEnvironment(member)) return 'all';
  const { items } = await deps.store.list<GroupDocument>(environmentId, 'group');
  return new Set(items.filter((g) => groupAccess(member, g) !== 'none').map((g) => g.id));
}
