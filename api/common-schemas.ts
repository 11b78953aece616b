import { z } from 'zod';
import { nameCharacterProblems, storedName } from '../domain/names.js';

/** A timestamp with its offset (ISO 8601), as query filters and bodies take them. */
export const isoTimeSchema = z.iso.datetime({ offset: true });

export const NAME_MAX_LENGTH = 100;

/**
 * Names of every resource: 1..100 characters, not blank, no control, format (bidirectional or zero-width), separator
 * or unassigned characters; stored in NFKC form, which must still fit in 100 characters. Uniqueness, where a name is
 * unique, is by `nameKey` (domain/names.ts).
 */
export const nameSchema = z
  .string()
  .min(1)
  .max(NAME_MAX_LENGTH)
  .describe('1..100 characters; stored NFKC-normalised; control, bidirectional, zero-width and other format characters are refused')
  .refine((s) => s.trim().length > 0, 'Must not be blank.')
  .superRefine((s, ctx) => {
    for (const message of nameCharacterProblems(s)) ctx.addIssue({ code: 'custom', message });
  })
  .transform((s, ctx) => {
    const stored = storedName(s);
    if (stored.length > NAME_MAX_LENGTH) ctx.addIssue({ code: 'custom', message: `Must be at most ${NAME_MAX_LENGTH} characters in NFKC form.` });
    return stored;
  });

export const descriptionSchema = z
  .string()
  .max(2000)
  // eslint-disable-next-line no-control-regex -- tabs and newlines are fine in descriptions, other control characters are not
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'Must not contain control characters.');

/** User and service principal ids as Entra ID issues them (oid), and the ids of the local issuer. */
export const userIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'Must be 1..128 letters, digits, ".", "_", "@" or "-".');

export { GUID } from '../domain/validation.js';

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
