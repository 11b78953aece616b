/**
 * The one place that reads fields off an unknown thrown value. SDK errors carry their kind in different fields:
 * `@azure/cosmos` a numeric `code` (the HTTP status), `@azure/service-bus` a string `code`, REST clients a `statusCode`.
 */
function field(err: unknown, name: 'code' | 'statusCode' | 'status'): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

/** A string error code (`MessagingEntityNotFound`, `ECONNREFUSED`, ...), when the error carries one. */
export function errorCode(err: unknown): string | undefined {
  const code = field(err, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** The HTTP status an error carries: a numeric `code` (Cosmos), `statusCode` or `status`. */
export function httpStatusOf(err: unknown): number | undefined {
  for (const name of ['code', 'statusCode', 'status'] as const) {
    const value = field(err, name);
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** A message for a log line, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'a non-Error value was thrown';
}
