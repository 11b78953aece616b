import { MemoryDispatchGates } from '../../../support/memory-dispatch-gates.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { BotCredentials } from '../../../../shared/bots/bot-credentials.js';
import type { Services } from '../../../../shared/composition/services.js';
import { loadAppConfig } from '../../../../shared/config/app-config.js';
import { memberDocumentId, type EnvironmentDocument, type MemberDocument } from '../../../../shared/domain/environment.js';
import { defaultImageDocument } from '../../../../shared/domain/image.js';
import type { SecretReference, SecretStore } from '../../../../shared/secrets/secret-store.js';
import { createGroup, deleteGroup, updateGroup } from '../../../../shared/services/groups.js';
import {
  DuplicateDocumentError,
  StalePreconditionError,
  type DocumentStore,
  type Page,
  type StoredDocument,
  type Versioned,
} from '../../../../shared/store/document-store.js';

/** A DocumentStore in memory with etags, and a switch that makes the next create of a type fail. */
class MemoryStore implements DocumentStore {
  readonly docs = new Map<string, Versioned<StoredDocument>>();
  failCreateOf: string | undefined;
  private version = 0;

  private key = (env: string, id: string) => `${env}/${id}`;

  private save<T extends StoredDocument>(doc: T): Versioned<T> {
    const saved = { ...structuredClone(doc), etag: `"${++this.version}"` };
    this.docs.set(this.key(doc.environmentId, doc.id), saved);
    return structuredClone(saved);
  }

  async get<T extends StoredDocument>(env: string, id: string): Promise<Versioned<T> | undefined> {
    const doc = this.docs.get(this.key(env, id));
    return doc === undefined ? undefined : (structuredClone(doc) as Versioned<T>);
  }

  async create<T extends StoredDocument>(doc: T): Promise<Versioned<T>> {
    if (this.failCreateOf === doc.type) throw new Error('the store is down');
    if (this.docs.has(this.key(doc.environmentId, doc.id))) throw new DuplicateDocumentError(doc.id);
    return this.save(doc);
  }

  async replace<T extends StoredDocument>(doc: T, etag: string): Promise<Versioned<T>> {
    if (this.docs.get(this.key(doc.environmentId, doc.id))?.etag !== etag) throw new StalePreconditionError(doc.id);
    return this.save(doc);
  }

  async delete(env: string, id: string, etag?: string): Promise<void> {
    const doc = this.docs.get(this.key(env, id));
    if (doc && etag !== undefined && doc.etag !== etag) throw new StalePreconditionError(id);
    this.docs.delete(this.key(env, id));
  }

  async list<T extends StoredDocument>(env: string, type: string, options: { where?: Record<string, string | number | boolean> } = {}): Promise<Page<Versioned<T>>> {
    const items = [...this.docs.values()].filter(
      (d) => d.environmentId === env && d.type === type && Object.entries(options.where ?? {}).every(([k, v]) => (d as unknown as Record<string, unknown>)[k] === v),
    );
    return { items: structuredClone(items) as Versioned<T>[] };
  }
}

class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  failSet = false;

  async set(name: string, value: string): Promise<SecretReference> {
    if (this.failSet) throw new Error('the vault is down');
    this.values.set(name, value);
    return { name, version: '1' };
  }
  async get(ref: SecretReference): Promise<string> {
    return this.values.get(ref.name) ?? '';
  }
  async delete(ref: SecretReference): Promise<void> {
    this.values.delete(ref.name);
  }
}

const ENV = '11111111-1111-4111-8111-111111111111';
const IMAGE = '22222222-2222-4222-8222-222222222222';
const NOW = '2026-01-01T00:00:00.000Z';
const principal = { userId: 'maker', name: 'Maker', platformAdmin: false, isApp: false };
const input = { name: 'Invoices', maxBots: 2, committedBots: 1, imageId: IMAGE, account: { username: 'rpa-runner', password: 'Val1d-Passw0rd!' } };

let store: MemoryStore;
let secrets: MemorySecrets;
let deps: Services;
let ids: number;

async function ledger(): Promise<EnvironmentDocument['ledger']['groups']> {
  return (await store.get<EnvironmentDocument>(ENV, ENV))?.ledger.groups ?? {};
}

beforeEach(async () => {
  store = new MemoryStore();
  secrets = new MemorySecrets();
  ids = 0;
  deps = {
    config: loadAppConfig({ COSMOS_ENDPOINT: 'http://localhost', KEYVAULT_URL: 'https://localhost', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_JWKS_URI: 'https://localhost/keys', SERVICEBUS_CONNECTION_STRING: 'x' }),
    authenticator: { authenticate: async () => principal },
    store,
    botStore: new MemoryStore(),
    botCredentials: new BotCredentials(async () => new Uint8Array(32)),
    secrets,
    environmentIds: async () => [],
    directory: { membershipsOf: async () => ({ items: [] }), environments: async () => ({ items: [] }) },
    audit: { record: async () => undefined, confirm: async () => undefined, discard: async () => undefined, search: async () => ({ items: [] }) },
    activeBotsByGroup: async () => ({}),
    runCounts: { countsFor: async () => ({}), unfinishedTotal: async () => 0 },
    runs: { docs: new MemoryStore(), queries: { nextQueued: async () => [], queuedCount: async () => 0, runningOn: async () => undefined, active: async () => ({ items: [] }), unfinished: async () => ({ items: [] }), ended: async () => ({ items: [] }), search: async () => ({ items: [] }), pendingCallbacks: async () => ({ items: [] }) } },
    dispatchGates: new MemoryDispatchGates(),
    rateLimiter: { take: () => ({ allowed: true }) },
    queues: { queueNameOf: (id) => `group-${id}`, create: async () => undefined, delete: async () => undefined, sendWakeUp: async () => undefined, receiveOne: async () => undefined, depth: async () => 0, close: async () => undefined },
    now: () => new Date(NOW),
    newId: () => `33333333-3333-4333-8333-${String(++ids).padStart(12, '0')}`,
  };
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
    ledger: { groups: {}, imageNames: { [IMAGE]: 'built-in' } },
    createdAt: NOW,
    updatedAt: NOW,
  };
  await store.create(env);
  const member: MemberDocument = { id: memberDocumentId('maker'), environmentId: ENV, type: 'member', userId: 'maker', roles: ['SystemAdministrator'], active: true, createdAt: NOW, updatedAt: NOW };
  await store.create(member);
  await store.create(defaultImageDocument(ENV, IMAGE, NOW));
});

describe('createGroup undoes its earlier steps when a later one fails', () => {
  it('releases the ledger entry and deletes the secret when the group document cannot be written', async () => {
    store.failCreateOf = 'group';
    await expect(createGroup(deps, principal, ENV, input)).rejects.toThrow('the store is down');
    expect(await ledger()).toEqual({});
    expect(secrets.values.size).toBe(0);
  });

  it('releases the ledger entry when the secret cannot be stored', async () => {
    secrets.failSet = true;
    await expect(createGroup(deps, principal, ENV, input)).rejects.toThrow('the vault is down');
    expect(await ledger()).toEqual({});
    expect((await store.list(ENV, 'group')).items).toEqual([]);
  });

  it('keeps the password out of the document: the account holds the reference only', async () => {
    const view = await createGroup(deps, principal, ENV, input);
    const stored = await store.get(ENV, view.group.id);
    expect(JSON.stringify(stored)).not.toContain(input.account.password);
    expect(secrets.values.get(view.group.account.password.name)).toBe(input.account.password);
    expect(await ledger()).toEqual({ [view.group.id]: { name: 'Invoices', committedBots: 1, maxBots: 2, reservedAt: NOW, imageId: IMAGE } });
  });
});

describe('updateGroup and deleteGroup keep the ledger equal to the groups', () => {
  it('moves the ledger entry back when the document write loses a race', async () => {
    const { group } = await createGroup(deps, principal, ENV, input);
    const replace = store.replace.bind(store);
    store.replace = async (doc, etag) => {
      if (doc.type === 'group') throw new StalePreconditionError(doc.id);
      return replace(doc, etag);
    };
    await expect(updateGroup(deps, principal, ENV, group.id, { committedBots: 2 }, undefined)).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect((await ledger())[group.id]).toEqual({ name: 'Invoices', committedBots: 1, maxBots: 2, reservedAt: NOW, imageId: IMAGE });
  });

  it('removes the document, the ledger entry and the secret', async () => {
    const { group } = await createGroup(deps, principal, ENV, input);
    await deleteGroup(deps, principal, ENV, group.id, group.etag);
    expect(await store.get(ENV, group.id)).toBeUndefined();
    expect(await ledger()).toEqual({});
    expect(secrets.values.size).toBe(0);
  });
});
