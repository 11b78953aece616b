import { describe, expect, it } from 'vitest';
import { RUNS_CONTAINER } from '../../app/config/infra-definitions.js';
import { anEnvironment } from '../e2e/e2e-world.js';
import { aRun, createRunWorld } from '../support/run-fixtures.js';
import { sleep, useFaultWorld } from './fault-world.js';

/**
 * The audit log under a failing store (issue 21: "written in the same transaction or batch as the change where the
 * store allows, and otherwise shown to be never lost"). The change and its entry are two writes (the entry in the
 * environment's partition of the control container, the change wherever it lives, runs in another container), so
 * the entry is written after the change, idempotently, with retries (CosmosAuditLog.record). Here Cosmos answers
 * 503 to a share of every data request, the audit writes included: every write the API acknowledged has its entry.
 */
const world = useFaultWorld({});

// with 30 writes at 15 %, some audit write fails at least once with a probability above 99 %
const WRITES = 30;

async function until2xx<T>(what: string, call: () => Promise<{ status: number; body: T; text: string }>): Promise<T> {
  for (let attempt = 1; attempt <= 40; attempt++) {
    const res = await call().catch(() => undefined);
    if (res && res.status < 300) return res.body;
    // 409 Conflict "retry": an earlier attempt's write happened before a later step of it failed
    if (res && res.status < 500 && res.status !== 429 && res.status !== 409) throw new Error(`${what}: ${res.status} ${res.text}`);
    await sleep(Math.min(100 * attempt, 1_000));
  }
  throw new Error(`${what}: gave up`);
}

describe('faults: audit entries under Cosmos 503s', () => {
  it('files an entry for every acknowledged write although a share of the audit writes fail', async () => {
    const { admin, cloud, logs } = world();
    const envId = await anEnvironment(admin, 2);
    const { faults, counters } = cloud.cosmos;
    const before = counters.unavailable;
    const targets = Array.from({ length: WRITES }, (_, i) => `audit-fault-${i}-${envId.slice(0, 8)}`);
    faults.unavailableRate = 0.15;
    try {
      for (const userId of targets) {
        await until2xx(`member ${userId}`, () => admin.put(`environments/${envId}/members/${userId}`, { roles: ['BasicUser'] }));
      }
    } finally {
      faults.unavailableRate = 0;
    }
    expect(counters.unavailable - before, 'faults were injected').toBeGreaterThan(0);

    for (const userId of targets) {
      const page = await until2xx(`audit of ${userId}`, () =>
        admin.get<{ items: Array<{ action: string; targetId: string }> }>(`environments/${envId}/audit?targetId=${userId}`),
      );
      expect(
        page.items.map((e) => e.action),
        `entry for ${userId}`,
      ).toContain('setMemberRoles');
    }
    expect(logs.filter((l) => l.includes('audit entry not written'))).toEqual([]);
  }, 240_000);
});

describe('faults: a write whose confirmation never comes', () => {
  it('keeps its write-ahead entry, unconfirmed, as when the host dies between the change and the confirmation', async () => {
    const { admin, cloud } = world();
    const envId = await anEnvironment(admin, 2);
    const userId = `audit-unconfirmed-${envId.slice(0, 8)}`;
    // the confirmation is the only upsert the app makes: refusing every upsert is a host that never gets to it
    cloud.cosmos.faults.unavailableWhen = (req) => req.method === 'POST' && req.headers['x-ms-documentdb-is-upsert'] === 'true';
    try {
      const res = await admin.put(`environments/${envId}/members/${userId}`, { roles: ['BasicUser'] });
      expect(res.status, res.text).toBeLessThan(300);
    } finally {
      cloud.cosmos.faults.unavailableWhen = undefined;
    }
    const page = await until2xx('audit', () =>
      admin.get<{ items: Array<{ action: string; outcome: string; status: number }> }>(`environments/${envId}/audit?targetId=${userId}`),
    );
    expect(page.items).toEqual([expect.objectContaining({ action: 'setMemberRoles', outcome: 'unconfirmed', status: 0 })]);

    // and a write the service refused (here: no such group) changed nothing: its write-ahead entry is removed
    const missing = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
    const refused = await admin.patch(`environments/${envId}/groups/${missing}`, { maxBots: 1 });
    expect(refused.status).toBe(404);
    const none = await until2xx('audit', () => admin.get<{ items: unknown[] }>(`environments/${envId}/audit?targetId=${missing}`));
    expect(none.items).toEqual([]);
  }, 120_000);
});

describe('faults: a submitted run whose write fails', () => {
  it('has its implied entry, filed before the run, marked unconfirmed: it names a run that does not exist', async () => {
    const { admin, cloud } = world();
    const runWorld = await createRunWorld(admin);
    // the run's create (a POST to the runs container that is neither a query nor an upsert) fails as a store outage would
    cloud.cosmos.faults.unavailableWhen = (req) =>
      req.method === 'POST' &&
      (req.url ?? '').includes(`/colls/${RUNS_CONTAINER}/docs`) &&
      req.headers['x-ms-documentdb-isquery'] !== 'true' &&
      req.headers['x-ms-cosmos-is-query-plan-request'] !== 'true' &&
      req.headers['x-ms-documentdb-is-upsert'] !== 'true';
    let status: number;
    try {
      status = (await admin.post(`environments/${runWorld.envId}/runs`, aRun(runWorld))).status;
    } finally {
      cloud.cosmos.faults.unavailableWhen = undefined;
    }
    expect(status).toBeGreaterThanOrEqual(500);
    const page = await until2xx('audit', () =>
      admin.get<{ items: Array<{ action: string; outcome: string; status: number; targetId: string }> }>(`environments/${runWorld.envId}/audit`),
    );
    const entry = page.items.find((e) => e.action === 'submitRun');
    expect(entry).toMatchObject({ outcome: 'unconfirmed', status: 0 });
    expect((await admin.get(`environments/${runWorld.envId}/runs/${entry?.targetId ?? ''}`)).status).toBe(404);
  }, 120_000);
});
