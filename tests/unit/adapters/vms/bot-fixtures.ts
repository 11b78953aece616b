import { type SecretReference, type SecretStore, SecretNotFoundError, SecretStoreError } from '../../../../app/ports/secret-store.js';
import type { BotSpec } from '../../../../app/ports/bot-provisioner.js';

export const ADMIN_PASSWORD = 'Correct-Horse-9-Battery!';
export const BOT_CREDENTIAL = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib3QifQ.bot-credential-signature_Zx9';
export const PASSWORD_REF: SecretReference = { name: 'group-account-g-1-0123456789abcdef', version: 'v1' };

/** A secret store in memory, with the password of the group account set; `failing` makes every read fail. */
export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>([[PASSWORD_REF.name, ADMIN_PASSWORD]]);
  readonly reads: SecretReference[] = [];
  failing = false;

  async set(name: string, value: string): Promise<SecretReference> {
    this.values.set(name, value);
    return { name, version: 'v1' };
  }

  async get(ref: SecretReference): Promise<string> {
    this.reads.push(ref);
    if (this.failing) throw new SecretStoreError('SECRET_STORE_FAILURE', `Key Vault get of secret '${ref.name}' failed (HTTP 503)`);
    const value = this.values.get(ref.name);
    if (value === undefined) throw new SecretNotFoundError(ref);
    return value;
  }

  async delete(ref: SecretReference): Promise<void> {
    this.values.delete(ref.name);
  }
}

export const GALLERY_IMAGE_VERSION_ID =
  '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/rpaGallery/images/win11-pad/versions/1.2.3';

/** A bot of group g-1 in environment env-1 (North Europe), from a gallery image, unless told otherwise. */
export function aBotSpec(overrides: Partial<BotSpec> = {}): BotSpec {
  return {
    environmentId: 'env-1',
    groupId: 'g-1',
    botId: '3f2b9c1e-8d4a-4f6b-9a7c-1e2d3c4b5a69',
    region: 'northeurope',
    image: { builtIn: false, galleryImageVersionId: GALLERY_IMAGE_VERSION_ID, version: '1.2.3' },
    account: { username: 'rpaadmin', password: PASSWORD_REF },
    agent: { controlPlaneUrl: 'https://func-hostedrpa.azurewebsites.net/api', credential: BOT_CREDENTIAL },
    ...overrides,
  };
}

export function aBuiltInImageBot(overrides: Partial<BotSpec> = {}): BotSpec {
  return aBotSpec({ botId: 'b7e0c4d2-5a1f-4e3b-8c9d-0f1e2d3c4b5a', image: { builtIn: true, version: 'latest' }, ...overrides });
}
