import { z } from 'zod';

import { RECOVERABLE_DAYS, type DeletedSecret, type FoundVersion, type SecretUpdate, type SecretVersionInput } from './secret-vault.js';

/** Key Vault's secret names; versions are 32 hex digits. */
export const SECRET_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
/** Key Vault refuses larger values. */
export const MAX_SECRET_VALUE_LENGTH = 25 * 1024;

const RECOVERY_LEVEL = 'Recoverable+Purgeable';

/** The body of `PUT /secrets/{name}` as the SDK serialises it (dates in Unix seconds). */
export const setSecretRequestSchema = z.object({
  value: z.string().max(MAX_SECRET_VALUE_LENGTH),
  contentType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  attributes: z.object({ enabled: z.boolean().optional(), nbf: z.number().optional(), exp: z.number().optional() }).optional(),
});

export function toSecretVersionInput(body: z.infer<typeof setSecretRequestSchema>): SecretVersionInput {
  return {
    value: body.value,
    contentType: body.contentType,
    tags: body.tags,
    enabled: body.attributes?.enabled,
    notBefore: body.attributes?.nbf,
    expires: body.attributes?.exp,
  };
}

/** The body of `PATCH /secrets/{name}/{version}`: what is given changes, the rest stays; the value never changes. */
export const updateSecretRequestSchema = z.object({
  contentType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  attributes: z.object({ enabled: z.boolean().optional(), nbf: z.number().optional(), exp: z.number().optional() }).optional(),
});

export function toSecretUpdate(body: z.infer<typeof updateSecretRequestSchema>): SecretUpdate {
  return {
    contentType: body.contentType,
    tags: body.tags,
    enabled: body.attributes?.enabled,
    notBefore: body.attributes?.nbf,
    expires: body.attributes?.exp,
  };
}

export function secretBundle(vaultUrl: string, { name, version }: FoundVersion): Record<string, unknown> {
  return { ...secretItem(vaultUrl, { name, version }, version.version), value: version.value };
}

/** Deleted-secret answers carry no value, as Key Vault's do. */
export function deletedSecretBundle(vaultUrl: string, deleted: DeletedSecret): Record<string, unknown> {
  return { ...secretItem(vaultUrl, deleted, deleted.version.version), ...deletion(vaultUrl, deleted) };
}

/** An item of `GET /deletedsecrets`: the unversioned id, as in the secrets list. */
export function deletedSecretItem(vaultUrl: string, deleted: DeletedSecret): Record<string, unknown> {
  return { ...secretItem(vaultUrl, deleted), ...deletion(vaultUrl, deleted) };
}

function deletion(vaultUrl: string, { name, deletion: { deletedDate, scheduledPurgeDate } }: DeletedSecret): Record<string, unknown> {
  return { recoveryId: `${vaultUrl}/deletedsecrets/${name}`, deletedDate, scheduledPurgeDate };
}

/** The value-free shape used in lists and in the answers of update and recover; the id carries the version only when one is given. */
export function secretItem(vaultUrl: string, { name, version }: FoundVersion, idVersion?: string): Record<string, unknown> {
  return {
    id: idVersion === undefined ? `${vaultUrl}/secrets/${name}` : `${vaultUrl}/secrets/${name}/${idVersion}`,
    contentType: version.contentType,
    tags: version.tags,
    attributes: {
      enabled: version.enabled,
      nbf: version.notBefore,
      exp: version.expires,
      created: version.created,
      updated: version.updated,
      recoveryLevel: RECOVERY_LEVEL,
      recoverableDays: RECOVERABLE_DAYS,
    },
  };
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
