import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { Principal } from '../../domain/principal.js';
import type { BotIdentity } from '../../domain/bot-identity.js';
import { AppError, ensureError } from '../../domain/errors/app-error.js';
import { auditEntryOf, auditImpliedIntentOf, auditIntentOf, impliedIntentHolds, type AuditDocument, type AuditLog } from '../../app/audit-log.js';
import type { ApiRequest, ApiResponse, ApiRoute, RawPathParams } from './api-route.js';
import type { RouteSignals } from './route-signals.js';
import { entityTag, ifNoneMatchMatches } from '../../app/paging/entity-tags.js';
import { parseJsonBody } from './json-body.js';
import { parsePathParams } from './path-params.js';
import { problemResponse } from './problem.js';
import { checkQueryParameters, openedQuery, sealedResponse } from './query-parameters.js';
import { checkRateLimit, type RateLimiter } from './rate-limiter.js';

/** What the wrapper itself needs around every route: the caller's identity and pace, the audit trail, ids and time. */
export interface ApiWrapperPorts {
  authenticator: { authenticate(authorization: string | null): Promise<Principal> };
  botCredentials: { verify(authorization: string | null): Promise<BotIdentity> };
  rateLimiter: RateLimiter;
  audit: Pick<AuditLog, 'record' | 'confirm' | 'discard'>;
  now(): Date;
  newId(): string;
}

const ANONYMOUS: Principal = { userId: 'anonymous', name: 'anonymous', platformAdmin: false, isApp: false };

function toHttpResponse(result: ApiResponse, request: ApiRequest<unknown>, method: string): HttpResponseInit {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...result.headers };
  // a quoted entity tag, as HTTP has it; the `etag` field of the body stays bare
  if (result.etag) headers.etag = entityTag(result.etag);
  if (result.location) headers.location = request.absoluteUrl(result.location);
  if (result.body === undefined) return { status: result.status, headers };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  const body = JSON.stringify(result.body);
  if (method === 'GET' && result.status === 200) {
    // pollers (the console) send If-None-Match: an unchanged answer costs a 304 without a body
    headers.etag ??= `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const ifNoneMatch = request.headers.get('if-none-match');
    if (ifNoneMatch && ifNoneMatchMatches(ifNoneMatch, headers.etag)) return { status: 304, headers };
  }
  return { status: result.status, headers, body };
}

/**
 * Confirms the write's entry (field names only, never values), or files it now for a write that had no environment
 * before it ran. Best effort: the write has happened and its unconfirmed entry is already on record, so a failure here
 * is logged as a warning rather than turned into an error answer. A refused write (an answer ≥ 300) changed nothing:
 * its unconfirmed entry is removed.
 */
async function confirmAuditEntry<TDeps>(
  deps: ApiWrapperPorts,
  route: ApiRoute<unknown, RawPathParams, TDeps>,
  request: ApiRequest<unknown>,
  rawParams: Record<string, string>,
  result: ApiResponse,
  intent: AuditDocument | null,
  context: InvocationContext,
): Promise<void> {
  const entry = auditEntryOf({
    id: intent?.id ?? deps.newId(),
    now: intent ? new Date(intent.at) : deps.now(),
    principal: request.principal,
    route,
    // as the host gave them, as the intent has them (a parsed id is lowercased)
    params: rawParams,
    body: request.body,
    status: result.status,
    responseBody: result.body,
    targetsCreated: route.auditImplied !== undefined,
  });
  // a created resource's entry filed in its final form before the change: its existence is the confirmation
  if (entry && intent && impliedIntentHolds(intent, entry)) return;
  try {
    if (entry) await (intent ? deps.audit.confirm(entry) : deps.audit.record(entry));
    else if (intent) await deps.audit.discard(intent.environmentId, intent.id);
  } catch (err) {
    context.warn(`${route.name}: audit entry not confirmed (it stays unconfirmed): ${ensureError(err).message}`);
  }
}

/**
 * A write that failed: one refused with a 4xx changed nothing, so its unconfirmed entry goes; after an unexpected
 * error the change may have landed, and the entry stays, unconfirmed (an implied one is rewritten so, best effort: if
 * that fails too, its rule still holds, the resource exists if and only if the change landed).
 */
async function settleAuditIntent(deps: ApiWrapperPorts, intent: AuditDocument, err: unknown, context: InvocationContext): Promise<void> {
  if (!(err instanceof AppError) || err.status >= 500) {
    if (intent.outcome !== 'implied') return;
    await deps.audit
      .confirm({ ...intent, status: 0, outcome: 'unconfirmed' })
      .catch((e: unknown) => context.warn(`audit entry ${intent.id} of a failed write not marked unconfirmed: ${ensureError(e).message}`));
    return;
  }
  await deps.audit
    .discard(intent.environmentId, intent.id)
    .catch((e: unknown) => context.warn(`audit entry ${intent.id} of a refused write not removed: ${ensureError(e).message}`));
}

/** The routes' signals through an invocation's Durable client (orchestrations/activities/durable-route-signals.ts). */
export type RouteSignalsOf = (client: DurableClient) => RouteSignals;

/**
 * Turns a route definition into an Azure Functions HTTP handler: authenticate, check the query string against the
 * route's declared parameters, parse and validate the body, call the route, and map every failure to problem+json
 * in one place.
 */
export function toAzureHandler<TDeps>(
  route: ApiRoute<unknown, RawPathParams, TDeps>,
  services: () => Promise<ApiWrapperPorts & TDeps>,
  signalsOf?: RouteSignalsOf,
) {
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
      // parsed on the handler's first read, after the body and the query it reads first, so that a bad body or query
      // is 400 whatever the ids, as when the use cases checked the ids
      let params: RawPathParams | undefined;
      const paramsOf = () => (params ??= route.params ? parsePathParams(route.params, httpRequest.params) : httpRequest.params);
      const apiRequest: ApiRequest<unknown> = {
        url,
        get params() {
          return paramsOf();
        },
        query,
        headers: httpRequest.headers,
        body,
        principal,
        bot,
        ifMatch: httpRequest.headers.get('if-match') ?? undefined,
        ...(route.auditImplied ? { createdId: deps.newId() } : {}),
        absoluteUrl: (path) => `${url.origin}/api/${path.replace(/^\/+/, '')}`,
        log: (line) => context.info(line),
        signals: () => {
          if (!route.durableClient || !signalsOf) throw new Error(`Route ${route.name} is not registered with the Durable client input.`);
          return signalsOf(df.getClient(context));
        },
      };
      // write-ahead: the attempt is on record before anything changes (a write whose entry cannot be filed is not
      // made), so a host that dies between the change and the confirmation below never loses it
      const audited = { id: deps.newId(), now: deps.now(), principal, route, params: httpRequest.params, body };
      const intent =
        route.auth !== 'user'
          ? null
          : apiRequest.createdId !== undefined && route.auditImplied
            ? auditImpliedIntentOf({ ...audited, status: route.auditImplied.status, createdId: apiRequest.createdId })
            : auditIntentOf(audited);
      if (intent) await deps.audit.record(intent);
      let result: ApiResponse;
      try {
        result = sealedResponse(route, httpRequest.params, await route.handle(apiRequest, deps));
      } catch (err) {
        if (intent) await settleAuditIntent(deps, intent, err, context);
        throw err;
      }
      if (route.auth === 'user') await confirmAuditEntry(deps, route, apiRequest, httpRequest.params, result, intent, context);
      const environmentId = httpRequest.params.env;
      if (route.wakesController && signalsOf && result.status < 300 && environmentId) {
        // best effort: the controller's periodic round plans anyway, later
        await signalsOf(df.getClient(context))
          .wakeController(environmentId)
          .catch((err: unknown) => context.warn(`${route.name}: controller not woken: ${ensureError(err).message}`));
      }
      return toHttpResponse(result, apiRequest, route.method);
    } catch (err) {
      return problemResponse(err, (unexpected) => context.error(`${route.name} failed: ${unexpected.name}: ${unexpected.message}`));
    }
  };
}
