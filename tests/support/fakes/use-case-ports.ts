import type { Principal } from '../../../domain/principal.js';
import type { AppConfig } from '../../../app/config/app-config.js';
import type { EnvironmentDocument, MemberDocument } from '../../../domain/environment.js';
import { memberDocumentId } from '../../../domain/environment.js';
import { DEFAULT_IMAGE_NAME, defaultImageDocument, imageNameKey } from '../../../domain/image.js';
import type { GroupDocument } from '../../../domain/group.js';
import type { Role } from '../../../domain/roles.js';
import type { Versioned } from '../../../app/ports/document-store.js';
import type { RunCounts } from '../../../app/runs/run-counts.js';
import { fixedClock, type FixedClock } from './fixed-clock.js';
import { idSequence } from './id-sequence.js';
import { MemoryDocumentStore } from './memory-document-store.js';
import { MemoryGroupQueues } from './memory-group-queues.js';
import { MemorySecretStore } from './memory-secret-store.js';
import { testAppConfig } from './test-config.js';

export const ENV = '11111111-1111-4111-8111-111111111111';
export const BUILT_IN_IMAGE = '22222222-2222-4222-8222-222222222222';
export const NOW = '2026-01-01T00:00:00.000Z';

/**
 * The ports the use cases of app declare, all in memory: each use case takes the few it names. No run
 * store, bot store or dispatch gates: the use cases that need those (runs, bots, group edits that stop dispatch)
 * are tested elsewhere.
 */
export interface UseCasePorts {
  store: MemoryDocumentStore;
  secrets: MemorySecretStore;
  queues: MemoryGroupQueues;
  config: AppConfig;
  clock: FixedClock;
  now(): Date;
  newId(): string;
  runCounts: RunCounts;
  /** live bots per group id: tests set it */
  activeBots: Record<string, number>;
  activeBotsByGroup(environmentId: string): Promise<Record<string, number>>;
}

export function useCasePorts(): UseCasePorts {
  const clock = fixedClock(NOW);
  const activeBots: Record<string, number> = {};
  return {
    store: new MemoryDocumentStore(),
    secrets: new MemorySecretStore(),
    queues: new MemoryGroupQueues(),
    config: testAppConfig(),
    clock,
    now: clock.now,
    newId: idSequence(),
    runCounts: { countsFor: async () => ({}), unfinishedTotal: async () => 0, unfinishedRuns: async () => ({ byGroup: {} }) },
    activeBots,
    activeBotsByGroup: async () => activeBots,
  };
}

export const userPrincipal = (userId: string, name = userId): Principal => ({ userId, name, platformAdmin: false, isApp: false });

/** An environment with its built-in image (in the ledger too) and no members yet. */
export async function seedEnvironment(store: MemoryDocumentStore, overrides: Partial<EnvironmentDocument> = {}): Promise<EnvironmentDocument> {
  const env: EnvironmentDocument = {
    id: ENV,
    environmentId: ENV,
    type: 'environment',
    name: 'Env',
    geography: 'Europe',
    region: 'northeurope',
    plan: 'paid',
    capacity: 10,
    hostedRpaEnabled: true,
    createdBy: 'admin',
    ledger: { groups: {}, imageNames: { [BUILT_IN_IMAGE]: imageNameKey(DEFAULT_IMAGE_NAME) } },
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
  await store.create(env);
  await store.create(defaultImageDocument(ENV, BUILT_IN_IMAGE, NOW));
  return env;
}

export async function seedMember(store: MemoryDocumentStore, userId: string, roles: Role[], overrides: Partial<MemberDocument> = {}): Promise<void> {
  await store.create<MemberDocument>({
    id: memberDocumentId(userId),
    environmentId: ENV,
    type: 'member',
    userId,
    roles,
    active: true,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  });
}

/** A group (active, owned by `owner`) whose account password is in the secret store: what connections are checked against. */
export async function seedGroup(ports: UseCasePorts, id: string, password: string, overrides: Partial<GroupDocument> = {}): Promise<Versioned<GroupDocument>> {
  const ref = await ports.secrets.set(`group-account-${id}`, password);
  return ports.store.create<GroupDocument>({
    id,
    environmentId: ENV,
    type: 'group',
    name: `group ${id}`,
    description: '',
    maxBots: 2,
    committedBots: 0,
    imageId: BUILT_IN_IMAGE,
    account: { username: 'rpa-runner', password: ref },
    ownerId: 'owner',
    shares: [],
    maintenance: false,
    status: 'active',
    provisioningErrors: [],
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  });
}
