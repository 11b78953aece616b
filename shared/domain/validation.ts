import { AppError } from '../errors/app-error.js';
import { GUID } from '../api/common-schemas.js';

/** Path ids are server-made GUIDs: anything else cannot name a resource, so it is a 404, not a 400. */
export function requireGuid(value: string | undefined, what: string): string {
  if (!value || !GUID.test(value)) throw AppError.notFound(what);
  return value.toLowerCase();
}
