import { AppError } from './errors/app-error.js';

/** A GUID, any case: the form of every id the server makes. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are server-made GUIDs: anything else cannot name a resource, so it is a 404, not a 400. */
export function requireGuid(value: string | undefined, what: string): string {
  if (!value || !GUID.test(value)) throw AppError.notFound(what);
  return value.toLowerCase();
}
