import { SecretNotFoundError, type SecretReference, type SecretStore } from '../../../app/ports/secret-store.js';

/**
 * A SecretStore in memory: each `set` of a name adds a version ("1", "2", ...); `get` of a missing name or version
 * throws SecretNotFoundError as Key Vault does. `failSet` makes the next sets fail (a vault that is down).
 */
export class MemorySecretStore implements SecretStore {
  private readonly versions = new Map<string, string[]>();
  failSet = false;

  async set(name: string, value: string): Promise<SecretReference> {
    if (this.failSet) throw new Error('the vault is down');
    const versions = this.versions.get(name) ?? [];
    versions.push(value);
    this.versions.set(name, versions);
    return { name, version: String(versions.length) };
  }

  async get(ref: SecretReference): Promise<string> {
    const versions = this.versions.get(ref.name);
    const value = ref.version === undefined ? versions?.at(-1) : versions?.[Number(ref.version) - 1];
    if (value === undefined) throw new SecretNotFoundError(ref);
    return value;
  }

  async delete(ref: SecretReference): Promise<void> {
    this.versions.delete(ref.name);
  }

  /** The latest value under `name`, or undefined: what a test asserts was stored. */
  latest(name: string): string | undefined {
    return this.versions.get(name)?.at(-1);
  }

  /** Names that hold a secret. */
  names(): string[] {
    return [...this.versions.keys()];
  }
}
