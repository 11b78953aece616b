import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (2020-12, what OpenAPI 3.1 uses) of a zod schema. Named schemas (`.meta({ id })`) are hoisted
 * into `components` so the document names them once; refinements have no JSON form and are left out.
 */
export class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const id = z.globalRegistry.get(schema)?.id;
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    for (const [name, def] of Object.entries(defs)) this.components[name] ??= rewriteRefs(def);
    const rewritten = rewriteRefs(json);
    if (typeof id === 'string') {
      delete rewritten.id;
      this.components[id] ??= rewritten;
      return { $ref: `#/components/schemas/${id}` };
    }
    return rewritten;
  }
}

function rewriteRefs<T>(value: T): T {
  if (Array.isArray(value)) return value.map(rewriteRefs) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = key === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(v);
    }
    return out as T;
  }
  return value;
}
