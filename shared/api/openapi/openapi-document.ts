import type { RouteDoc } from '../../http/api-route.js';
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
      parameters.push({ name: 'If-Match', in: 'header', required: false, description: 'Apply only if the resource still has this ETag (412 otherwise).', schema: { type: 'string' } });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(route.responses)) {
      const isProblem = doc.schema === problemSchema;
      responses[status] = doc.schema
        ? { description: doc.description, content: isProblem ? problemContent : { 'application/json': { schema: schemas.toSchema(doc.schema, 'output') } } }
        : { description: doc.description };
    }
    if (route.auth !== 'anonymous') responses['401'] ??= { description: 'No valid bearer token', content: problemContent };
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
      description: 'Control plane for hosted RPA bots: environments, images, machine groups, connections, desktop flows and runs.',
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Entra ID access token for the API (locally: `npm run token`).' },
        botCredential: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A bot's own credential, issued at provisioning: the agent surface accepts nothing else." },
      },
    },
  };
}
