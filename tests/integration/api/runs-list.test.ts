import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppClients } from '../../../composition/root/clients.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { aConnection, builtInImageId, createGroup, removeGroupDocument, shareGroup } from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';
import { createRunWorld, inProcessServices, runsPath, submit, type RunBody, type RunWorld } from '../../support/run-fixtures.js';

// GET /environments/{env}/runs (PRODUCT.md, turn 2 "New routes"): the runs a caller may see, newest first, filtered, paged.

interface RunList {
  items: RunBody[];
  continuationToken?: string;
}

let admin: ApiClient;
let deps: AppClients;
let w: RunWorld;
let other: RunWorld;
/** the admin's group: runs a, b, c (c cancelled); the second group (shared with `user`): d by `user`; e on a group later deleted, by `user` */
let runs: Record<'a' | 'b' | 'c' | 'd' | 'e', RunBody>;
let user: ApiClient;
let stranger: ApiClient;
let secondGroupId: string;
let deletedGroupId: string;

async function list(client: ApiClient, envId: string, query = ''): Promise<RunList> {
  const res = await client.get<RunList>(`${runsPath(envId)}${query}`);
  if (res.status !== 200) throw new Error(`list: ${res.status} ${res.text}`);
  return res.body;
}

const ids = (body: RunList) => body.items.map((r) => r.id);

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  deps = inProcessServices();
  // groups first, then capacity 0: no bot ever takes these runs
  w = await createRunWorld(admin, (await createEnvironment(admin, { capacity: 4 })).id);
  other = await createRunWorld(admin);
  user = await clientFor({ name: 'Uma User' });
  stranger = await clientFor();
  await addMember(admin, w.envId, user, ['BasicUser']);
  await addMember(admin, w.envId, stranger, ['BasicUser']);
  const image = await builtInImageId(admin, w.envId);
  const second = await createGroup(admin, w.envId, image, { name: 'Second', committedBots: 0 });
  const doomed = await createGroup(admin, w.envId, image, { name: 'Doomed', committedBots: 0 });
  secondGroupId = second.id;
  deletedGroupId = doomed.id;
  expect((await admin.patch(`environments/${w.envId}`, { capacity: 0 })).status).toBe(200);
  await shareGroup(admin, w.envId, second.id, [{ userId: user.userId, permission: 'User' }]);
  await shareGroup(admin, w.envId, doomed.id, [{ userId: user.userId, permission: 'User' }]);
  const connect = async (groupId: string) => {
    const res = await user.post<{ id: string }>(`environments/${w.envId}/connections`, aConnection(groupId));
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const userWorld = { ...w, client: user, groupId: second.id, connectionId: await connect(second.id) };
  const doomedWorld = { ...w, client: user, groupId: doomed.id, connectionId: await connect(doomed.id) };
  const a = await submit(w);
  const b = await submit(w, { priority: 'High' });
  const c = await submit(w);
  expect((await admin.post(`${runsPath(w.envId)}/${c.id}/cancel`)).status).toBe(200);
  const d = await submit(userWorld);
  const e = await submit(doomedWorld);
  // the group goes (its document removed, as a user's DELETE does): its runs stay listed to their submitter and admins
  await removeGroupDocument(w.envId, doomed.id);
  await submit(other);
  runs = { a, b, c, d, e };
}, 60_000);

afterAll(async () => {
  await deps?.queues.close();
});

describe('GET /environments/{env}/runs', () => {
  it("lists every run of the environment, newest first, to a SystemAdministrator; never another environment's", async () => {
    const body = await list(admin, w.envId);
    expect(ids(body)).toEqual([runs.e.id, runs.d.id, runs.c.id, runs.b.id, runs.a.id]);
    expect(body.items[0]).toMatchObject({ groupId: deletedGroupId, submittedBy: user.userId, submittedByName: 'Uma User' });
    expect(body.items[0]).not.toHaveProperty('inputs');
    expect(ids(await list(admin, other.envId))).toHaveLength(1);
    expect(ids(await list(admin, other.envId))).not.toContain(runs.a.id);
  });

  it('shows a member the runs of groups it may use and its own runs (of a deleted group too), nothing else', async () => {
    expect(ids(await list(user, w.envId))).toEqual([runs.e.id, runs.d.id]);
    expect(ids(await list(stranger, w.envId))).toEqual([]);
    // a share on the admin's group makes its runs visible
    await shareGroup(admin, w.envId, w.groupId, [{ userId: stranger.userId, permission: 'User' }]);
    expect(ids(await list(stranger, w.envId))).toEqual([runs.c.id, runs.b.id, runs.a.id]);
    await shareGroup(admin, w.envId, w.groupId, []);
    expect(ids(await list(stranger, w.envId))).toEqual([]);
    // not a member: 404, as every route of an environment
    expect((await (await clientFor()).get(runsPath(w.envId))).status).toBe(404);
  });

  it('filters by state, groupId, desktopFlowId, submittedBy and queuedAt (from, to), combined', async () => {
    expect(ids(await list(admin, w.envId, '?state=Cancelled'))).toEqual([runs.c.id]);
    expect(ids(await list(admin, w.envId, `?groupId=${w.groupId}&state=Queued`))).toEqual([runs.b.id, runs.a.id]);
    expect(ids(await list(admin, w.envId, `?groupId=${secondGroupId}`))).toEqual([runs.d.id]);
    expect(ids(await list(admin, w.envId, `?desktopFlowId=${w.flowId}&groupId=${w.groupId}`))).toEqual([runs.c.id, runs.b.id, runs.a.id]);
    expect(ids(await list(admin, w.envId, `?desktopFlowId=${other.flowId}`))).toEqual([]);
    expect(ids(await list(admin, w.envId, `?submittedBy=${encodeURIComponent(user.userId)}`))).toEqual([runs.e.id, runs.d.id]);
    const from = encodeURIComponent(runs.b.queuedAt);
    const to = encodeURIComponent(runs.d.queuedAt);
    expect(ids(await list(admin, w.envId, `?from=${from}&to=${to}`))).toEqual([runs.d.id, runs.c.id, runs.b.id]);
    // an offset is the same instant
    const plusTwo = new Date(Date.parse(runs.c.queuedAt) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(ids(await list(admin, w.envId, `?to=${encodeURIComponent(plusTwo)}`))).toEqual([runs.c.id, runs.b.id, runs.a.id]);
    expect(ids(await list(admin, w.envId, `?groupId=${deletedGroupId}`))).toEqual([runs.e.id]);
  });

  it('pages newest first, each run once, with tokens good only for the same filters', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const body = await list(admin, w.envId, `?pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(body));
      token = body.continuationToken;
      pages++;
    } while (token);
    expect(seen).toEqual([runs.e.id, runs.d.id, runs.c.id, runs.b.id, runs.a.id]);
    expect(pages).toBe(3);

    const first = await list(admin, w.envId, '?pageSize=1');
    const sameFilters = await list(admin, w.envId, `?pageSize=1&continuationToken=${encodeURIComponent(first.continuationToken ?? '')}`);
    expect(ids(sameFilters)).toEqual([runs.d.id]);
    const otherFilters = await admin.get(`${runsPath(w.envId)}?pageSize=1&state=Queued&continuationToken=${encodeURIComponent(first.continuationToken ?? '')}`);
    expect(otherFilters.status).toBe(400);
    expect(otherFilters.body).toMatchObject({ code: 'InvalidContinuationToken' });
    const otherEnvironment = await admin.get(`${runsPath(other.envId)}?continuationToken=${encodeURIComponent(first.continuationToken ?? '')}`);
    expect(otherEnvironment.status).toBe(400);
  });

  it('refuses filters of the wrong type, from after to and unknown parameters with 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['?state=Sleeping', 'state'],
      ['?groupId=not-a-guid', 'groupId'],
      ['?desktopFlowId=42', 'desktopFlowId'],
      ['?submittedBy=%20', 'submittedBy'],
      ['?from=yesterday', 'from'],
      ['?to=2026-13-01T00:00:00Z', 'to'],
      ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['?status=Queued', 'status'],
      ['?state=Queued&state=Running', 'state'],
    ];
    for (const [query, field] of cases) {
      const res = await admin.get(`${runsPath(w.envId)}${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors, query).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });
});
