import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { createEnvironment } from '../../support/fixtures.js';

const RUNS_PER_ROUTE = Math.max(60, Math.ceil(2_400 / Math.max(1, apiRoutes.filter((r) => r.body).length)));

let admin: ApiClient;
let totalRequests = 0;
let envId: string;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  envId = (await createEnvironment(admin)).id;
});

/** Values of every JSON type, with the strings that break naive code. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '\ud800', '../../etc/passwd', "'; DROP TABLE c; --", '<script>', '%00', '${jndi:x}', '\u{1F600}'.repeat(40)),
  fc.string({ minLength: 2_001, maxLength: 5_000 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, null, true, false),
  fc.array(fc.jsonValue(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue(), { maxKeys: 5 }),
);

function bodies(fieldNames: string[]): fc.Arbitrary<string> {
  const known = fieldNames.length > 0 ? fc.constantFrom(...fieldNames) : fc.string({ maxLength: 10 });
  return fc.oneof(
    // well-formed JSON of the wrong shape
    fc.jsonValue().map((v) => JSON.stringify(v)),
    // known fields with hostile values, plus sometimes an unknown field
    fc
      .tuple(fc.dictionary(known, hostileValue, { maxKeys: fieldNames.length || 3 }), fc.boolean(), fc.string({ minLength: 1, maxLength: 12 }))
      .map(([obj, extra, key]) => JSON.stringify(extra ? { ...obj, [`x_${key}`]: 1 } : obj)),
    // malformed JSON
    fc.string({ maxLength: 200 }).map((s) => `{${s}`),
    fc.constantFrom('', 'null', '[]', '{"a":', '\u0000', '{"name": "\\ud800"}', '['.repeat(200) + ']'.repeat(200), '{"a":'.repeat(100) + '1' + '}'.repeat(100)),
  );
}

function fieldsOf(route: (typeof apiRoutes)[number]): string[] {
  const shape = (route.body as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function pathFor(template: string): string {
  return template.replace('{env}', envId).replace(/\{[^}]+\}/g, '6f9619ff-8b86-d011-b42d-00c04fc964ff');
}

describe('malformed bodies on every create/update route', () => {
  const routesWithBodies = apiRoutes.filter((r) => r.body);

  afterAll(() => {
    console.log(`malformed-body requests sent: ${totalRequests} over ${routesWithBodies.length} routes`);
    expect(totalRequests).toBeGreaterThanOrEqual(2_000);
  });

  it('has create/update routes to attack', () => {
    expect(routesWithBodies.length).toBeGreaterThan(0);
  });

  it.each(routesWithBodies.map((r) => [r.name, r] as const))(
    '%s answers only 4xx problem+json, never 5xx',
    async (_name, route) => {
      let tried = 0;
      await fc.assert(
        fc.asyncProperty(bodies(fieldsOf(route)), async (body) => {
          tried++;
          totalRequests++;
          const res = await admin.request(route.method, pathFor(route.route), body, { 'content-type': 'application/json' });
          if (res.status >= 200 && res.status < 300) return; // a generated body may happen to be valid
          expect(res.status, `${route.method} ${route.route} with ${body.slice(0, 200)} → ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.headers.get('content-type')).toBe('application/problem+json');
          expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
      expect(tried).toBe(RUNS_PER_ROUTE);
    },
    120_000,
  );
});
