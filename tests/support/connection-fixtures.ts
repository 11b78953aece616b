import { CosmosClient, type Container } from '@azure/cosmos';
import { SecretClient } from '@azure/keyvault-secrets';
import { LocalTokenCredential } from '../../local/keyvault/local-credential.js';
import { localSecretClientOptions } from '../../local/keyvault/local-secret-client-options.js';
import { secretNameFor } from '../../app/ports/secret-store.js';
import { localCloud, type ApiClient, type ApiResult } from './api-client.js';

/** Object mothers for groups, connections and desktop flows; override what a test is about. */
export const GROUP_ACCOUNT = { username: 'rpa-runner', password: 'Gr0up-Acc0unt!pass' };

export const aGroup = (imageId: string, overrides: Record<string, unknown> = {}) => ({
  name: `Invoices ${Math.random().toString(36).slice(2, 8)}`,
  maxBots: 1,
  committedBots: 0,
  imageId,
  account: GROUP_ACCOUNT,
  ...overrides,
});

/** A connection with the group's account, as `aGroup` makes it (a connection's password must be the account's). */
export const aConnection = (groupId: string, overrides: Record<string, unknown> = {}) => ({
  name: 'Invoice runner',
  groupId,
  username: GROUP_ACCOUNT.username,
  password: GROUP_ACCOUNT.password,
  ...overrides,
});

export const aDesktopFlow = (overrides: Record<string, unknown> = {}) => ({
  name: 'Post invoices',
  description: 'Reads the inbox and posts invoices.',
  definition: { steps: [{ wait: { ms: 10 } }, { output: { name: 'invoice', value: '42' } }] },
  ...overrides,
});

function expectStatus<T>(res: ApiResult<T>, status: number, what: string): ApiResult<T> {
  if (res.status !== status) throw new Error(`${what} failed: ${res.status} ${res.text}`);
  return res;
}

/** The environment's built-in image, as its SystemAdministrator sees it. */
export async function builtInImageId(admin: ApiClient, envId: string): Promise<string> {
  const res = expectStatus(await admin.get<{ items: Array<{ id: string; builtIn: boolean }> }>(`environments/${envId}/images`), 200, 'image list');
  const image = res.body.items.find((i) => i.builtIn);
  if (!image) throw new Error('the environment has no built-in image');
  return image.id;
}

export async function shareImage(
  admin: ApiClient,
  envId: string,
  imageId: string,
  shares: Array<{ userId: string; permission: 'User' | 'CoOwner' }>,
): Promise<void> {
  expectStatus(await admin.put(`environments/${envId}/images/${imageId}/access`, shares), 200, 'image share');
}

export interface CreatedGroup {
  id: string;
  etag: string;
}

export async function createGroup(owner: ApiClient, envId: string, imageId: string, overrides: Record<string, unknown> = {}): Promise<CreatedGroup> {
  const res = expectStatus(await owner.post<CreatedGroup>(`environments/${envId}/groups`, aGroup(imageId, overrides)), 201, 'group create');
  return { id: res.body.id, etag: res.body.etag };
}

export async function shareGroup(
  manager: ApiClient,
  envId: string,
  groupId: string,
  shares: Array<{ userId: string; permission: 'User' | 'CoOwner' }>,
): Promise<void> {
  expectStatus(await manager.put(`environments/${envId}/groups/${groupId}/access`, shares), 200, 'group share');
}

/** Records the raw text of every response a client receives, so a test can assert what never left the API. */
export function recordResponses(client: ApiClient, sink: string[]): ApiClient {
  const request = client.request.bind(client);
  client.request = async <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResult<T>> => {
    const res = await request<T>(method, path, body, headers);
    sink.push(res.text, JSON.stringify([...res.headers.entries()]));
    return res;
  };
  return client;
}

let control: Container | undefined;

/**
 * The control container itself, bypassing the API: to check what is stored (secret hygiene) and to stand in for
 * what only timers do (the inactivity cleanup marking a group deleted).
 */
export function controlContainer(): Container {
  const { settings } = localCloud();
  const endpoint = settings.COSMOS_ENDPOINT;
  if (!endpoint) throw new Error('the local cloud has no COSMOS_ENDPOINT');
  control ??= new CosmosClient({ endpoint, key: settings.COSMOS_KEY, connectionPolicy: { enableEndpointDiscovery: false } })
    .database('hostedrpa')
    .container('control');
  return control;
}

export async function rawDocuments(envId: string): Promise<Array<Record<string, unknown>>> {
  const { resources } = await controlContainer()
    .items.query<Record<string, unknown>>(
      { query: 'SELECT * FROM c WHERE c.environmentId = @env', parameters: [{ name: '@env', value: envId }] },
      { partitionKey: envId },
    )
    .fetchAll();
  return resources;
}

/** What the inactivity timer does to a group: `status: deleted`, still readable. */
export async function markGroupDeleted(envId: string, groupId: string): Promise<void> {
  const item = controlContainer().item(groupId, envId);
  const { resource } = await item.read<Record<string, unknown>>();
  if (!resource) throw new Error(`group ${groupId} not found in Cosmos`);
  await item.replace({ ...resource, status: 'deleted', deletedAt: new Date().toISOString(), deletedReason: 'Inactive' });
}

/** A group document gone, as after a user's DELETE has drained it. */
export async function removeGroupDocument(envId: string, groupId: string): Promise<void> {
  await controlContainer().item(groupId, envId).delete();
}

let secretClient: SecretClient | undefined;

/** The local cloud's Key Vault, as the app's identity reaches it. */
export function vault(): SecretClient {
  const { settings, caCert } = localCloud();
  const url = settings.KEYVAULT_URL;
  if (!url) throw new Error('the local cloud has no KEYVAULT_URL');
  secretClient ??= new SecretClient(url, new LocalTokenCredential(), localSecretClientOptions(caCert));
  return secretClient;
}

/** A secret's latest value in the local Key Vault, or undefined when there is none. */
export async function storedSecret(name: string): Promise<string | undefined> {
  try {
    return (await vault().getSecret(name)).value;
  } catch (err) {
    if ((err as { statusCode?: unknown }).statusCode === 404) return undefined;
    throw err;
  }
}

/** The connection's password as the secret store holds it, or undefined when there is none. */
export async function storedConnectionSecret(connectionId: string): Promise<string | undefined> {
  return storedSecret(secretNameFor('connection', connectionId));
}

/** The credential's password as the secret store holds it (credentials with a password of their own), or undefined. */
export async function storedCredentialSecret(credentialId: string): Promise<string | undefined> {
  return storedSecret(secretNameFor('credential', credentialId));
}
