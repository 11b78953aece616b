import type { Principal } from '../../domain/principal.js';
import { canCreateCredential, credentialAccess, type Membership } from '../../domain/access-rules.js';
import type { ConnectionDocument } from '../../domain/connection.js';
import { CREDENTIAL, keyVaultSecretReference, type CredentialDocument, type CredentialSecret } from '../../domain/credential.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import { accountVersionOf, type GroupDocument } from '../../domain/group.js';
import type { Share } from '../../domain/roles.js';
import { AppError } from '../../domain/errors/app-error.js';
import { sameSecret } from '../../domain/same-secret.js';
import type { AppConfig } from '../config/app-config.js';
import { BOT_SIGNING_KEY_SECRET, SECRET_KINDS, SecretNotFoundError, secretNameFor, type SecretReference, type SecretStore } from '../ports/secret-store.js';
import { StalePreconditionError, type DocumentStore, type Versioned } from '../ports/document-store.js';
import { checkIfMatch, loadEnvironmentContext } from '../environments/environment-context.js';
import { readAccessList, replaceAccessList, type AccessEntry } from '../environments/shares.js';
import { bestEffort } from '../errors/best-effort.js';

/** What the credential use cases need. */
export interface CredentialPorts {
  store: DocumentStore;
  /** the passwords the app keeps, and the Key Vault secrets credentials name */
  secrets: SecretStore;
  /** the app's own Key Vault, the only one a credential may name */
  config: Pick<AppConfig, 'KEYVAULT_URL'>;
  now(): Date;
  newId(): string;
}

/** A credential as the API shows it: the document (never its password) and how many connections reference it. */
export interface CredentialView {
  credential: Versioned<CredentialDocument>;
  usedByConnections: number;
}

/** Where the password comes from: given (kept in the secret store) or an existing Key Vault secret. */
export type PasswordSource = { password: string } | { keyVaultSecretUri: string };

/** `password` or `keyVaultSecretUri` (the route's schema lets exactly one through). */
export interface CreateCredentialInput {
  name: string;
  username: string;
  password?: string | undefined;
  keyVaultSecretUri?: string | undefined;
}

function sourceOf(input: { password?: string | undefined; keyVaultSecretUri?: string | undefined }): PasswordSource | undefined {
  if (input.password !== undefined) return { password: input.password };
  return input.keyVaultSecretUri === undefined ? undefined : { keyVaultSecretUri: input.keyVaultSecretUri };
}

export interface UpdateCredentialInput {
  name?: string | undefined;
  password?: string | undefined;
  keyVaultSecretUri?: string | undefined;
}

interface CredentialContext {
  env: Versioned<EnvironmentDocument>;
  member: Membership;
  credential: Versioned<CredentialDocument>;
}

const CONNECTION = 'connection' satisfies ConnectionDocument['type'];
const stale = () => new AppError('PreconditionFailed', 'The credential changed since you read it (If-Match); read it again.');
const MATCH_ATTEMPTS = 5;

/** Windows compares account names without regard to case (it upper-cases both). */
export function sameAccountName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

/** The password of a group's local account equals `password` (read from the secret store, compared in constant time). */
export async function groupPasswordEquals(deps: CredentialPorts, group: GroupDocument, password: string): Promise<boolean> {
  return sameSecret(await deps.secrets.get(group.account.password), password);
}

/** A credential of the environment by id, or undefined (no access check). */
export async function findCredential(
  deps: Pick<CredentialPorts, 'store'>,
  environmentId: string,
  credentialId: string,
): Promise<Versioned<CredentialDocument> | undefined> {
  const credential = await deps.store.get<CredentialDocument>(environmentId, credentialId);
  return credential?.type === CREDENTIAL ? credential : undefined;
}

/**
 * The credential if the caller may see it (404 otherwise, exactly as for a missing one), and, when `needed` is
 * `manage`, may also rotate, rename, delete and share it (403 otherwise).
 */
export async function requireCredential(
  deps: CredentialPorts,
  env: EnvironmentDocument,
  member: Membership,
  credentialId: string,
  needed: 'use' | 'manage',
): Promise<Versioned<CredentialDocument>> {
  const credential = await findCredential(deps, env.id, credentialId);
  if (!credential) throw AppError.notFound('Credential');
  const access = credentialAccess(member, credential);
  if (access === 'none') throw AppError.notFound('Credential');
  if (needed === 'manage' && access !== 'manage') {
    throw AppError.forbidden('Rotating, renaming, deleting or sharing this credential needs its ownership, a CoOwner share, or the SystemAdministrator role.');
  }
  return credential;
}

async function loadCredential(
  deps: CredentialPorts,
  principal: Principal,
  environmentId: string,
  credentialId: string,
  needed: 'use' | 'manage',
): Promise<CredentialContext> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  return { env, member, credential: await requireCredential(deps, env, member, credentialId, needed) };
}

/**
 * The app's own secrets (group accounts, connections, credentials, the bot signing key) live in the same vault: a
 * credential may not name one of them, or a caller could connect with a password it never knew.
 */
function isAppSecret(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === BOT_SIGNING_KEY_SECRET || SECRET_KINDS.some((kind) => lower.startsWith(`${kind}-`));
}

/** The secret a `keyVaultSecretUri` names, checked and read once (the app's identity must be able to read it). */
async function externalSecret(deps: CredentialPorts, uri: string): Promise<{ secret: CredentialSecret; password: string }> {
  const lookup = keyVaultSecretReference(uri, deps.config.KEYVAULT_URL);
  if ('refused' in lookup) {
    throw lookup.refused === 'OtherVault'
      ? AppError.rule(
          'SecretNotReadable',
          "keyVaultSecretUri must name a secret in the app's Key Vault (the vault its identity reads); other vaults are not supported.",
        )
      : AppError.validation([{ field: 'keyVaultSecretUri', message: 'Must be a Key Vault secret identifier: https://{vault}/secrets/{name}[/{version}].' }]);
  }
  if (isAppSecret(lookup.ref.name))
    throw AppError.rule('SecretNotReadable', 'keyVaultSecretUri names a secret the control plane keeps for itself; name a secret of your own.');
  return { secret: { source: 'keyVault', uri, ref: lookup.ref }, password: await readSecret(deps, lookup.ref) };
}

async function readSecret(deps: { secrets: Pick<SecretStore, 'get'> }, ref: SecretReference): Promise<string> {
  try {
    return await deps.secrets.get(ref);
  } catch (err) {
    if (err instanceof SecretNotFoundError)
      throw AppError.rule('SecretNotReadable', "The credential's Key Vault secret does not exist (or the app's identity may not read it).");
    throw err;
  }
}

/** The credential's password, from the secret store or its Key Vault secret. Never logged, never returned. */
export async function credentialPassword(deps: { secrets: Pick<SecretStore, 'get'> }, credential: CredentialDocument): Promise<string> {
  return readSecret(deps, credential.secret.ref);
}

/** Connections that reference the credential. */
async function referencingConnections(deps: CredentialPorts, environmentId: string, credentialId: string): Promise<Versioned<ConnectionDocument>[]> {
  return (await deps.store.list<ConnectionDocument>(environmentId, CONNECTION, { where: { credentialId } })).items;
}

/**
 * For each group, its account version when `password` (for `username`) equals its account password: what a
 * credential's `matches` holds after its password is set. Secrets are read here, at rotation, never on submit.
 */
async function matchingGroups(
  deps: CredentialPorts,
  environmentId: string,
  username: string,
  password: string,
  groupIds: Iterable<string>,
): Promise<Record<string, number>> {
  const matches: Record<string, number> = {};
  for (const groupId of new Set(groupIds)) {
    const group = await deps.store.get<GroupDocument>(environmentId, groupId);
    if (group?.type !== 'group' || !sameAccountName(group.account.username, username)) continue;
    if (await groupPasswordEquals(deps, group, password)) matches[group.id] = accountVersionOf(group);
  }
  return matches;
}

/**
 * Records that the credential's current password equals `group`'s account password at `version` (a connection was
 * just checked against it). Conditional on the etag; a lost race re-reads, and gives up if the password changed
 * meanwhile (then the new password's own check decides).
 */
export async function recordCredentialMatch(deps: CredentialPorts, credential: Versioned<CredentialDocument>, groupId: string, version: number): Promise<void> {
  let current: Versioned<CredentialDocument> | undefined = credential;
  for (let attempt = 1; current && attempt <= MATCH_ATTEMPTS; attempt++) {
    if (current.matches[groupId] === version) return;
    if (current.passwordChangedAt !== credential.passwordChangedAt) return;
    try {
      await deps.store.replace<CredentialDocument>({ ...current, matches: { ...current.matches, [groupId]: version } }, current.etag);
      return;
    } catch (err) {
      if (!(err instanceof StalePreconditionError)) throw err;
      current = await findCredential(deps, credential.environmentId, credential.id);
    }
  }
  if (current) throw new AppError('Conflict', 'The credential is being changed by other requests; retry.');
}

async function usage(deps: CredentialPorts, environmentId: string): Promise<Map<string, number>> {
  const { items } = await deps.store.list<ConnectionDocument>(environmentId, CONNECTION);
  const uses = new Map<string, number>();
  for (const c of items) if (c.credentialId) uses.set(c.credentialId, (uses.get(c.credentialId) ?? 0) + 1);
  return uses;
}

export async function listCredentials(deps: CredentialPorts, principal: Principal, environmentId: string): Promise<CredentialView[]> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const [credentials, uses] = await Promise.all([deps.store.list<CredentialDocument>(env.id, CREDENTIAL, { orderBy: 'createdAt' }), usage(deps, env.id)]);
  return credentials.items
    .filter((c) => credentialAccess(member, c) !== 'none')
    .map((credential) => ({ credential, usedByConnections: uses.get(credential.id) ?? 0 }));
}

export async function getCredential(deps: CredentialPorts, principal: Principal, environmentId: string, credentialId: string): Promise<CredentialView> {
  const { env, credential } = await loadCredential(deps, principal, environmentId, credentialId, 'use');
  return { credential, usedByConnections: (await referencingConnections(deps, env.id, credential.id)).length };
}

/**
 * Creates a credential owned by the caller: the password goes to the secret store (the document keeps the
 * reference), or the named Key Vault secret is read once to check that the app may read it.
 */
export async function createCredential(
  deps: CredentialPorts,
  principal: Principal,
  environmentId: string,
  input: CreateCredentialInput,
): Promise<CredentialView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canCreateCredential(member))
    throw AppError.forbidden('Creating credentials needs the SystemAdministrator, EnvironmentMaker, DesktopFlowsMachineOwner or BasicUser role.');
  const source = sourceOf(input);
  if (!source) throw AppError.validation([{ field: 'password', message: 'Give password or keyVaultSecretUri.' }]);
  const id = deps.newId();
  const secret: CredentialSecret =
    'password' in source
      ? { source: 'secretStore', ref: await deps.secrets.set(secretNameFor('credential', id), source.password, { environmentId: env.id, credentialId: id }) }
      : (await externalSecret(deps, source.keyVaultSecretUri)).secret;
  const now = deps.now().toISOString();
  try {
    const credential = await deps.store.create<CredentialDocument>({
      id,
      environmentId: env.id,
      type: CREDENTIAL,
      name: input.name,
      username: input.username,
      secret,
      ownerId: member.userId,
      shares: [],
      matches: {},
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    return { credential, usedByConnections: 0 };
  } catch (err) {
    if (secret.source === 'secretStore') await bestEffort(deps.secrets.delete(secret.ref), `removing the secret of credential ${id} after a failed create`);
    throw err;
  }
}

/** Sets a new password (or Key Vault secret): a new secret version, then which groups it now matches. */
async function newSecret(
  deps: CredentialPorts,
  credential: CredentialDocument,
  source: PasswordSource,
): Promise<{ secret: CredentialSecret; password: string }> {
  if ('keyVaultSecretUri' in source) return externalSecret(deps, source.keyVaultSecretUri);
  // a new version of the app's secret; a credential that named a Key Vault secret until now gets one under a fresh
  // name (Key Vault keeps a deleted secret's name taken until it is purged, so names are never reused)
  const name = credential.secret.source === 'secretStore' ? credential.secret.ref.name : secretNameFor('credential', `${credential.id}.${deps.newId()}`);
  const ref = await deps.secrets.set(name, source.password, { environmentId: credential.environmentId, credentialId: credential.id });
  return { secret: { source: 'secretStore', ref }, password: source.password };
}

/**
 * Writes a credential with a new password: `matches` is worked out again for the groups of the connections that
 * reference it, so those whose group's account has this password keep working without being touched.
 */
async function saveWithPassword(
  deps: CredentialPorts,
  credential: Versioned<CredentialDocument>,
  changes: Partial<Pick<CredentialDocument, 'name'>>,
  source: PasswordSource,
  alsoMatches: Record<string, number> = {},
): Promise<Versioned<CredentialDocument>> {
  const { secret, password } = await newSecret(deps, credential, source);
  const groups = (await referencingConnections(deps, credential.environmentId, credential.id)).map((c) => c.groupId).filter((id) => !(id in alsoMatches));
  const matches = { ...(await matchingGroups(deps, credential.environmentId, credential.username, password, groups)), ...alsoMatches };
  const now = deps.now().toISOString();
  let saved: Versioned<CredentialDocument>;
  try {
    saved = await deps.store.replace<CredentialDocument>(
      { ...credential, ...changes, secret, matches, passwordChangedAt: now, updatedAt: now },
      credential.etag,
    );
  } catch (err) {
    if (err instanceof StalePreconditionError) throw stale();
    throw err;
  }
  // a credential that moved to a Key Vault secret of its own no longer needs the one the app kept for it
  if (credential.secret.source === 'secretStore' && secret.source === 'keyVault') await deps.secrets.delete(credential.secret.ref);
  return saved;
}

/** Renames or rotates a credential (owner, CoOwner, SystemAdministrator) under If-Match. */
export async function updateCredential(
  deps: CredentialPorts,
  principal: Principal,
  environmentId: string,
  credentialId: string,
  input: UpdateCredentialInput,
  ifMatch: string | undefined,
): Promise<CredentialView> {
  const { env, credential } = await loadCredential(deps, principal, environmentId, credentialId, 'manage');
  checkIfMatch(ifMatch, credential.etag);
  const changes = input.name === undefined ? {} : { name: input.name };
  const source = sourceOf(input);
  let saved: Versioned<CredentialDocument>;
  if (source) {
    saved = await saveWithPassword(deps, credential, changes, source);
  } else {
    try {
      saved = await deps.store.replace<CredentialDocument>({ ...credential, ...changes, updatedAt: deps.now().toISOString() }, credential.etag);
    } catch (err) {
      if (err instanceof StalePreconditionError) throw stale();
      throw err;
    }
  }
  return { credential: saved, usedByConnections: (await referencingConnections(deps, env.id, saved.id)).length };
}

/** Deletes a credential no connection references, then the secret the app kept for it (never a Key Vault secret it was only given). */
export async function deleteCredential(
  deps: CredentialPorts,
  principal: Principal,
  environmentId: string,
  credentialId: string,
  ifMatch: string | undefined,
): Promise<void> {
  const { env, credential } = await loadCredential(deps, principal, environmentId, credentialId, 'manage');
  checkIfMatch(ifMatch, credential.etag);
  const users = (await referencingConnections(deps, env.id, credential.id)).length;
  if (users > 0) {
    throw new AppError(
      'ResourceInUse',
      `The credential is referenced by ${users} connection${users === 1 ? '' : 's'}; delete ${users === 1 ? 'it' : 'them'} or give ${users === 1 ? 'it' : 'them'} a password of their own first.`,
    );
  }
  try {
    await deps.store.delete(env.id, credential.id, credential.etag);
  } catch (err) {
    if (err instanceof StalePreconditionError) throw stale();
    throw err;
  }
  if (credential.secret.source === 'secretStore') await deps.secrets.delete(credential.secret.ref);
}

export async function getCredentialAccess(
  deps: CredentialPorts,
  principal: Principal,
  environmentId: string,
  credentialId: string,
): Promise<{ credential: Versioned<CredentialDocument>; items: AccessEntry[] }> {
  const { credential } = await loadCredential(deps, principal, environmentId, credentialId, 'manage');
  return { credential, items: await readAccessList(deps, credential) };
}

/** Replaces the credential's whole access list; every user must be a member of the environment (deactivated ones included). */
export async function setCredentialAccess(
  deps: CredentialPorts,
  principal: Principal,
  environmentId: string,
  credentialId: string,
  shares: readonly Share[],
  ifMatch: string | undefined,
): Promise<{ credential: Versioned<CredentialDocument>; items: AccessEntry[] }> {
  const { credential } = await loadCredential(deps, principal, environmentId, credentialId, 'manage');
  const { resource, items } = await replaceAccessList(deps, credential, shares, ifMatch, stale);
  return { credential: resource, items };
}

// ---- a group's account rotation that names a credential ---------------------------------------------------

/**
 * The credential a group's account rotation names, checked before anything is written: the caller may rotate it
 * (owner, CoOwner, SystemAdministrator), it is kept by the app (a Key Vault secret it was only given cannot be
 * written), and it is for the group's account.
 */
export async function credentialToRotateWith(
  deps: CredentialPorts,
  env: EnvironmentDocument,
  member: Membership,
  credentialId: string,
  group: GroupDocument,
): Promise<Versioned<CredentialDocument>> {
  const credential = await requireCredential(deps, env, member, credentialId.toLowerCase(), 'manage');
  if (credential.secret.source !== 'secretStore') {
    throw AppError.rule(
      'CredentialNotWritable',
      'The credential names a Key Vault secret the app only reads; update that secret, then PATCH the credential with its keyVaultSecretUri.',
    );
  }
  if (!sameAccountName(credential.username, group.account.username)) {
    throw AppError.rule('UsernameMismatch', "The credential's username is not the group's account username.");
  }
  return credential;
}

/**
 * After the group's account took `password` at its new version: the credential takes it too. The group is written
 * already, so a concurrent change of the credential is not the caller's conflict: read it again and retry.
 */
export async function rotateCredentialWithGroup(
  deps: CredentialPorts,
  credential: Versioned<CredentialDocument>,
  group: GroupDocument,
  password: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await findCredential(deps, credential.environmentId, credential.id);
    // deleted meanwhile: only a credential no connection referenced can be, so nothing is left to keep working
    if (!current) return;
    try {
      await saveWithPassword(deps, current, {}, { password }, { [group.id]: accountVersionOf(group) });
      return;
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'PreconditionFailed') || attempt >= MATCH_ATTEMPTS) throw err;
    }
  }
}
