import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { Principal } from '../auth/principal.js';
import type { Services } from '../composition/services.js';
import { AppError, ensureError } from '../errors/app-error.js';
import { auditEntryOf } from '../services/audit-log.js';
import type { ApiRequest, ApiResponse, ApiRoute } from './api-route.js';
import { entityTag } from './entity-tags.js';
import { parseJsonBody } from './json-body.js';
import { problemResponse } from './problem.js';
import { checkQueryParameters, openedQuery, sealedResponse } from './query-parameters.js';
import { checkRateLimit } from './rate-limiter.js';

const ANONYMOUS: Principal = { userId: 'anonymous', name: 'anonymous', platformAdmin: false, isApp: false };

function toHttpResponse(result: ApiResponse, request: ApiRequest<unknown>): HttpResponseInit {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...result.headers };
  // a quoted entity tag, as HTTP has it; the `etag` field of the body stays bare
  if (result.etag) headers.etag = entityTag(result.etag);
  if (result.location) headers.location = request.absoluteUrl(result.location);
  if (result.body === undefined) return { status: result.status, headers };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { status: result.status, headers, body: JSON.stringify(result.body) };
}

/**
 * Files a successful write in the audit log (field names only, never values). Best effort: the write it records has
 * happened, so a failed entry is logged as a warning rather than turned into an error answer.
 */
async function fileAuditEntry(deps: Services, route: ApiRoute<unknown>, request: ApiRequest<unknown>, result: ApiResponse, context: InvocationContext): Promise<void> {
  const entry = auditEntryOf({ id: deps.newId(), now: deps.now(), principal: request.principal, route, params: request.params, body: request.body, status: result.status, responseBody: result.body });
  if (!entry) return;
  try {
    await deps.audit.record(entry);
  } catch (err) {
    context.warn(`${route.name}: audit entry not written: ${ensureError(err).message}`);
  }
}

/** Wakes an environment's controller through the Durable client (orchestrations/activities/durable-signals.ts). */
export type WakeController = (client: DurableClient, environmentId: string) => Promise<void>;

/**
 * Turns a route definition into an Azure Functions HTTP handler: authenticate, check the query string against the
 * route's declared parameters, parse and validate the body, call the route, and map every failure to problem+json
 * in one place.
 */
export function toAzureHandler(route: ApiRoute<unknown>, services: () => Promise<Services>, wake?: WakeController) {
  return async (httpRequest: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      const deps = await services();
      const authorization = httpRequest.headers.get('authorization');
      const bot = route.auth === 'bot' ? await deps.botCredentials.verify(authorization) : undefined;
      const principal = route.auth === 'user' ? await deps.authenticator.authenticate(authorization) : ANONYMOUS;
      // user routes only: anonymous ones have no caller to count, and the agent surface's pace is set by the control
      // plane itself (nextHeartbeatMs), where a refused heartbeat would make a busy bot look lost
      if (route.auth === 'user') checkRateLimit(deps.rateLimiter, principal.userId, httpRequest.params.env);
      const url = new URL(httpRequest.url);
      // the URL's own query: the host's `query` map keeps one value per name, so a repeated parameter shows only there
      checkQueryParameters(route, url.searchParams);
      const query = openedQuery(route, httpRequest.params, httpRequest.query);
      const body = route.body ? await parseJsonBody(httpRequest, route.body) : undefined;
      if (!route.body && httpRequest.method !== 'GET' && httpRequest.method !== 'DELETE') {
        // routes without a body schema accept none (or an empty object), so unknown input never slips through
        const text = await httpRequest.text();
        if (text.trim() !== '' && text.trim() !== '{}') throw AppError.validation([{ field: '', message: 'This request takes no body.' }]);
      }
      const apiRequest: ApiRequest<unknown> = {
        url,
        params: httpRequest.params,
        query,
        headers: httpRequest.headers,
        body,
        principal,
        bot,
        ifMatch: httpRequest.headers.get('if-match') ?? undefined,
        absoluteUrl: (path) => `${url.origin}/api/${path.replace(/^\/+/, '')}`,
        log: (line) => context.info(line),
        durableClient: () => {
          if (!route.durableClient) throw new Error(`Route ${route.name} is not registered with the Durable client input.`);
          return df.getClient(context);
        },
      };
      const result = sealedResponse(route, httpRequest.params, await route.handle(apiRequest, deps));
      if (route.auth === 'user') await fileAuditEntry(deps, route, apiRequest, result, context);
      const environmentId = httpRequest.params.env;
      if (route.wakesController && wake && result.status < 300 && environmentId) {
        // best effort: the controller's periodic round plans anyway, later
        await wake(df.getClient(context), environmentId).catch((err: unknown) => context.warn(`${route.name}: controller not woken: ${ensureError(err).message}`));
      }
      return toHttpResponse(result, apiRequest);
    } catch (err) {
      return problemResponse(err, (unexpected) =>
        context.error(`${route.name} failed: ${unexpected.name}: ${unexpected.message}`),
      );
    }
  };
}
