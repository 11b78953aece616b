import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import type { ApiClient } from '../../support/api-client.js';
import { createGroup, groupEnvironment } from '../../support/group-fixtures.js';
import { scaled } from '../../support/test-scale.js';

/**
 * Hostile requests on every route: ids and query parameters with traversal, injection and unicode edge
 * cases, odd headers, and bodies of every shape. The API must answer 2xx (a request may happen to be
 * valid) or 4xx problem+json: never a 5xx, never a stack trace.
 */
const REQUESTS = Number(process.env.HOSTILE_REQUESTS ?? scaled(2_000, 10_000));

const hostileSegment = fc.oneof(
  fc.constantFrom(
    '%2e%2e',
    '%2E%2E%2F%2E%2E',
    '%2e%2e%2f',
    '..%2f..%2fetc%2fpasswd',
    '%00',
    '%ff',
    '%E0%A4%A',
    "'",
    "' OR '1'='1",
    '"; DROP TABLE c; --',
    'SELECT * FROM c',
    '${7*7}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '%3Cscript%3E',
    'null',
    'undefined',
    '-1',
    '0',
    '1e309',
    'NaN',
    '6f9619ff-8b86-d011-b42d-00c04fc964ff',
    '6F9619FF-8B86-D011-B42D-00C04FC964FF',
    '00000000-0000-0000-0000-000000000000',
    'con',
    'nul',
    '%2e',
    '%E2%80%AE%00%ED%A0%80',
    encodeURIComponent('🤖'.repeat(50)),
    'a'.repeat(2_000),
    'member:someone',
    '%23',
    '%3F',
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.uuid(),
);

const hostileQuery = fc.dictionary(
  fc.constantFrom('pageSize', 'continuationToken', 'q', 'top', '$filter', 'pageSize[]'),
  fc.oneof(
    hostileSegment,
    fc.integer({ min: -5, max: 1_000 }).map(String),
    fc.base64String({ maxLength: 200 }),
    fc.json({ maxDepth: 2 }).map(encodeURIComponent),
  ),
  { maxKeys: 3 },
);

const hostileHeaders = fc.record(
  {
    'if-match': fc.oneof(
      fc.constant('*'),
      fc.constant('"x"'),
      fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    ),
    'idempotency-key': fc.string({ maxLength: 200 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/xml', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x'),
  },
  { requiredKeys: [] },
);

const hostileBody = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(
    '{',
    '[',
    '{"name": "\\ud800"}',
    '{"__proto__": {"admin": true}}',
    '{"constructor": {"prototype": {"x": 1}}}',
    '['.repeat(5_000) + ']'.repeat(5_000),
  ),
);

let admin: ApiClient;
let envId: string;
let groupId: string;
let sent = 0;
const statuses = new Map<number, number>();

beforeAll(async () => {
  const setup = await groupEnvironment();
  admin = setup.admin;
  envId = setup.envId;
  groupId = (await createGroup(admin, envId, setup.imageId)).id;
});

afterAll(() => {
  console.log(`hostile requests: ${sent} sent; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
});

describe('hostile requests on every route', () => {
  it(`${REQUESTS} generated requests: only 2xx or 4xx problem+json, never 5xx or a stack trace`, async () => {
    const targets = apiRoutes.map((r) => ({ method: r.method, route: r.route }));
    const request = fc.record({
      target: fc.constantFrom(...targets),
      realEnv: fc.boolean(),
      realGroup: fc.boolean(),
      segment: hostileSegment,
      query: hostileQuery,
      headers: hostileHeaders,
      body: hostileBody,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ target, realEnv, realGroup, segment, query, headers, body }) => {
        const path = target.route
          .replace('{env}', realEnv ? envId : segment)
          .replace(/\{(id|groupId)\}/, realGroup ? groupId : segment)
          .replace(/\{[^}]+\}/g, segment);
        const qs = new URLSearchParams(query).toString();
        const res = await admin.request(target.method, `${path}${qs ? `?${qs}` : ''}`, target.method === 'GET' ? undefined : body, headers);
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const context = `${target.method} /api/${path}?${qs} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type'), context).toBe('application/problem+json');
        // a quota (QueueFull, TooManyRequests) or a throttled dependency: always with the seconds to wait
        if (res.status === 429) expect(res.headers.get('retry-after'), context).toMatch(/^[1-9]\d*$/);
        expect(res.text, context).not.toMatch(/\bat [\w$.<>]+ \(.*:\d+:\d+\)|node:internal|\/work\//);
      }),
      { numRuns: REQUESTS, endOnFailure: true },
    );
    expect(sent).toBe(REQUESTS);
  }, 600_000);
});
