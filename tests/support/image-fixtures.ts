import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';
import { cosmosDefinitions } from '../../app/config/infra-definitions.js';
import { clientFor, localCloud, type ApiClient } from './api-client.js';
import { addMember, createEnvironment, type CreatedEnvironment } from './fixtures.js';

/** The region of environments made by `createUsEnvironment`. */
export const US_REGION = 'eastus';

export interface ImageBody {
  id: string;
  etag: string;
  name: string;
  description: string;
  builtIn: boolean;
  galleryImageVersionId?: string;
  replicatedRegions: string[];
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  usedByGroups?: number;
}

export interface AccessEntry {
  userId: string;
  permission: 'User' | 'CoOwner';
  deactivated: boolean;
}

export const aGalleryImageVersionId = (version = '1.0.0') =>
  `/subscriptions/6f9619ff-8b86-d011-b42d-00c04fc964ff/resourceGroups/rpa-images/providers/Microsoft.Compute/galleries/rpa_gallery/images/win11-invoices/versions/${version}`;

/** A custom image body replicated to East US (and North Europe), with a name no other test uses. */
export const aCustomImage = (overrides: Record<string, unknown> = {}) => ({
  name: `Invoices ${randomUUID().slice(0, 8)}`,
  description: 'Windows 11 with the invoice tools',
  galleryImageVersionId: aGalleryImageVersionId(),
  replicatedRegions: [US_REGION, 'northeurope'],
  ...overrides,
});

/** An environment in the US geography, so its bots and images live in East US. */
export function createUsEnvironment(admin: ApiClient): Promise<CreatedEnvironment> {
  return createEnvironment(admin, { geography: 'US' });
}

/** A fresh user added to the environment with the given roles. */
export async function memberWithRoles(admin: ApiClient, envId: string, roles: string[]): Promise<ApiClient> {
  const member = await clientFor();
  await addMember(admin, envId, member, roles);
  return member;
}

export async function createImage(client: ApiClient, envId: string, overrides: Record<string, unknown> = {}): Promise<ImageBody> {
  const res = await client.post<ImageBody>(`environments/${envId}/images`, aCustomImage(overrides));
  if (res.status !== 201) throw new Error(`image create failed: ${res.status} ${res.text}`);
  return res.body;
}

export async function listImages(client: ApiClient, envId: string): Promise<ImageBody[]> {
  const res = await client.get<{ items: ImageBody[] }>(`environments/${envId}/images`);
  if (res.status !== 200) throw new Error(`image list failed: ${res.status} ${res.text}`);
  return res.body.items;
}

/** The environment's built-in image, as one who may see it (a SystemAdministrator) lists it. */
export async function defaultImageOf(admin: ApiClient, envId: string): Promise<ImageBody> {
  const image = (await listImages(admin, envId)).find((i) => i.builtIn);
  if (!image) throw new Error('the environment has no built-in image');
  return image;
}

export async function shareImage(
  client: ApiClient,
  envId: string,
  imageId: string,
  shares: Array<{ userId: string; permission: 'User' | 'CoOwner' }>,
): Promise<void> {
  const res = await client.put(`environments/${envId}/images/${imageId}/access`, shares);
  if (res.status !== 200) throw new Error(`image share failed: ${res.status} ${res.text}`);
}

/**
 * A group document that uses `imageId`, written straight into Cosmos (the groups routes are not there yet):
 * the shape of `GroupDocument`, with a secret reference that points nowhere.
 */
export async function insertGroupUsingImage(envId: string, imageId: string): Promise<{ id: string; remove(): Promise<void> }> {
  const { settings } = localCloud();
  const endpoint = settings.COSMOS_ENDPOINT;
  if (!endpoint) throw new Error('the local cloud has no COSMOS_ENDPOINT');
  const client = new CosmosClient({ endpoint, key: settings.COSMOS_KEY ?? '', connectionPolicy: { enableEndpointDiscovery: false } });
  const container = client.database(cosmosDefinitions.databaseName).container('control');
  const id = randomUUID();
  const now = new Date().toISOString();
  await container.items.create({
    id,
    environmentId: envId,
    type: 'group',
    name: `Group ${id.slice(0, 8)}`,
    description: '',
    maxBots: 1,
    committedBots: 0,
    imageId,
    account: { username: 'rpaadmin', password: { name: `group-account-${id}` } },
    ownerId: 'test-fixture',
    shares: [],
    maintenance: false,
    status: 'active',
    provisioningErrors: [],
    createdAt: now,
    updatedAt: now,
  });
  return {
    id,
    async remove() {
      await container.item(id, envId).delete();
      client.dispose();
    },
  };
}
