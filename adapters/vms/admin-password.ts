import { describeSecretReference, type SecretStore, SecretStoreError } from '../../app/ports/secret-store.js';
import { type BotSpec, PROVISIONING_REASONS, ProvisioningError } from '../../app/ports/bot-provisioner.js';

/**
 * The group's local admin password, read from the secret store at the moment a VM is created and held no
 * longer than that call. A missing secret will stay missing; a failing store may recover.
 */
export async function readAdminPassword(secrets: SecretStore, spec: BotSpec): Promise<string> {
  try {
    return await secrets.get(spec.account.password);
  } catch (error) {
    const code = error instanceof SecretStoreError ? error.code : 'UNKNOWN';
    throw new ProvisioningError(
      PROVISIONING_REASONS.secretUnavailable,
      code === 'SECRET_STORE_FAILURE',
      `bot ${spec.botId}: the local admin password ${describeSecretReference(spec.account.password)} could not be read (${code})`,
      { operation: 'read admin password', resource: spec.account.password.name },
    );
  }
}
