import type { z } from 'zod';
import { AppError, type FieldError } from '../domain/errors/app-error.js';

/**
 * Reads a list route's filters from its query string: each against its schema, collecting every bad one, so that one
 * 400 names them all. `range` gives `from`/`to` in the form stored times have (UTC `toISOString()`), which compare as
 * strings, and refuses a `from` after `to`.
 */
export function queryFilters(query: URLSearchParams) {
  const errors: FieldError[] = [];
  const read = <T>(field: string, schema: z.ZodType<T>, message: string): T | undefined => {
    const raw = query.get(field);
    if (raw === null) return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    errors.push({ field, message });
    return undefined;
  };
  const range = (schema: z.ZodType<string>): { from: string | undefined; to: string | undefined } => {
    const message = 'Must be an ISO 8601 time, e.g. 2026-01-31T00:00:00Z.';
    const fromRaw = read('from', schema, message);
    const toRaw = read('to', schema, message);
    const from = fromRaw === undefined ? undefined : new Date(fromRaw).toISOString();
    const to = toRaw === undefined ? undefined : new Date(toRaw).toISOString();
    if (from !== undefined && to !== undefined && from > to) errors.push({ field: 'from', message: 'Must not be after `to`.' });
    return { from, to };
  };
  const done = (detail: string): void => {
    if (errors.length > 0) throw AppError.validation(errors, detail);
  };
  return { read, range, done };
}
