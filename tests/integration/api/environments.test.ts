import { beforeAll, describe, expect, it } from 'vitest';
import { anonymousClient, clientFor, type ApiClient } from '../../support/api-client.js';
import { rawDocuments } from '../../support/connection-fixtures.js';
import { addMember, aPaidEnvironment, aTrialEnvironment, createEnvironment } from '../../support/fixtures.js';

let platformAdmin: ApiClient;

beforeAll(async () => {
  platformAdmin = await clientFor({ platformAdmin: true, name: 'Pat Admin' });
});

describe('POST /environments', () => {
  it('creates an environment in its geography region; the creator becomes SystemAdministrator', async () => {
    const res = await platformAdmin.post('environments', aPaidEnvironment({ geography: 'Germany' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ geography: 'Germany', region: 'germanywestcentral', plan: 'paid', capacity: 20, hostedRpaEnabled: true });
    expect(res.headers.get('etag')).toBe(`"${res.body.etag}"`);
    expect(res.headers.get('location')).toBe(`${platformAdmin.baseUrl}/api/environments/${res.body.id}`);
    const members = await platformAdmin.get<{ items: Array<{ userId: string; roles: string[] }> }>(`environments/${res.body.id}/members`);
    expect(members.body.items).toEqual([expect.objectContaining({ userId: platformAdmin.userId, roles: ['SystemAdministrator'] })]);
  });

  it('refuses UAE and Korea with a clear 422, and unknown geographies with 400', async () => {
    for (const geography of ['UnitedArabEmirates', 'Korea']) {
      const res = await platformAdmin.post('environments', aPaidEnvironment({ geography }));
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 422, reason: 'GeographyNotSupported' });
      expect(String(res.body.detail)).toContain(geography);
    }
    const unknown = await platformAdmin.post('environments', aPaidEnvironment({ geography: 'Atlantis' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'geography' })]);
  });

  it('needs a token (401) and the Platform.Admin role (403)', async () => {
    const anonymous = await anonymousClient().post('environments', aPaidEnvironment());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ status: 401, code: 'Unauthenticated' });
    const plainUser = await (await clientFor()).post('environments', aPaidEnvironment());
    expect(plainUser.status).toBe(403);
  });

  it('refuses malformed JSON, unknown fields and out-of-range values with 400 and a field list', async () => {
    expect((await platformAdmin.post('environments', '{"name": ')).status).toBe(400);
    const unknownField = await platformAdmin.post('environments', aPaidEnvironment({ colour: 'blue' }));
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body.errors)).toContain('colour');
    const badCapacity = await platformAdmin.post('environments', aPaidEnvironment({ capacity: -1 }));
    expect(badCapacity.status).toBe(400);
    expect(badCapacity.body.errors).toEqual([expect.objectContaining({ field: 'capacity' })]);
  });
});

describe('GET and PATCH /environments/{env}', () => {
  it('answers 404 to non-members, for an existing id exactly as for a random one', async () => {
    const env = await createEnvironment(platformAdmin);
    const stranger = await clientFor({ platformAdmin: true });
    const existing = await stranger.get(`environments/${env.id}`);
    const random = await stranger.get('environments/6f9619ff-8b86-d011-b42d-00c04fc964ff');
    expect(existing.status).toBe(404);
    expect(random.status).toBe(404);
    expect(existing.body.detail).toBe(random.body.detail);
    expect((await stranger.get('environments/not-a-guid')).status).toBe(404);
  });

  it('honours If-Match: a stale etag is 412, the current one applies the change', async () => {
    const env = await createEnvironment(platformAdmin);
    const first = await platformAdmin.patch(`environments/${env.id}`, { capacity: 30 }, { 'if-match': env.etag });
    expect(first.status).toBe(200);
    expect(first.body.capacity).toBe(30);
    const stale = await platformAdmin.patch(`environments/${env.id}`, { capacity: 40 }, { 'if-match': env.etag });
    expect(stale.status).toBe(412);
    const current = await platformAdmin.patch(`environments/${env.id}`, { hostedRpaEnabled: false }, { 'if-match': String(first.body.etag) });
    expect(current.body).toMatchObject({ capacity: 30, hostedRpaEnabled: false });
  });

  it('answers a poller with 304 while nothing changed (If-None-Match), in full once it has', async () => {
    const env = await createEnvironment(platformAdmin);
    const first = await platformAdmin.get(`environments/${env.id}`);
    const tag = first.headers.get('etag') ?? '';
    expect(tag).not.toBe('');
    const unchanged = await platformAdmin.get(`environments/${env.id}`, { 'if-none-match': tag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    // a list has no stored etag: it gets a weak tag of its content
    const list = await platformAdmin.get(`environments/${env.id}/members`);
    const listTag = list.headers.get('etag') ?? '';
    expect(listTag.startsWith('W/"')).toBe(true);
    expect((await platformAdmin.get(`environments/${env.id}/members`, { 'if-none-match': listTag })).status).toBe(304);
    await platformAdmin.patch(`environments/${env.id}`, { capacity: 31 }, { 'if-match': tag });
    const changed = await platformAdmin.get(`environments/${env.id}`, { 'if-none-match': tag });
    expect(changed.status).toBe(200);
    expect(changed.body.capacity).toBe(31);
  });

  it('lets only a SystemAdministrator change it; every member may read it and its capacity', async () => {
    const env = await createEnvironment(platformAdmin);
    const maker = await clientFor();
    await addMember(platformAdmin, env.id, maker, ['EnvironmentMaker']);
    expect((await maker.get(`environments/${env.id}`)).status).toBe(200);
    expect((await maker.patch(`environments/${env.id}`, { capacity: 1 })).status).toBe(403);
    const capacity = await maker.get(`environments/${env.id}/capacity`);
    expect(capacity.status).toBe(200);
    expect(capacity.body).toEqual({ capacity: 20, parallelLimit: 20, committed: 0, inUse: 0, available: 20, groups: [] });
  });

  it('runs a trial at most 2 bots in parallel', async () => {
    const res = await platformAdmin.post('environments', aTrialEnvironment({ capacity: 5 }));
    const capacity = await platformAdmin.get(`environments/${res.body.id}/capacity`);
    expect(capacity.body).toMatchObject({ capacity: 5, parallelLimit: 2, available: 2 });
  });
});

describe('members', () => {
  it('adds, changes and deactivates members; a deactivated member sees nothing', async () => {
    const env = await createEnvironment(platformAdmin);
    const user = await clientFor();
    const added = await platformAdmin.put(`environments/${env.id}/members/${user.userId}`, { roles: ['BasicUser'] });
    expect(added.status).toBe(201);
    const changed = await platformAdmin.put(`environments/${env.id}/members/${user.userId}`, { roles: ['BasicUser', 'EnvironmentMaker'] });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['BasicUser', 'EnvironmentMaker']);
    expect((await user.get(`environments/${env.id}`)).status).toBe(200);
    expect((await platformAdmin.delete(`environments/${env.id}/members/${user.userId}`)).status).toBe(204);
    expect((await user.get(`environments/${env.id}`)).status).toBe(404);
    const members = await platformAdmin.get<{ items: Array<{ userId: string; active: boolean }> }>(`environments/${env.id}/members`);
    expect(members.body.items.find((m) => m.userId === user.userId)?.active).toBe(false);
  });

  it('refuses to remove the last SystemAdministrator, and unknown roles', async () => {
    const env = await createEnvironment(platformAdmin);
    const self = await platformAdmin.put(`environments/${env.id}/members/${platformAdmin.userId}`, { roles: ['BasicUser'] });
    expect(self.status).toBe(422);
    expect(self.body.reason).toBe('LastSystemAdministrator');
    expect((await platformAdmin.delete(`environments/${env.id}/members/${platformAdmin.userId}`)).status).toBe(422);
    expect((await platformAdmin.put(`environments/${env.id}/members/someone`, { roles: ['Overlord'] })).status).toBe(400);
  });

  it('keeps one SystemAdministrator when the last two are demoted or deactivated at the same time', async () => {
    for (const how of ['demote', 'deactivate', 'demote', 'deactivate'] as const) {
      const env = await createEnvironment(platformAdmin);
      const other = await clientFor();
      await addMember(platformAdmin, env.id, other, ['SystemAdministrator']);
      const remove = (userId: string) =>
        how === 'demote'
          ? platformAdmin.put(`environments/${env.id}/members/${userId}`, { roles: ['BasicUser'] })
          : platformAdmin.delete(`environments/${env.id}/members/${userId}`);
      const answers = await Promise.all([remove(platformAdmin.userId), remove(other.userId)]);
      const statuses = `${how}: ${answers.map((a) => a.status).join(', ')}`;
      const ok = (a: { status: number }) => a.status === 200 || a.status === 204;
      expect(answers.filter(ok), statuses).toHaveLength(1);
      // the other is refused: by the rule (422) or a lost race (409); or, when the caller's own demotion landed before
      // the second request read the caller's membership, because the caller is no SystemAdministrator any more (403)
      const [own, second] = answers;
      const refusals = own && ok(own) ? [422, 409, 403] : [422, 409];
      expect(refusals, statuses).toContain((ok(own ?? { status: 0 }) ? second : own)?.status);
      const members = (await rawDocuments(env.id)).filter((d) => d.type === 'member') as Array<{ active: boolean; roles: string[] }>;
      expect(
        members.filter((m) => m.active && m.roles.includes('SystemAdministrator')),
        how,
      ).toHaveLength(1);
    }
  });

  it('lets only a SystemAdministrator manage members', async () => {
    const env = await createEnvironment(platformAdmin);
    const maker = await clientFor();
    await addMember(platformAdmin, env.id, maker, ['EnvironmentMaker']);
    expect((await maker.put(`environments/${env.id}/members/${maker.userId}`, { roles: ['SystemAdministrator'] })).status).toBe(403);
  });
});
