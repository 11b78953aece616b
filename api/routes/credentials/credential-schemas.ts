import { z } from 'zod';
import { KEY_VAULT_SECRET_URI } from '../../../domain/credential.js';
import { nameSchema, resourceFields } from '../../common-schemas.js';
import { OWNER_NAME_DESCRIPTION } from '../../owner-names.js';

/** a Windows local account name, as connections carry it (Azure allows 1..20 characters) */
const usernameSchema = z.string().min(1).max(20);
/** kept in the secret store only; never returned */
const passwordSchema = z.string().min(1).max(123);
const keyVaultSecretUriSchema = z
  .string()
  .max(2048)
  .regex(KEY_VAULT_SECRET_URI, "Must be a Key Vault secret identifier in the app's vault: https://{vault}/secrets/{name}[/{version}].")
  .describe("an existing secret in the app's Key Vault that its identity may read; without a version the latest is used");

/** Exactly one place the password comes from (`required`: one must be given, as at create). */
function onePasswordSource(required: boolean) {
  return (body: { password?: string | undefined; keyVaultSecretUri?: string | undefined }, ctx: z.RefinementCtx): void => {
    if (body.password !== undefined && body.keyVaultSecretUri !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['keyVaultSecretUri'], message: 'Give either password or keyVaultSecretUri, not both.' });
    }
    if (required && body.password === undefined && body.keyVaultSecretUri === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'Required (or give keyVaultSecretUri instead).' });
    }
  };
}

export const createCredentialSchema = z
  .strictObject({ name: nameSchema, username: usernameSchema, password: passwordSchema.optional(), keyVaultSecretUri: keyVaultSecretUriSchema.optional() })
  .superRefine(onePasswordSource(true))
  .meta({ id: 'CredentialCreate' });

export const updateCredentialSchema = z
  .strictObject({ name: nameSchema.optional(), password: passwordSchema.optional(), keyVaultSecretUri: keyVaultSecretUriSchema.optional() })
  .superRefine(onePasswordSource(false))
  .meta({ id: 'CredentialUpdate' });

export const credentialSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    username: z.string(),
    source: z.enum(['secretStore', 'keyVault']).describe('`secretStore`: the password given, kept by the app; `keyVault`: the secret keyVaultSecretUri names'),
    keyVaultSecretUri: z.string().optional(),
    ownerId: z.string(),
    ownerName: z.string().optional().describe(OWNER_NAME_DESCRIPTION),
    passwordChangedAt: z.string(),
    usedByConnections: z.number().int(),
  })
  .meta({ id: 'Credential' });
