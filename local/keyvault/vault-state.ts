import { z } from 'zod';

const secretVersionSchema = z.object({
  version: z.string(),
  value: z.string(),
  contentType: z.string().optional(),
  enabled: z.boolean(),
  notBefore: z.number().optional(),
  expires: z.number().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /** Unix seconds, as Key Vault reports them. */
  created: z.number(),
  updated: z.number(),
});

const deletionSchema = z.object({
  deletedDate: z.number(),
  scheduledPurgeDate: z.number(),
});

const secretEntrySchema = z.object({
  /** The name as first set; lookups ignore case, as Key Vault's do. */
  name: z.string(),
  /** Oldest first; the last one is the latest. */
  versions: z.array(secretVersionSchema).min(1),
  /** Present while the secret is soft-deleted (recoverable, name still taken). */
  deleted: deletionSchema.optional(),
});

/** The whole vault, as kept (encrypted) in the data file. Keyed by lower-cased secret name. */
export const vaultStateSchema = z.object({
  secrets: z.record(z.string(), secretEntrySchema),
});

export type SecretVersion = z.infer<typeof secretVersionSchema>;
export type SecretDeletion = z.infer<typeof deletionSchema>;
export type SecretEntry = z.infer<typeof secretEntrySchema>;
export type VaultState = z.infer<typeof vaultStateSchema>;

export function emptyVaultState(): VaultState {
  return { secrets: {} };
}
