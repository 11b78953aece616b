import type { z } from 'zod';

import { KeyVaultFault } from './key-vault-fault.js';
import { pageOf } from './key-vault-paging.js';
import {
  deletedSecretBundle,
  deletedSecretItem,
  SECRET_NAME_PATTERN,
  secretBundle,
  secretItem,
  setSecretRequestSchema,
  toSecretUpdate,
  toSecretVersionInput,
  updateSecretRequestSchema,
} from './key-vault-wire.js';
import type { SecretVault } from './secret-vault.js';

export interface KeyVaultRequest {
  method: string;
  /** Decoded path segments, e.g. ['secrets', 'name', 'version']. */
  segments: string[];
  /** The query string (`maxresults`, `$skiptoken`, `api-version`). */
  query: URLSearchParams;
  readJsonBody(): Promise<unknown>;
}

export interface KeyVaultResponse {
  status: number;
  body?: unknown;
}

interface Call {
  vault: SecretVault;
  vaultUrl: string;
  request: KeyVaultRequest;
  name: string;
  /** undefined: the latest version */
  version: string | undefined;
}

interface Operation {
  /** The operation's name in the Key Vault REST reference, for refusals. */
  name: string;
  /** undefined: an operation of the service the peer refuses with 501. */
  handle?: (call: Call) => Promise<KeyVaultResponse> | KeyVaultResponse;
}

interface Route {
  /** Literal segments, or `{name}` / `{version}`. */
  path: string[];
  methods: Record<string, Operation>;
}

/** Literal segments come before parameters where both could match (`versions`, `backup`, `restore`). */
const ROUTES: Route[] = [
  { path: ['secrets'], methods: { GET: { name: 'Get Secrets', handle: listSecrets } } },
  { path: ['secrets', 'restore'], methods: { POST: { name: 'Restore Secret' } } },
  {
    path: ['secrets', '{name}'],
    methods: {
      PUT: { name: 'Set Secret', handle: setSecret },
      GET: { name: 'Get Secret', handle: getSecret },
      PATCH: { name: 'Update Secret', handle: updateSecret },
      DELETE: { name: 'Delete Secret', handle: deleteSecret },
    },
  },
  { path: ['secrets', '{name}', 'versions'], methods: { GET: { name: 'Get Secret Versions', handle: listVersions } } },
  { path: ['secrets', '{name}', 'backup'], methods: { POST: { name: 'Backup Secret' } } },
  {
    path: ['secrets', '{name}', '{version}'],
    methods: { GET: { name: 'Get Secret', handle: getSecret }, PATCH: { name: 'Update Secret', handle: updateSecret } },
  },
  { path: ['deletedsecrets'], methods: { GET: { name: 'Get Deleted Secrets', handle: listDeleted } } },
  {
    path: ['deletedsecrets', '{name}'],
    methods: { GET: { name: 'Get Deleted Secret', handle: getDeleted }, DELETE: { name: 'Purge Deleted Secret', handle: purgeDeleted } },
  },
  { path: ['deletedsecrets', '{name}', 'recover'], methods: { POST: { name: 'Recover Deleted Secret', handle: recoverDeleted } } },
];

const SECRET_COLLECTIONS = new Set(['secrets', 'deletedsecrets']);

/**
 * The Key Vault secrets REST API as SecretClient uses it. Operations of the service the peer does not implement
 * (backup, restore, and every API but secrets) answer 501 NotImplemented, naming the operation; a method a
 * secrets path does not have answers 405, and an unknown secrets path 404. Throws KeyVaultFault.
 */
export async function routeKeyVaultRequest(vault: SecretVault, vaultUrl: string, request: KeyVaultRequest): Promise<KeyVaultResponse> {
  const { method, segments } = request;
  const path = `/${segments.join('/')}`;
  const matches = ROUTES.filter((route) => matchesPath(route.path, segments));
  const route = matches.find((candidate) => candidate.methods[method] !== undefined);
  if (route === undefined) {
    if (matches.length > 0) {
      throw KeyVaultFault.methodNotAllowed(method, path, [...new Set(matches.flatMap((match) => Object.keys(match.methods)))]);
    }
    if (SECRET_COLLECTIONS.has(segments[0] ?? '')) {
      throw new KeyVaultFault(404, 'NotFound', `There is no Key Vault secrets operation at ${path}.`);
    }
    throw new KeyVaultFault(501, 'NotImplemented', `The local Key Vault peer serves the secrets API only; it does not implement ${method} ${path}.`);
  }
  const operation = route.methods[method]!;
  if (operation.handle === undefined) {
    throw KeyVaultFault.notImplemented(operation.name, method, path);
  }
  const parameter = (key: string) => (route.path.includes(key) ? segments[route.path.indexOf(key)] : undefined);
  const name = parameter('{name}');
  if (name !== undefined && !SECRET_NAME_PATTERN.test(name)) {
    throw KeyVaultFault.badParameter(`The request URI contains an invalid secret name: ${name}`);
  }
  return operation.handle({ vault, vaultUrl, request, name: name ?? '', version: parameter('{version}') });
}

function matchesPath(pattern: string[], segments: string[]): boolean {
  return pattern.length === segments.length && pattern.every((part, i) => part.startsWith('{') || part === segments[i]);
}

function listSecrets({ vault, vaultUrl, request }: Call): KeyVaultResponse {
  const items = vault.list().map((found) => secretItem(vaultUrl, found));
  return { status: 200, body: pageOf(items, request.query, `${vaultUrl}/secrets`) };
}

function listVersions({ vault, vaultUrl, request, name }: Call): KeyVaultResponse {
  const items = vault.versions(name).map((found) => secretItem(vaultUrl, found, found.version.version));
  return { status: 200, body: pageOf(items, request.query, `${vaultUrl}/secrets/${encodeURIComponent(name)}/versions`) };
}

function listDeleted({ vault, vaultUrl, request }: Call): KeyVaultResponse {
  const items = vault.listDeleted().map((deleted) => deletedSecretItem(vaultUrl, deleted));
  return { status: 200, body: pageOf(items, request.query, `${vaultUrl}/deletedsecrets`) };
}

async function setSecret({ vault, vaultUrl, request, name }: Call): Promise<KeyVaultResponse> {
  const body = parseBody(setSecretRequestSchema, await request.readJsonBody(), 'secret');
  return { status: 200, body: secretBundle(vaultUrl, await vault.set(name, toSecretVersionInput(body))) };
}

function getSecret({ vault, vaultUrl, name, version }: Call): KeyVaultResponse {
  const found = vault.get(name, version);
  if (!found.version.enabled) {
    throw KeyVaultFault.disabled(found.name);
  }
  return { status: 200, body: secretBundle(vaultUrl, found) };
}

/** Key Vault answers an update with the version's attributes, not its value. */
async function updateSecret({ vault, vaultUrl, request, name, version }: Call): Promise<KeyVaultResponse> {
  const body = parseBody(updateSecretRequestSchema, await request.readJsonBody(), 'secret update');
  const updated = await vault.update(name, version, toSecretUpdate(body));
  return { status: 200, body: secretItem(vaultUrl, updated, updated.version.version) };
}

async function deleteSecret({ vault, vaultUrl, name }: Call): Promise<KeyVaultResponse> {
  return { status: 200, body: deletedSecretBundle(vaultUrl, await vault.delete(name)) };
}

function getDeleted({ vault, vaultUrl, name }: Call): KeyVaultResponse {
  return { status: 200, body: deletedSecretBundle(vaultUrl, vault.getDeleted(name)) };
}

async function recoverDeleted({ vault, vaultUrl, name }: Call): Promise<KeyVaultResponse> {
  const recovered = await vault.recover(name);
  return { status: 200, body: secretItem(vaultUrl, recovered, recovered.version.version) };
}

async function purgeDeleted({ vault, name }: Call): Promise<KeyVaultResponse> {
  await vault.purge(name);
  return { status: 204 };
}

function parseBody<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    // Issue paths only: the messages of a schema library may quote the offending input.
    const fields = parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(body)').join(', ');
    throw KeyVaultFault.badParameter(`The request body is not a valid ${what}: ${fields}`);
  }
  return parsed.data;
}
