import { randomUUID } from 'node:crypto';
import { CosmosClient, type Container } from '@azure/cosmos';
import { SecretClient } from '@azure/keyvault-secrets';
import { LocalTokenCredential } from '../../local/keyvault/local-credential.js';
import { localSecretClientOptions } from '../../local/keyvault/local-secret-client-options.js';
import { secretNameFor } from '../../app/ports/secret-store.js';
import { RUNS_CONTAINER } from '../../app/config/infra-definitions.js';
import { clientFor, localCloud, type ApiClient, type ApiResult } from './api-client.js';
import { addMember, createEnvironment } from './fixtures.js';

/** Object mothers and helpers for hosted machine groups; override what a test is about. */

export const GROUP_PASSWORD = 'Hosted-Rpa-Gr0up!';
export const GROUP_USERNAME = 'rpa-runner';

export interface GroupBody {
  id: string;
  etag: string;
  name: string;
  description: string;
  status: 'active' | 'deleted';
  maintenance: boolean;
  maxBots: number;
  committedBots: number;
  imageId: string;
  runningCount: number;
  queuedCount: number;
  activeBots: number;
  accessType?: 'Owner' | 'CoOwner' | 'User' | 'Administrator';
  owner: string;
  ownerId: string;
  account?: { username: string };
  provisioningErrorCount?: number;
  createdAt: string;
  updatedAt: string;
}

export type Share = { userId: string; permission: 'User' | 'CoOwner' };

/** A valid group body with a name no other test uses. */
export const aGroupBody = (imageId: string, overrides: Record<string, unknown> = {}) => ({
  name: `Invoices ${randomUUID().slice(0, 8)}`,
  description: 'Posts supplier invoices',
  maxBots: 2,
  committedBots: 0,
  imageId,
  account: { username: GROUP_USERNAME, password: GROUP_PASSWORD },
  ...overrides,
});

export function expectStatus<T>(res: ApiResult<T>, status: number, what: string): ApiResult<T> {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res;
}

export const groupsPath = (envId: string) => `environments/${envId}/groups`;
export const groupPath = (envId: string, groupId: string) => `environments/${envId}/groups/${groupId}`;

/** The environment's built-in image, as its SystemAdministrator lists it. */
export async function builtInImageOf(admin: ApiClient, envId: string): Promise<string> {
  const res = expectStatus(await admin.get<{ items: Array<{ id: string; builtIn: boolean }> }>(`environments/${envId}/images`), 200, 'image list');
  const image = res.body.items.find((i) => i.builtIn);
  if (!image) throw new Error('the environment has no built-in image');
  return image.id;
}

export async function shareImageWith(admin: ApiClient, envId: string, imageId: string, shares: Share[]): Promise<void> {
  expectStatus(await admin.put(`environments/${envId}/images/${imageId}/access`, shares), 200, 'image share');
}

export async function createGroup(client: ApiClient, envId: string, imageId: string, overrides: Record<string, unknown> = {}): Promise<GroupBody> {
  return expectStatus(await client.post<GroupBody>(groupsPath(envId), aGroupBody(imageId, overrides)), 201, 'group create').body;
}

export async function shareGroupWith(manager: ApiClient, envId: string, groupId: string, shares: Share[]): Promise<GroupBody> {
  expectStatus(await manager.put(`${groupPath(envId, groupId)}/access`, shares), 200, 'group share');
  return readGroup(manager, envId, groupId);
}

export async function readGroup(client: ApiClient, envId: string, groupId: string): Promise<GroupBody> {
  return expectStatus(await client.get<GroupBody>(groupPath(envId, groupId)), 200, 'group read').body;
}

export async function listGroups(client: ApiClient, envId: string): Promise<GroupBody[]> {
  return expectStatus(await client.get<{ items: GroupBody[] }>(groupsPath(envId)), 200, 'group list').body.items;
}

/** A member of the environment with the given roles, under a fresh user id. */
export async function memberOf(admin: ApiClient, envId: string, roles: string[]): Promise<ApiClient> {
  const member = await clientFor();
  await addMember(admin, envId, member, roles);
  return member;
}

export interface GroupEnvironment {
  admin: ApiClient;
  envId: string;
  imageId: string;
}

/** A fresh environment (its creator is SystemAdministrator) and the id of its built-in image. */
export async function groupEnvironment(overrides: Record<string, unknown> = {}): Promise<GroupEnvironment> {
  const admin = await clientFor({ platformAdmin: true });
  const env = await createEnvironment(admin, overrides);
  return { admin, envId: env.id, imageId: await builtInImageOf(admin, env.id) };
}

// ---- behind the API: what only timers and later issues do, and what is stored -------------------------

let database: ReturnType<CosmosClient['database']> | undefined;

function container(name: 'control' | 'runs' | 'bots'): Container {
  const { settings } = localCloud();
  const endpoint = settings.COSMOS_ENDPOINT;
  if (!endpoint) throw new Error('the local cloud has no COSMOS_ENDPOINT');
  database ??= new CosmosClient({ endpoint, key: settings.COSMOS_KEY, connectionPolicy: { enableEndpointDiscovery: false } }).database('hostedrpa');
  return database.container(name === 'runs' ? RUNS_CONTAINER : name);
}

/** Every raw document of the environment's partition in a container, Cosmos system fields included. */
export async function rawDocumentsOf(envId: string, name: 'control' | 'runs' | 'bots' = 'control'): Promise<Array<Record<string, unknown>>> {
  const { resources } = await container(name)
    .items.query<Record<string, unknown>>(
      { query: 'SELECT * FROM c WHERE c.environmentId = @env', parameters: [{ name: '@env', value: envId }] },
      { partitionKey: envId },
    )
    .fetchAll();
  return resources;
}

/** Changes a group document behind the API, as the inactivity timer or the provisioner will. */
export async function alterGroupDocument(envId: string, groupId: string, change: (doc: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const item = container('control').item(groupId, envId);
  const { resource } = await item.read<Record<string, unknown>>();
  if (!resource) throw new Error(`group ${groupId} not found in Cosmos`);
  await item.replace(change(resource));
}

/** Changes a document of the runs container behind the API (a run, an Idempotency-Key record), as time or a timer would. */
export async function alterRunsDocument(envId: string, id: string, change: (doc: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const item = container('runs').item(id, [envId, id]);
  const { resource } = await item.read<Record<string, unknown>>();
  if (!resource) throw new Error(`document ${id} not found in the runs container`);
  await item.replace(change(resource));
}

/** Writes run documents as the runs feature will, so that list counts can be checked against real queries. */
export async function insertRuns(envId: string, groupId: string, states: string[]): Promise<void> {
  const runs = container('runs');
  const now = new Date().toISOString();
  for (const state of states) {
    await runs.items.create({ id: randomUUID(), environmentId: envId, type: 'run', groupId, state, createdAt: now, updatedAt: now });
  }
}

let secrets: SecretClient | undefined;

/** The group's local admin password as the secret store holds it; undefined when there is none. */
export async function storedGroupPassword(groupId: string): Promise<string | undefined> {
  const { settings, caCert } = localCloud();
  const url = settings.KEYVAULT_URL;
  if (!url) throw new Error('the local cloud has no KEYVAULT_URL');
  secrets ??= new SecretClient(url, new LocalTokenCredential(), localSecretClientOptions(caCert));
  try {
    return (await secrets.getSecret(secretNameFor('group-account', groupId))).value;
  } catch (err) {
    if ((err as { statusCode?: unknown }).statusCode === 404) return undefined;
    throw err;
  }
}
