import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

export const SERVICE_NAME = 'hosted-rpa-control-plane';

/** `GET /api/health`: anonymous liveness; it touches no dependency, so an outage elsewhere cannot fail it. */
export async function healthHandler(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    jsonBody: { status: 'ok', service: SERVICE_NAME, time: new Date().toISOString() },
  };
}
