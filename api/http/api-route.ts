import type { z } from 'zod';
import type { Principal } from '../../domain/principal.js';
import type { BotIdentity } from '../../domain/bot-identity.js';
import type { RouteSignals } from './route-signals.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The path parameters as the host hands them, before a route's schema parses them. */
export type RawPathParams = Record<string, string>;

/** What a route's handler receives: parsed, validated and authenticated. */
export interface ApiRequest<TBody, TParams = RawPathParams> {
  url: URL;
  /**
   * the path parameters, parsed with the route's `params` schema when it has one, on first read (a bad id throws the
   * 404 there): a handler reads its query first, so that a bad query is 400 whatever the ids
   */
  params: TParams;
  query: URLSearchParams;
  headers: Headers;
  body: TBody;
  /** the caller; routes with `auth: 'anonymous'` or `'bot'` get a placeholder */
  principal: Principal;
  /** the bot behind a bot credential, on `auth: 'bot'` routes (the agent surface) */
  bot: BotIdentity | undefined;
  /** the `If-Match` header, when sent */
  ifMatch: string | undefined;
  /** on routes with `auditImplied`: the id the resource created takes (drawn before the change, for its audit entry) */
  createdId?: string | undefined;
  /** absolute URL of a path under the API base (`/api`), for Location headers */
  absoluteUrl(pathUnderApi: string): string;
  /** an information line in the function's log (Application Insights traces in Azure) */
  log(line: string): void;
  /** signals to the orchestrations, through the invocation's Durable client; only for routes defined with `durableClient: true` */
  signals(): RouteSignals;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** sent as the ETag header */
  etag?: string;
  /** path under /api, sent as an absolute Location header */
  location?: string;
}

export interface ApiResponseDoc {
  description: string;
  schema?: z.ZodType;
}

/**
 * One route of the API: registration (functions/), validation, OpenAPI and the handler all read this one
 * definition, so the document cannot drift from what is served.
 */
export interface ApiRoute<TBody = undefined, TParams = RawPathParams, TDeps = unknown> {
  /** function name and OpenAPI operationId */
  name: string;
  method: HttpMethod;
  /** Functions route template under /api, e.g. `environments/{env}/groups/{groupId}` */
  route: string;
  summary: string;
  tag: string;
  /** `bot`: the agent surface, which accepts only bot credentials (and user routes refuse them) */
  auth: 'anonymous' | 'user' | 'bot';
  body?: z.ZodType<TBody>;
  /**
   * The path parameters' schema (ids with `pathId`, api/http/path-params.ts): parsed by the wrapper when the handler
   * reads `params`, so the handler and its use case take plain strings; a bad id answers 404 as a missing resource does.
   */
  params?: z.ZodType<TParams, RawPathParams>;
  /**
   * The query parameters the route takes, as the OpenAPI document lists them: any other, or one given twice, is
   * refused at the edge (400). A declared `continuationToken` is sealed to its list by the handler wrapper: the route
   * reads and returns the store's token, callers see one that only this list accepts (api/http/query-parameters.ts).
   */
  query?: Record<string, { description: string; schema: z.ZodType }>;
  /** documented headers other than Authorization and If-Match */
  requestHeaders?: Record<string, { description: string; required?: boolean }>;
  /** whether the route honours If-Match */
  conditional?: boolean;
  /** registers the function with the Durable client input, so that the handler may call `request.signals()` */
  durableClient?: boolean;
  /**
   * The change can alter the environment's plan (group create/edit/delete, capacity, a run ending, priorities):
   * after a successful answer the environment's controller is woken, so the plan follows within seconds rather
   * than at its next periodic round. Registers the Durable client input too.
   */
  wakesController?: boolean;
  /**
   * The route creates one resource under `request.createdId` and answers this status: its audit entry is written once,
   * before the change, in that final form (`implied`: the resource exists if and only if the change landed), instead
   * of written ahead and confirmed after (app/audit-log.ts). Its target is the resource created, even where the path
   * names another one (a resubmit: the run it copies).
   */
  auditImplied?: { status: number };
  responses: Record<number, ApiResponseDoc>;
  /** a named handler (api/routes/<resource>/); `deps` is what the composition root hands the API */
  handle(request: ApiRequest<TBody, TParams>, deps: TDeps): Promise<ApiResponse>;
}

/** What the OpenAPI document needs of a route: everything but its handler. */
export type RouteDoc = Omit<ApiRoute<unknown>, 'handle' | 'auth' | 'params'> & { auth: 'anonymous' | 'user' | 'bot' };

/** Keeps the body, parameter and dependency types of a route definition inferred. */
export function defineRoute<TBody = undefined, TParams = RawPathParams, TDeps = unknown>(
  route: ApiRoute<TBody, TParams, TDeps>,
): ApiRoute<TBody, TParams, TDeps> {
  return route;
}
