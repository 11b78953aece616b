import type { JsonSchema } from './json-schema.js';

/**
 * Swagger 2.0 from the OpenAPI 3.1 document, for Power Automate custom connectors (which import 2.0 only).
 * JSON Schema 2020-12 is folded into 2.0's draft-4 subset: `const` → single-value `enum`, type lists →
 * one type + `x-nullable`, `anyOf` with null → nullable, numeric exclusive bounds → boolean flags.
 */
export function toSwagger2(openapi: Record<string, unknown>): Record<string, unknown> {
  const servers = (openapi.servers as Array<{ url: string }> | undefined) ?? [];
  const server = new URL(servers[0]?.url ?? 'http://127.0.0.1:7071/api');
  const components = (openapi.components ?? {}) as { schemas?: Record<string, JsonSchema> };
  const paths: Record<string, Record<string, unknown>> = {};

  for (const [path, item] of Object.entries((openapi.paths ?? {}) as Record<string, Record<string, JsonSchema>>)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(item)) {
      const parameters: JsonSchema[] = ((op.parameters as JsonSchema[] | undefined) ?? []).map((p) => {
        const schema = downgrade((p.schema as JsonSchema | undefined) ?? { type: 'string' });
        const { name, in: location, required, description } = p;
        return {
          name,
          in: location,
          required: Boolean(required),
          ...(description ? { description } : {}),
          type: schema.type ?? 'string',
          ...pick(schema, ['enum', 'minimum', 'maximum', 'default', 'format']),
        };
      });
      const body = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content?.['application/json']?.schema;
      if (body) parameters.push({ name: 'body', in: 'body', required: true, schema: downgrade(body) });
      const responses: Record<string, unknown> = {};
      for (const [status, response] of Object.entries(
        (op.responses ?? {}) as Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>,
      )) {
        const content = response.content ? Object.values(response.content)[0]?.schema : undefined;
        responses[status] = { description: response.description, ...(content ? { schema: downgrade(content) } : {}) };
      }
      const security = op.security as unknown[] | undefined;
      paths[path][method] = {
        operationId: op.operationId,
        summary: op.summary,
        tags: op.tags,
        consumes: ['application/json'],
        produces: ['application/json', 'application/problem+json'],
        parameters,
        responses,
        ...(security && security.length === 0 ? { security: [] } : {}),
      };
    }
  }

  const info = openapi.info as Record<string, unknown>;
  return {
    swagger: '2.0',
    info: { title: info.title, version: info.version, description: info.description },
    host: server.host,
    basePath: server.pathname.replace(/\/$/, '') || '/',
    schemes: [server.protocol.replace(':', '')],
    consumes: ['application/json'],
    produces: ['application/json'],
    securityDefinitions: { bearer: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'Bearer <Entra ID access token>' } },
    security: [{ bearer: [] }],
    paths,
    definitions: Object.fromEntries(Object.entries(components.schemas ?? {}).map(([name, s]) => [name, downgrade(s)])),
  };
}

function pick(source: JsonSchema, keys: string[]): JsonSchema {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

const DROPPED = new Set([
  '$schema',
  'prefixItems',
  'contentEncoding',
  'contentMediaType',
  'unevaluatedProperties',
  'propertyNames',
  'dependentRequired',
  'id',
  'examples',
]);

export function downgrade(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/components/schemas/', '#/definitions/');
    else if (key === 'const') out.enum = [value];
    else if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      out.type = types[0] ?? 'string';
      if (types.length !== value.length) out['x-nullable'] = true;
    } else if ((key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      const options = (value as JsonSchema[]).filter((o) => o.type !== 'null');
      if (options.length === 1 && options[0]) Object.assign(out, downgrade(options[0]), { 'x-nullable': true });
      else if (options.every((o) => o.const !== undefined || Array.isArray(o.enum)))
        out.enum = options.flatMap((o) => (o.const !== undefined ? [o.const] : (o.enum as unknown[])));
      else out.type = 'object';
    } else if (key === 'exclusiveMinimum' && typeof value === 'number') Object.assign(out, { minimum: value, exclusiveMinimum: true });
    else if (key === 'exclusiveMaximum' && typeof value === 'number') Object.assign(out, { maximum: value, exclusiveMaximum: true });
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, downgrade(v)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') out[key] = downgrade(value as JsonSchema);
    else if (key === 'allOf' && Array.isArray(value)) out.allOf = (value as JsonSchema[]).map(downgrade);
    else out[key] = value;
  }
  return out;
}
