import type { RouteDoc } from '../http/api-route.js';
import { problemSchema } from '../common-schemas.js';
import { SchemaCollector, type JsonSchema } from './json-schema.js';

export const API_TITLE = 'Hosted RPA control plane';
export const API_VERSION = '0.1.0';

function pathOf(route: string): string {
  return '/' + route.replace(/\{\*?([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?\??\}/g, '{$1}');
}

function pathParams(route: string): string[] {
  return [...route.matchAll(/\{\*?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? '');
}

/** Every user route's 429 (PRODUCT.md, "Quotas"): the limiter lives in each instance's memory, and says so. */
export const RATE_LIMIT_DESCRIPTION =
  'TooManyRequests: the caller made more than RATE_LIMIT_PER_MINUTE requests (default 1200) in this environment within a minute (routes without an environment share one window per caller). Counted per instance of the function app, so a scaled-out app may allow more. Retry after Retry-After seconds.';

/** The OpenAPI 3.1 document of every route in the table, with `servers` pointing at this deployment. */
export function buildOpenApiDocument(routes: readonly RouteDoc[], serverUrl: string): Record<string, unknown> {
  const schemas = new SchemaCollector();
  const problemRef = schemas.toSchema(problemSchema, 'output');
  const problemContent = { 'application/problem+json': { schema: problemRef } };
  const paths: Record<string, Record<string, unknown>> = {};

  for (const route of routes) {
    const parameters: JsonSchema[] = pathParams(route.route).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    for (const [name, q] of Object.entries(route.query ?? {})) {
      parameters.push({ name, in: 'query', required: false, description: q.description, schema: schemas.toSchema(q.schema, 'input') });
    }
    for (const [name, h] of Object.entries(route.requestHeaders ?? {})) {
      parameters.push({ name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } });
    }
    if (route.conditional) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: false,
        description:
          'Apply only if the resource still has this entity tag (412 otherwise): the ETag header as sent ("<etag>"), the bare `etag` field, or `*` (any existing resource). Weak tags (W/"...") never match: writes compare strongly (RFC 9110).',
        schema: { type: 'string' },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(route.responses)) {
      const isProblem = doc.schema === problemSchema;
      responses[status] = doc.schema
        ? { description: doc.description, content: isProblem ? problemContent : { 'application/json': { schema: schemas.toSchema(doc.schema, 'output') } } }
        : { description: doc.description };
    }
    const takes = Object.keys(route.query ?? {});
    responses['400'] ??= {
      description: `Unknown query parameter (${takes.length > 0 ? `this route takes ${takes.join(', ')}` : 'this route takes none'})`,
      content: problemContent,
    };
    if (route.auth !== 'anonymous') responses['401'] ??= { description: 'No valid bearer token', content: problemContent };
    if (route.auth === 'user') {
      const limited = responses['429'] as { description: string } | undefined;
      responses['429'] = {
        description: limited?.description ?? RATE_LIMIT_DESCRIPTION,
        headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } } },
        content: problemContent,
      };
    }
    responses.default ??= { description: 'Error', content: problemContent };
    const operation: Record<string, unknown> = {
      operationId: route.name,
      summary: route.summary,
      tags: [route.tag],
      parameters,
      responses,
      security: route.auth === 'anonymous' ? [] : route.auth === 'bot' ? [{ botCredential: [] }] : [{ bearer: [] }],
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: schemas.toSchema(route.body, 'input') } } };
    }
    const path = pathOf(route.route);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description:
        'Control plane for hosted RPA bots: environments, images, machine groups, connections, desktop flows and runs. Quotas (429 problem+json with Retry-After): each caller may make RATE_LIMIT_PER_MINUTE requests (default 1200) per environment per minute (TooManyRequests; counted in memory per instance of the function app, not across instances); a group holds at most MAX_QUEUED_RUNS_PER_GROUP queued runs (default 10000; QueueFull).',
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Entra ID access token for the API (locally: `npm run token`).' },
        botCredential: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "A bot's own credential, issued at provisioning: the agent surface accepts nothing else.",
        },
      },
    },
  };
}
