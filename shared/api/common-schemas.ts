import { z } from 'zod';

/** Names: 1..100 characters, no control characters. */
export const nameSchema = z
  .string()
  .min(1)
  .max(100)
  .refine((s) => s.trim().length > 0, 'Must not be blank.')
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Must not contain control characters.');

// eslint-disable-next-line no-control-regex -- tabs and newlines are fine in descriptions, other control characters are not
export const descriptionSchema = z.string().max(2000).refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'Must not contain control characters.');

/** User and service principal ids as Entra ID issues them (oid), and the ids of the local issuer. */
export const userIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'Must be 1..128 letters, digits, ".", "_", "@" or "-".');

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const resourceFields = {
  id: z.string(),
  etag: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), continuationToken: z.string().optional() });
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    reason: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export const pageSizeSchema = z.coerce.number().int().min(1).max(200).default(50);
