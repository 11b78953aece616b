/** Narrowing helpers for JSON that crosses the wire as `unknown`. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(obj: JsonObject, key: string, what: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.length === 0) throw new ProtocolError(`${what} has no "${key}".`);
  return value;
}

export function optionalNumber(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The library answered something this host does not understand (a version mismatch, most likely). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** JSON text of a value; `undefined` stays undefined (no input, no output). */
export function toJsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export function parseJsonText(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  return JSON.parse(text) as unknown;
}
