import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { problemResponse } from './problem.js';
import { checkQueryParameters } from './query-parameters.js';

export const SERVICE_NAME = 'hosted-rpa-control-plane';

/** `GET /api/health`: anonymous liveness; it touches no dependency, so an outage elsewhere cannot fail it. */
export async function healthHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  try {
    checkQueryParameters({}, new URL(request.url).searchParams);
  } catch (err) {
    return problemResponse(err, () => undefined);
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    jsonBody: { status: 'ok', service: SERVICE_NAME, time: new Date().toISOString() },
  };
}
