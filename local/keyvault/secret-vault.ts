import { randomBytes } from 'node:crypto';

import { DataFileUnreadableError, type EncryptedDataFile } from './encrypted-data-file.js';
import { KeyVaultFault } from './key-vault-fault.js';
import { emptyVaultState, type SecretDeletion, type SecretEntry, type SecretVersion, type VaultState, vaultStateSchema } from './vault-state.js';

/** Soft-delete retention of a vault created with default settings. */
export const RECOVERABLE_DAYS = 90;

export type SecretVersionInput = Pick<SecretVersion, 'value' | 'contentType' | 'notBefore' | 'expires' | 'tags'> & {
  enabled?: boolean;
};

/** What `PATCH` may change on a version; undefined leaves a field as it is. */
export type SecretUpdate = Partial<Pick<SecretVersion, 'contentType' | 'tags' | 'enabled' | 'notBefore' | 'expires'>>;

export interface FoundVersion {
  name: string;
  version: SecretVersion;
}

export interface DeletedSecret extends FoundVersion {
  deletion: SecretDeletion;
}

/**
 * The secrets of the local Key Vault peer with Key Vault's semantics (versions, attribute updates, soft delete,
 * recover, purge).
 * Every change is written to the encrypted data file before it becomes visible, one change at a time.
 */
export class SecretVault {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private state: VaultState,
    private readonly file: EncryptedDataFile,
  ) {}

  static async open(file: EncryptedDataFile): Promise<SecretVault> {
    const document = await file.read();
    if (document === undefined) {
      return new SecretVault(emptyVaultState(), file);
    }
    const parsed = vaultStateSchema.safeParse(document);
    if (!parsed.success) {
      throw new DataFileUnreadableError(`the local Key Vault data file ${file.path} does not hold a vault state`);
    }
    return new SecretVault(parsed.data, file);
  }

  get(name: string, version?: string): FoundVersion {
    return findVersion(this.state, name, version);
  }

  getDeleted(name: string): DeletedSecret {
    return findDeleted(this.state, name);
  }

  /** The latest version of every deleted, not yet purged secret, with its deletion. */
  listDeleted(): DeletedSecret[] {
    return Object.values(this.state.secrets).flatMap((entry) => {
      const latest = entry.versions.at(-1);
      return entry.deleted !== undefined && latest !== undefined ? [{ name: entry.name, version: latest, deletion: entry.deleted }] : [];
    });
  }

  /** The latest version of every secret that is not deleted. */
  list(): FoundVersion[] {
    return Object.values(this.state.secrets).flatMap((entry) => {
      const latest = entry.versions.at(-1);
      return entry.deleted === undefined && latest !== undefined ? [{ name: entry.name, version: latest }] : [];
    });
  }

  /** Every version of a secret that is not deleted, oldest first. */
  versions(name: string): FoundVersion[] {
    const entry = activeEntryIn(this.state, name);
    if (entry === undefined) {
      throw KeyVaultFault.secretNotFound(name);
    }
    return entry.versions.map((version) => ({ name: entry.name, version }));
  }

  set(name: string, input: SecretVersionInput): Promise<FoundVersion> {
    return this.change((state) => {
      const key = name.toLowerCase();
      const existing = state.secrets[key];
      if (existing?.deleted !== undefined) {
        throw KeyVaultFault.nameTakenByDeletedSecret(existing.name);
      }
      const now = unixSeconds();
      const version: SecretVersion = {
        ...input,
        enabled: input.enabled ?? true,
        version: randomBytes(16).toString('hex'),
        created: now,
        updated: now,
      };
      const entry: SecretEntry = existing ?? { name, versions: [] };
      entry.versions.push(version);
      state.secrets[key] = entry;
      return { name: entry.name, version };
    });
  }

  delete(name: string): Promise<DeletedSecret> {
    return this.change((state) => {
      const entry = state.secrets[name.toLowerCase()];
      const latest = entry?.versions.at(-1);
      if (entry === undefined || entry.deleted !== undefined || latest === undefined) {
        throw KeyVaultFault.secretNotFound(name);
      }
      const now = unixSeconds();
      entry.deleted = { deletedDate: now, scheduledPurgeDate: now + RECOVERABLE_DAYS * 24 * 3600 };
      return { name: entry.name, version: latest, deletion: entry.deleted };
    });
  }

  /** Changes the attributes, content type or tags of one version (the latest when none is given); never its value. */
  update(name: string, version: string | undefined, update: SecretUpdate): Promise<FoundVersion> {
    return this.change((state) => {
      const found = findVersion(state, name, version);
      const changed = found.version;
      changed.contentType = update.contentType ?? changed.contentType;
      changed.tags = update.tags ?? changed.tags;
      changed.enabled = update.enabled ?? changed.enabled;
      changed.notBefore = update.notBefore ?? changed.notBefore;
      changed.expires = update.expires ?? changed.expires;
      changed.updated = unixSeconds();
      return found;
    });
  }

  /** Undoes a soft delete: every version is back under /secrets. */
  recover(name: string): Promise<FoundVersion> {
    return this.change((state) => {
      const { name: storedName, version } = findDeleted(state, name);
      delete state.secrets[name.toLowerCase()]!.deleted;
      return { name: storedName, version };
    });
  }

  purge(name: string): Promise<void> {
    return this.change((state) => {
      const key = name.toLowerCase();
      if (state.secrets[key]?.deleted === undefined) {
        throw KeyVaultFault.deletedSecretNotFound(name);
      }
      delete state.secrets[key];
    });
  }

  /** Resolves once every change begun so far is on disk (or has failed). */
  async settled(): Promise<void> {
    await this.tail;
  }

  /** Applies a change to a copy, persists the copy, then makes it current: a failed write changes nothing. */
  private change<T>(apply: (draft: VaultState) => T): Promise<T> {
    const run = this.tail.then(async () => {
      const draft = structuredClone(this.state);
      const result = apply(draft);
      await this.file.write(draft);
      this.state = draft;
      return result;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function activeEntryIn(state: VaultState, name: string): SecretEntry | undefined {
  const entry = state.secrets[name.toLowerCase()];
  return entry?.deleted === undefined ? entry : undefined;
}

/** A version of a secret that is not deleted: the latest when none is given. */
function findVersion(state: VaultState, name: string, version: string | undefined): FoundVersion {
  const entry = activeEntryIn(state, name);
  const found = version === undefined ? entry?.versions.at(-1) : entry?.versions.find((v) => v.version === version.toLowerCase());
  if (entry === undefined || found === undefined) {
    throw KeyVaultFault.secretNotFound(name, version);
  }
  return { name: entry.name, version: found };
}

function findDeleted(state: VaultState, name: string): DeletedSecret {
  const entry = state.secrets[name.toLowerCase()];
  const latest = entry?.versions.at(-1);
  if (entry?.deleted === undefined || latest === undefined) {
    throw KeyVaultFault.deletedSecretNotFound(name);
  }
  return { name: entry.name, version: latest, deletion: entry.deleted };
}

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
