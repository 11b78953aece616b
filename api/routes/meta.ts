import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { RouteDoc } from '../http/api-route.js';
import { problemResponse } from '../http/problem.js';
import { checkQueryParameters } from '../http/query-parameters.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';
import { toSwagger2 } from '../openapi/swagger2.js';
import { apiRoutes } from './index.js';

/** The anonymous routes that need no service: liveness and the API's own description. */
export const metaRouteDocs: RouteDoc[] = [
  {
    name: 'health',
    method: 'GET',
    route: 'health',
    summary: 'Anonymous liveness; touches no dependency.',
    tag: 'Meta',
    auth: 'anonymous',
    responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok'), service: z.string(), time: z.string() }).meta({ id: 'Health' }) } },
  },
  {
    name: 'openApiDocument',
    method: 'GET',
    route: 'openapi.json',
    summary: 'This OpenAPI 3.1 document.',
    tag: 'Meta',
    auth: 'anonymous',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
  {
    name: 'swaggerDocument',
    method: 'GET',
    route: 'swagger.json',
    summary: 'The same API as Swagger 2.0, to import as a Power Automate custom connector.',
    tag: 'Meta',
    auth: 'anonymous',
    responses: { 200: { description: 'Swagger 2.0 document' } },
  },
];

function serverUrlOf(request: HttpRequest): string {
  return `${new URL(request.url).origin}/api`;
}

export function openApiFor(request: HttpRequest): Record<string, unknown> {
  return buildOpenApiDocument([...metaRouteDocs, ...apiRoutes], serverUrlOf(request));
}

/** The document, or 400 problem+json for a query parameter (these routes take none, as every route of the table). */
function documentResponse(request: HttpRequest, build: () => Record<string, unknown>): HttpResponseInit {
  try {
    checkQueryParameters({}, new URL(request.url).searchParams);
  } catch (err) {
    return problemResponse(err, () => undefined);
  }
  return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body: JSON.stringify(build()) };
}

export async function openApiHandler(request: HttpRequest): Promise<HttpResponseInit> {
  return documentResponse(request, () => openApiFor(request));
}

export async function swaggerHandler(request: HttpRequest): Promise<HttpResponseInit> {
  return documentResponse(request, () => toSwagger2(openApiFor(request)));
}
