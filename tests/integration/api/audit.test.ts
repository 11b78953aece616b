import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { aConnection, builtInImageId, createGroup, GROUP_ACCOUNT, shareImage } from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';
import { expectStatus } from '../../support/group-fixtures.js';
import { aRun, createRunWorld, runPath, runsPath, submit } from '../../support/run-fixtures.js';

// GET /environments/{env}/audit (PRODUCT.md, turn 2 "New routes"): every write by a user or app, no secrets.

interface AuditList {
  items: Array<{
    id: string;
    at: string;
    actor: string;
    actorName?: string;
    actorIsApp: boolean;
    action: string;
    targetId: string;
    changedFields: string[];
    status: number;
  }>;
  continuationToken?: string;
}

let admin: ApiClient;
let maker: ApiClient;
let envId: string;
let groupId: string;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true, name: 'Ada Audit' });
  maker = await clientFor({ name: 'Max Maker' });
  envId = (await createEnvironment(admin, { capacity: 2 })).id;
  await addMember(admin, envId, maker, ['EnvironmentMaker']);
  const image = await builtInImageId(admin, envId);
  await shareImage(admin, envId, image, [{ userId: maker.userId, permission: 'User' }]);
  groupId = (await createGroup(maker, envId, image)).id;
  expect((await maker.post(`environments/${envId}/connections`, aConnection(groupId))).status).toBe(201);
  expect((await maker.patch(`environments/${envId}/groups/${groupId}`, { description: 'Invoices', account: { password: 'N3w-Gr0up!pass' } })).status).toBe(200);
  // reads and refused writes are not writes
  await maker.get(`environments/${envId}/groups/${groupId}`);
  expect((await maker.patch(`environments/${envId}`, { capacity: 5 })).status).toBe(403);
}, 30_000);

describe('GET /environments/{env}/audit', () => {
  it('lists every write newest first: who, what, on which target, the field names and never their values', async () => {
    const res = await admin.get<AuditList>(`environments/${envId}/audit`);
    expect(res.status).toBe(200);
    const actions = res.body.items.map((e) => e.action);
    expect(actions).toEqual(['updateGroup', 'createConnection', 'createGroup', 'setImageAccess', 'setMemberRoles', 'createEnvironment']);
    const [update] = res.body.items;
    expect(update).toMatchObject({
      actor: maker.userId,
      actorName: 'Max Maker',
      actorIsApp: false,
      targetId: groupId,
      changedFields: ['account', 'description'],
      status: 200,
    });
    expect(res.body.items.at(-1)).toMatchObject({ action: 'createEnvironment', actor: admin.userId, targetId: envId, status: 201 });
    expect(res.body.items.find((e) => e.action === 'setMemberRoles')).toMatchObject({ targetId: maker.userId, changedFields: ['roles'] });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('N3w-Gr0up!pass');
    expect(text).not.toContain(GROUP_ACCOUNT.password);
    const sorted = [...res.body.items].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    expect(sorted.map((e) => e.at)).toEqual(res.body.items.map((e) => e.at));
  });

  it('filters by actor, targetId and time, and pages', async () => {
    const byMaker = await admin.get<AuditList>(`environments/${envId}/audit?actor=${encodeURIComponent(maker.userId)}`);
    expect(byMaker.body.items.map((e) => e.action)).toEqual(['updateGroup', 'createConnection', 'createGroup']);
    const onGroup = await admin.get<AuditList>(`environments/${envId}/audit?targetId=${groupId}`);
    expect(onGroup.body.items.map((e) => e.action)).toEqual(['updateGroup', 'createGroup']);
    const all = (await admin.get<AuditList>(`environments/${envId}/audit`)).body.items;
    const from = encodeURIComponent(all[2]?.at ?? '');
    const to = encodeURIComponent(all[1]?.at ?? '');
    expect((await admin.get<AuditList>(`environments/${envId}/audit?from=${from}&to=${to}`)).body.items.map((e) => e.id)).toEqual([all[1]?.id, all[2]?.id]);

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page: AuditList = (
        await admin.get<AuditList>(`environments/${envId}/audit?pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`)
      ).body;
      seen.push(...page.items.map((e) => e.id));
      token = page.continuationToken;
    } while (token);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('is for SystemAdministrators (403 otherwise) and refuses bad filters (400)', async () => {
    expect((await maker.get(`environments/${envId}/audit`)).status).toBe(403);
    for (const [query, field] of [
      ['?from=soon', 'from'],
      ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['?actor=%20', 'actor'],
      ['?who=me', 'who'],
    ] as const) {
      const res = await admin.get(`environments/${envId}/audit${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors, query).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });
});

describe('the audit entry of a submitted run', () => {
  it('is filed once, before the run is written, in its final form: implied, 202, the run as its target', async () => {
    const world = await createRunWorld(admin);
    const run = await submit(world);
    const page = await admin.get<AuditList & { items: Array<{ outcome: string }> }>(`environments/${world.envId}/audit?targetId=${run.id}`);
    expect(page.body.items).toEqual([expect.objectContaining({ action: 'submitRun', targetId: run.id, status: 202, outcome: 'implied', actor: admin.userId })]);

    // a replay under the same Idempotency-Key names the first run, not the id drawn for it: its entry is confirmed so
    const key = { 'idempotency-key': `audit-${run.id.slice(0, 8)}` };
    const inputs = { invoice: 'INV-replayed' };
    const first = await submit(world, { inputs }, key);
    const again = expectStatus(await admin.post<{ id: string }>(runsPath(world.envId), aRun(world, { inputs }), key), 202, 'replay');
    expect(again.body.id).toBe(first.id);
    const onFirst = await admin.get<{ items: Array<{ action: string; outcome: string; status: number }> }>(
      `environments/${world.envId}/audit?targetId=${first.id}`,
    );
    expect(onFirst.body.items.map((e) => [e.action, e.outcome, e.status])).toEqual([
      ['submitRun', 'confirmed', 202],
      ['submitRun', 'implied', 202],
    ]);
  });

  it('of a resubmitted run is the same: filed once, implied, 202, the new run as its target; a refused resubmit leaves none', async () => {
    const world = await createRunWorld(admin);
    const original = await submit(world);
    const res = expectStatus(await admin.post<{ id: string }>(`${runPath(world.envId, original.id)}/resubmit`), 202, 'resubmit');
    expect(res.body.id).not.toBe(original.id);
    const page = await admin.get<AuditList & { items: Array<{ outcome: string }> }>(`environments/${world.envId}/audit?targetId=${res.body.id}`);
    expect(page.body.items).toEqual([
      expect.objectContaining({ action: 'resubmitRun', targetId: res.body.id, status: 202, outcome: 'implied', actor: admin.userId }),
    ]);

    // a replay under the same Idempotency-Key names the first new run: confirmed so, as a replayed submit
    const key = { 'idempotency-key': `audit-resubmit-${original.id.slice(0, 8)}` };
    const first = expectStatus(await admin.post<{ id: string }>(`${runPath(world.envId, original.id)}/resubmit`, undefined, key), 202, 'keyed');
    const again = expectStatus(await admin.post<{ id: string }>(`${runPath(world.envId, original.id)}/resubmit`, undefined, key), 202, 'replay');
    expect(again.body.id).toBe(first.body.id);
    const onFirst = await admin.get<{ items: Array<{ action: string; outcome: string; status: number }> }>(
      `environments/${world.envId}/audit?targetId=${first.body.id}`,
    );
    expect(onFirst.body.items.map((e) => [e.action, e.outcome, e.status])).toEqual([
      ['resubmitRun', 'confirmed', 202],
      ['resubmitRun', 'implied', 202],
    ]);

    const missing = await admin.post(`${runPath(world.envId, '00000000-0000-4000-8000-000000000000')}/resubmit`);
    expect(missing.status).toBe(404);
    const all = await admin.get<AuditList>(`environments/${world.envId}/audit?pageSize=100`);
    expect(all.body.items.filter((e) => e.action === 'resubmitRun')).toHaveLength(3);
  });
});
