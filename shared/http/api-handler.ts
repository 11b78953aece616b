import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { Principal } from '../auth/principal.js';
import type { Services } from '../composition/services.js';
import { AppError } from '../errors/app-error.js';
import type { ApiRequest, ApiResponse, ApiRoute } from './api-route.js';
import { parseJsonBody } from './json-body.js';
import { problemResponse } from './problem.js';

const ANONYMOUS: Principal = { userId: 'anonymous', name: 'anonymous', platformAdmin: false, isApp: false };

function toHttpResponse(result: ApiResponse, request: ApiRequest<unknown>): HttpResponseInit {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...result.headers };
  if (result.etag) headers.etag = result.etag;
  if (result.location) headers.location = request.absoluteUrl(result.location);
  if (result.body === undefined) return { status: result.status, headers };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { status: result.status, headers, body: JSON.stringify(result.body) };
}

/**
 * Turns a route definition into an Azure Functions HTTP handler: authenticate, parse and validate the body,
 * call the route, and map every failure to problem+json in one place.
 */
export function toAzureHandler(route: ApiRoute<unknown>, services: () => Promise<Services>) {
  return async (httpRequest: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      const deps = await services();
      const authorization = httpRequest.headers.get('authorization');
      const bot = route.auth === 'bot' ? await deps.botCredentials.verify(authorization) : undefined;
      const principal = route.auth === 'user' ? await deps.authenticator.authenticate(authorization) : ANONYMOUS;
      const url = new URL(httpRequest.url);
      const body = route.body ? await parseJsonBody(httpRequest, route.body) : undefined;
      if (!route.body && httpRequest.method !== 'GET' && httpRequest.method !== 'DELETE') {
        // routes without a body schema accept none (or an empty object), so unknown input never slips through
        const text = await httpRequest.text();
        if (text.trim() !== '' && text.trim() !== '{}') throw AppError.validation([{ field: '', message: 'This request takes no body.' }]);
      }
      const apiRequest: ApiRequest<unknown> = {
        url,
        params: httpRequest.params,
        query: httpRequest.query,
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
      const result = await route.handle(apiRequest, deps);
      return toHttpResponse(result, apiRequest);
    } catch (err) {
      return problemResponse(err, (unexpected) =>
        context.error(`${route.name} failed: ${unexpected.name}: ${unexpected.message}`),
      );
    }
  };
}
