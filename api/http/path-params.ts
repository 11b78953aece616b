import { z } from 'zod';
import { GUID } from '../../domain/validation.js';
import { AppError } from '../../domain/errors/app-error.js';

/**
 * A path id of the resource named `resource` (e.g. `Run`): a server-made GUID, lowercased. Anything else cannot name
 * a resource, so it answers 404 `<resource> was not found.`, not 400; the issue's message carries the name.
 */
export function pathId(resource: string) {
  return z
    .string({ error: resource })
    .regex(GUID, resource)
    .transform((id) => id.toLowerCase());
}

/**
 * The route's path parameters parsed with its schema, at the edge: the first bad one, in the schema's order (the
 * environment before what lives in it), answers 404 as a lookup of it would.
 */
export function parsePathParams<T>(schema: z.ZodType<T>, params: Record<string, string>): T {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  throw AppError.notFound(parsed.error.issues[0]?.message ?? 'Resource');
}
