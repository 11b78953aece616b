import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import { cosmosDefinitions, RUNS_CONTAINER } from '../../../app/config/infra-definitions.js';
import { definitionHashOf } from '../../../domain/desktop-flow.js';
import { claimedBy, ended, queuedRun } from '../../../domain/run.js';
import { MAX_BODY_BYTES } from '../../../api/http/json-body.js';
import { idempotencyRecordId, IDEMPOTENCY_TTL_SECONDS } from '../../../app/runs/idempotency.js';
import { aGroupWithFlow } from '../../e2e/e2e-world.js';
import { clientFor, localCloud, type ApiClient } from '../../support/api-client.js';
import { createEnvironment } from '../../support/fixtures.js';
import { alterRunsDocument, rawDocumentsOf } from '../../support/group-fixtures.js';

/**
 * Capacity 0 once the group exists (a group's maxBots may not exceed the capacity when it is made, and the capacity
 * may go below it after): the environment's controller starts no bot, so nothing but the test touches its runs.
 */
async function runNoBots(admin: ApiClient, envId: string): Promise<void> {
  expect((await admin.patch(`environments/${envId}`, { capacity: 0 })).status).toBe(200);
}

/** The bounds of docs/reliability.md ("Limits"), on the API of the shared local cloud. */
describe('limits', () => {
  it(`refuses a body over ${MAX_BODY_BYTES} bytes with 413 problem+json, on any route with a body`, async () => {
    const admin = await clientFor({ platformAdmin: true });
    const envId = (await createEnvironment(admin, { capacity: 1 })).id;
    const g = await aGroupWithFlow(admin, envId, 'Limits', 1, [{ wait: { ms: 1 } }]);
    await runNoBots(admin, envId);
    const padding = (bytes: number) => 'x'.repeat(bytes);
    const over = JSON.stringify({ connectionId: g.connectionId, desktopFlowId: g.flowId, inputs: { blob: padding(MAX_BODY_BYTES) } });
    for (const path of [`environments/${envId}/runs`, 'environments', `environments/${envId}/desktop-flows`]) {
      const res = await admin.post(path, over);
      expect(res.status, path).toBe(413);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    }
    // just under the limit the body is read and judged on its fields: the inputs are over their own 64 KiB
    const under = JSON.stringify({ connectionId: g.connectionId, desktopFlowId: g.flowId, inputs: { blob: padding(MAX_BODY_BYTES - 200) } });
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const judged = await admin.post(`environments/${envId}/runs`, under);
    expect(judged.status).toBe(400);
  });

  it('pages lists 1..200 items, 50 by default', { timeout: 60_000 }, async () => {
    const admin = await clientFor({ platformAdmin: true });
    const envId = (await createEnvironment(admin, { capacity: 1 })).id;
    const g = await aGroupWithFlow(admin, envId, 'Paged', 1, [{ wait: { ms: 1 } }]);
    await runNoBots(admin, envId);
    // 205 ended runs, written as the runs feature writes them (a submission each would take minutes)
    const cosmos = new CosmosClient({
      endpoint: localCloud().settings.COSMOS_ENDPOINT ?? '',
      key: localCloud().settings.COSMOS_KEY,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    try {
      const runs = cosmos.database(cosmosDefinitions.databaseName).container(RUNS_CONTAINER);
      const flow = { id: g.flowId, name: 'Paged', version: 1, definitionHash: definitionHashOf({ steps: [{ wait: { ms: 1 } }] }) };
      const t0 = Date.now();
      for (let i = 0; i < 205; i++) {
        const queued = queuedRun(
          {
            id: randomUUID(),
            environmentId: envId,
            groupId: g.groupId,
            connectionId: g.connectionId,
            desktopFlow: flow,
            inputs: {},
            priority: 'Normal',
            timeoutMinutes: 60,
            submittedBy: admin.userId,
          },
          new Date(t0 + i),
        );
        await runs.items.create(ended(claimedBy(queued, 'bot-1', new Date(t0 + i)), 'Succeeded', {}, new Date(t0 + 1_000 + i)));
      }
    } finally {
      cosmos.dispose();
    }
    const path = `environments/${envId}/groups/${g.groupId}/runs`;
    const first = await admin.get<{ items: unknown[]; continuationToken?: string }>(path);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.continuationToken).toBeTruthy();
    const big = await admin.get<{ items: unknown[]; continuationToken?: string }>(`${path}?pageSize=200`);
    expect(big.body.items).toHaveLength(200);
    const rest = await admin.get<{ items: unknown[]; continuationToken?: string }>(
      `${path}?pageSize=200&continuationToken=${encodeURIComponent(big.body.continuationToken ?? '')}`,
    );
    expect(rest.body.items).toHaveLength(5);
    expect(rest.body.continuationToken).toBeUndefined();
    for (const bad of ['0', '201', '-1', '1.5', 'ten']) {
      const res = await admin.get<{ errors?: Array<{ field: string }> }>(`${path}?pageSize=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.errors?.[0]?.field).toBe('pageSize');
    }
  });

  it('keeps an Idempotency-Key 24 hours: the same key makes no second run until then, and a new one after', async () => {
    const admin = await clientFor({ platformAdmin: true });
    const envId = (await createEnvironment(admin, { capacity: 1 })).id;
    const g = await aGroupWithFlow(admin, envId, 'Keys', 1, [{ wait: { ms: 1 } }]);
    await runNoBots(admin, envId);
    const body = (n: number) => ({ connectionId: g.connectionId, desktopFlowId: g.flowId, inputs: { n }, priority: 'Normal' });
    const key = { 'idempotency-key': 'retention-1' };
    const first = await admin.post<{ id: string }>(`environments/${envId}/runs`, body(1), key);
    expect(first.status).toBe(202);
    const recordId = idempotencyRecordId(envId, admin.userId, 'retention-1');
    const record = (await rawDocumentsOf(envId, 'runs')).find((d) => d.id === recordId);
    expect(record).toMatchObject({ runId: first.body.id, ttl: IDEMPOTENCY_TTL_SECONDS });
    const keptFor = Date.parse(String(record?.expiresAt)) - Date.parse(String(record?.createdAt));
    expect(keptFor).toBe(24 * 3600 * 1000);
    // within the 24 hours: the first run, or 422 for another body
    expect((await admin.post<{ id: string }>(`environments/${envId}/runs`, body(1), key)).body.id).toBe(first.body.id);
    expect((await admin.post(`environments/${envId}/runs`, body(2), key)).status).toBe(422);
    // 24 hours later (the record's expiry moved into the past, as time would): the key is free again
    await alterRunsDocument(envId, recordId, (doc) => ({ ...doc, expiresAt: new Date(Date.now() - 1_000).toISOString() }));
    const later = await admin.post<{ id: string }>(`environments/${envId}/runs`, body(2), key);
    expect(later.status).toBe(202);
    expect(later.body.id).not.toBe(first.body.id);
  });
});
