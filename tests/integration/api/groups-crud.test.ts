import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import {
  aGroupBody,
  alterGroupDocument,
  createGroup,
  expectStatus,
  GROUP_PASSWORD,
  GROUP_USERNAME,
  groupEnvironment,
  groupPath,
  groupsPath,
  insertRuns,
  listGroups,
  memberOf,
  readGroup,
  shareGroupWith,
  type GroupBody,
  type GroupEnvironment,
} from '../../support/group-fixtures.js';

let admin: ApiClient;
let envId: string;
let imageId: string;

/** Each block gets its own environment: at most 10 groups fit in one. */
function inAFreshEnvironment(): void {
  beforeAll(async () => {
    const ctx: GroupEnvironment = await groupEnvironment({ capacity: 20 });
    ({ admin, envId, imageId } = ctx);
  });
}

describe('POST /environments/{env}/groups', () => {
  inAFreshEnvironment();

  it('creates a group owned by the caller: 201, Location, ETag, account {username} only', async () => {
    const body = aGroupBody(imageId, { maxBots: 4, committedBots: 1 });
    const res = await admin.post<GroupBody>(groupsPath(envId), body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: body.name,
      description: body.description,
      status: 'active',
      maintenance: false,
      maxBots: 4,
      committedBots: 1,
      imageId,
      runningCount: 0,
      queuedCount: 0,
      activeBots: 0,
      accessType: 'Owner',
      owner: admin.userId,
      account: { username: GROUP_USERNAME },
      provisioningErrorCount: 0,
    });
    expect(res.body.account).toEqual({ username: GROUP_USERNAME });
    expect(res.headers.get('etag')).toBe(`"${res.body.etag}"`);
    expect(res.headers.get('location')).toBe(`${admin.baseUrl}/api/${groupPath(envId, res.body.id)}`);
    // the create woke the environment's controller, which may have started the committed bot since
    expect(await readGroup(admin, envId, res.body.id)).toEqual({ ...res.body, activeBots: expect.any(Number) });
  });

  it.each([
    ['an empty name', { name: '' }, 'name'],
    ['a 101-character name', { name: 'x'.repeat(101) }, 'name'],
    ['a 2001-character description', { description: 'x'.repeat(2001) }, 'description'],
    ['maxBots 0', { maxBots: 0 }, 'maxBots'],
    ['maxBots 51', { maxBots: 51 }, 'maxBots'],
    ['maxBots 1.5', { maxBots: 1.5 }, 'maxBots'],
    ['committedBots -1', { committedBots: -1 }, 'committedBots'],
    ['an imageId that is no GUID', { imageId: 'default' }, 'imageId'],
    ['a reserved username', { account: { username: 'Administrator', password: 'Val1d-Passw0rd' } }, 'account.username'],
    ['a username with "@"', { account: { username: 'rpa@corp', password: 'Val1d-Passw0rd' } }, 'account.username'],
    ['a username ending in "."', { account: { username: 'rpa.', password: 'Val1d-Passw0rd' } }, 'account.username'],
    ['a 21-character username', { account: { username: 'r'.repeat(21), password: 'Val1d-Passw0rd' } }, 'account.username'],
    ['an 11-character password', { account: { username: 'rpa', password: 'Sh0rt-Pass!' } }, 'account.password'],
    ['a password of two classes', { account: { username: 'rpa', password: 'onlylowercase123' } }, 'account.password'],
    ['an account without password', { account: { username: 'rpa' } }, 'account.password'],
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['an unknown account field', { account: { username: 'rpa', password: 'Val1d-Passw0rd', domain: 'corp' } }, 'account.domain'],
  ])('refuses %s with 400 naming the field', async (_what, overrides, field) => {
    const res = await admin.post(groupsPath(envId), aGroupBody(imageId, overrides));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('refuses committedBots above maxBots with 422 CommittedExceedsMax, as an edit does (one rule, one answer)', async () => {
    const res = await admin.post(groupsPath(envId), aGroupBody(imageId, { maxBots: 2, committedBots: 3 }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'BusinessRuleViolated', reason: 'CommittedExceedsMax' });
  });

  it('refuses maxBots above the environment capacity with 422 MaxBotsExceedsCapacity, and takes it equal', async () => {
    const over = await admin.post(groupsPath(envId), aGroupBody(imageId, { maxBots: 21 }));
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 'MaxBotsExceedsCapacity', reason: 'MaxBotsExceedsCapacity' });
    expect(String(over.body.detail)).toContain('20');
    expect((await admin.post(groupsPath(envId), aGroupBody(imageId, { maxBots: 20 }))).status).toBe(201);
  });

  it('never echoes a refused password in the field errors', async () => {
    const password = 'weakpassword';
    const res = await admin.post(groupsPath(envId), aGroupBody(imageId, { account: { username: 'rpa', password } }));
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(password);
  });

  it('refuses a name already used, in any case, with 409 NameTaken', async () => {
    const first = await createGroup(admin, envId, imageId);
    const res = await admin.post(groupsPath(envId), aGroupBody(imageId, { name: ` ${first.name.toUpperCase()} ` }));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'NameTaken', reason: 'NameTaken' });
  });

  it('needs access to the image (403), and a role that may create groups (403)', async () => {
    const maker = await memberOf(admin, envId, ['EnvironmentMaker']);
    const notShared = await maker.post(groupsPath(envId), aGroupBody(imageId));
    expect(notShared.status).toBe(403);
    const missing = await admin.post(groupsPath(envId), aGroupBody('6f9619ff-8b86-d011-b42d-00c04fc964ff'));
    expect(missing.status).toBe(403);
    const imageAdmin = await memberOf(admin, envId, ['DesktopFlowsMachineImageAdmin']);
    expect((await imageAdmin.post(groupsPath(envId), aGroupBody(imageId))).status).toBe(403);
  });

  it('answers 404 to callers who are not members of the environment', async () => {
    const stranger = await clientFor({ platformAdmin: true });
    expect((await stranger.post(groupsPath(envId), aGroupBody(imageId))).status).toBe(404);
    expect((await stranger.get(groupsPath(envId))).status).toBe(404);
  });
});

describe('GET /environments/{env}/groups and /groups/{id}', () => {
  inAFreshEnvironment();

  it('lists visible groups with run counts from the runs container and bot counts', async () => {
    const group = await createGroup(admin, envId, imageId);
    // in maintenance, so that the environment's controller (woken by group edits) starts no bot for the queued runs
    expect((await admin.patch(groupPath(envId, group.id), { maintenance: true })).status).toBe(200);
    await insertRuns(envId, group.id, ['Queued', 'Queued', 'Running', 'Succeeded', 'Failed']);
    const listed = (await listGroups(admin, envId)).find((g) => g.id === group.id);
    expect(listed).toMatchObject({ id: group.id, runningCount: 1, queuedCount: 2, activeBots: 0, accessType: 'Owner', owner: admin.userId });
    expect(listed).not.toHaveProperty('account');
    const details = await readGroup(admin, envId, group.id);
    expect(details).toMatchObject({ runningCount: 1, queuedCount: 2, account: { username: GROUP_USERNAME }, provisioningErrorCount: 0 });
  });

  it('answers 404 for a missing group, a path id that is no GUID, and a group the caller may not see', async () => {
    const group = await createGroup(admin, envId, imageId);
    expect((await admin.get(groupPath(envId, '6f9619ff-8b86-d011-b42d-00c04fc964ff'))).status).toBe(404);
    expect((await admin.get(groupPath(envId, 'not-a-guid'))).status).toBe(404);
    const maker = await memberOf(admin, envId, ['EnvironmentMaker']);
    const hidden = await maker.get(groupPath(envId, group.id));
    expect(hidden.status).toBe(404);
    expect((await listGroups(maker, envId)).map((g) => g.id)).not.toContain(group.id);
  });

  it('serves provisioning errors newest first, and their count in the details', async () => {
    const group = await createGroup(admin, envId, imageId);
    const errors = [
      { at: '2026-01-01T10:00:00.000Z', botId: 'bot-1', reason: 'QuotaExceeded' },
      { at: '2026-01-03T10:00:00.000Z', botId: 'bot-3', reason: 'ImageNotFound' },
      { at: '2026-01-02T10:00:00.000Z', botId: 'bot-2', reason: 'AllocationFailed' },
    ];
    await alterGroupDocument(envId, group.id, (doc) => ({ ...doc, provisioningErrors: errors }));
    const res = await admin.get<{ items: Array<{ botId: string }> }>(`${groupPath(envId, group.id)}/errors`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => e.botId)).toEqual(['bot-3', 'bot-2', 'bot-1']);
    expect((await readGroup(admin, envId, group.id)).provisioningErrorCount).toBe(3);
  });
});

describe('PATCH /environments/{env}/groups/{id}', () => {
  inAFreshEnvironment();

  it('edits bot counts, image, description, maintenance and name under If-Match', async () => {
    const group = await createGroup(admin, envId, imageId, { maxBots: 2 });
    const res = await admin.patch<GroupBody>(
      groupPath(envId, group.id),
      { maxBots: 5, committedBots: 2, description: 'Night shift', maintenance: true, name: `${group.name} (EU)`, imageId },
      { 'if-match': group.etag },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ maxBots: 5, committedBots: 2, description: 'Night shift', maintenance: true, name: `${group.name} (EU)` });
    expect(res.headers.get('etag')).toBe(`"${res.body.etag}"`);
    expect(res.body.etag).not.toBe(group.etag);
    const capacity = await admin.get<{ groups: Array<{ groupId: string; committed: number; maxBots: number; name: string }> }>(
      `environments/${envId}/capacity`,
    );
    expect(capacity.body.groups.find((g) => g.groupId === group.id)).toMatchObject({ committed: 2, maxBots: 5, name: `${group.name} (EU)` });
  });

  it('refuses a stale If-Match with 412 and changes nothing', async () => {
    const group = await createGroup(admin, envId, imageId);
    expectStatus(await admin.patch(groupPath(envId, group.id), { description: 'first' }, { 'if-match': group.etag }), 200, 'first edit');
    const stale = await admin.patch(groupPath(envId, group.id), { description: 'second' }, { 'if-match': group.etag });
    expect(stale.status).toBe(412);
    expect((await readGroup(admin, envId, group.id)).description).toBe('first');
  });

  describe('refusals that leave the group unchanged', () => {
    let group: GroupBody;
    beforeAll(async () => {
      group = await createGroup(admin, envId, imageId, { maxBots: 2, committedBots: 2 });
      // another group's commitment, so that this one's committed bots can exceed what is left of the capacity of 20
      await createGroup(admin, envId, imageId, { maxBots: 2, committedBots: 2 });
    });

    it.each([
      // the same rule answers alike whether both values are in the body or one is stored (issue #17)
      ['committedBots above maxBots in one body', { maxBots: 2, committedBots: 3 }, 422, 'CommittedExceedsMax'],
      ['committedBots above the stored maxBots', { committedBots: 3 }, 422, 'CommittedExceedsMax'],
      ['maxBots below the stored committedBots', { maxBots: 1 }, 422, 'CommittedExceedsMax'],
      ['maxBots above the environment capacity', { maxBots: 21 }, 422, 'MaxBotsExceedsCapacity'],
      ['committedBots beyond the environment capacity', { maxBots: 20, committedBots: 20 }, 422, 'CommittedExceedsCapacity'],
      ['maxBots 51', { maxBots: 51 }, 400, undefined],
      ['an unknown field', { status: 'deleted' }, 400, undefined],
    ])('refuses %s', async (_what, patch, status, reason) => {
      const res = await admin.patch(groupPath(envId, group.id), patch);
      expect(res.status).toBe(status);
      if (reason) expect(res.body.reason).toBe(reason);
      expect((await readGroup(admin, envId, group.id)).etag).toBe(group.etag);
    });
  });

  it('refuses a name another group holds (409), an image the caller may not use (403), and changes nothing', async () => {
    const other = await createGroup(admin, envId, imageId);
    const group = await createGroup(admin, envId, imageId);
    const taken = await admin.patch(groupPath(envId, group.id), { name: other.name.toLowerCase() });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('NameTaken');
    const noImage = await admin.patch(groupPath(envId, group.id), { imageId: '6f9619ff-8b86-d011-b42d-00c04fc964ff' });
    expect(noImage.status).toBe(403);
    expect(await readGroup(admin, envId, group.id)).toMatchObject({ name: group.name, imageId, etag: group.etag });
  });

  it('keeps a group the inactivity timer marked deleted listed and readable, and refuses its edits (422 GroupDeleted)', async () => {
    const group = await createGroup(admin, envId, imageId);
    await alterGroupDocument(envId, group.id, (doc) => ({ ...doc, status: 'deleted', deletedAt: new Date().toISOString(), deletedReason: 'Inactive' }));
    expect((await listGroups(admin, envId)).find((g) => g.id === group.id)?.status).toBe('deleted');
    const read = await readGroup(admin, envId, group.id);
    expect(read.status).toBe('deleted');
    const edit = await admin.patch(groupPath(envId, group.id), { description: 'again' });
    expect(edit.status).toBe(422);
    expect(edit.body.reason).toBe('GroupDeleted');
    const share = await admin.put(`${groupPath(envId, group.id)}/access`, []);
    expect(share.body.reason).toBe('GroupDeleted');
    expect((await admin.get(`${groupPath(envId, group.id)}/errors`)).status).toBe(200);
  });
});

describe('DELETE /environments/{env}/groups/{id}', () => {
  inAFreshEnvironment();

  it('needs a current If-Match (412), then removes the group and frees its name and ledger entry', async () => {
    const group = await createGroup(admin, envId, imageId, { committedBots: 1 });
    const before = await admin.get<{ groupCount: number }>(`environments/${envId}`);
    const edited = expectStatus(await admin.patch<GroupBody>(groupPath(envId, group.id), { description: 'x' }), 200, 'edit');
    expect((await admin.delete(groupPath(envId, group.id), { 'if-match': group.etag })).status).toBe(412);
    const res = await admin.delete(groupPath(envId, group.id), { 'if-match': edited.body.etag });
    expect(res.status).toBe(204);
    expect((await admin.get(groupPath(envId, group.id))).status).toBe(404);
    expect((await admin.delete(groupPath(envId, group.id))).status).toBe(404);
    const after = await admin.get<{ groupCount: number }>(`environments/${envId}`);
    expect(after.body.groupCount).toBe(before.body.groupCount - 1);
    const capacity = await admin.get<{ groups: Array<{ groupId: string }> }>(`environments/${envId}/capacity`);
    expect(capacity.body.groups.map((g) => g.groupId)).not.toContain(group.id);
    expect((await admin.post(groupsPath(envId), aGroupBody(imageId, { name: group.name }))).status).toBe(201);
  });
});

describe('GET/PUT /environments/{env}/groups/{id}/access', () => {
  inAFreshEnvironment();

  it('replaces the shares with a bare array under If-Match, and flags deactivated members', async () => {
    const group = await createGroup(admin, envId, imageId);
    const user = await memberOf(admin, envId, ['BasicUser']);
    const coOwner = await memberOf(admin, envId, ['EnvironmentMaker']);
    const shares = [
      { userId: user.userId, permission: 'User' },
      { userId: coOwner.userId, permission: 'CoOwner' },
    ];
    expect((await admin.put(`${groupPath(envId, group.id)}/access`, shares, { 'if-match': '"stale"' })).status).toBe(412);
    const put = await admin.put<{ items: unknown[] }>(`${groupPath(envId, group.id)}/access`, shares, { 'if-match': group.etag });
    expect(put.status).toBe(200);
    expect(put.body.items).toEqual(shares.map((s) => ({ ...s, deactivated: false })));
    expect(put.headers.get('etag')).toBe(`"${(await readGroup(admin, envId, group.id)).etag}"`);
    expectStatus(await admin.delete(`environments/${envId}/members/${user.userId}`), 204, 'deactivate');
    const get = await admin.get<{ items: Array<{ userId: string; deactivated: boolean }> }>(`${groupPath(envId, group.id)}/access`);
    expect(get.status).toBe(200);
    expect(get.body.items).toEqual([
      { userId: user.userId, permission: 'User', deactivated: true },
      { userId: coOwner.userId, permission: 'CoOwner', deactivated: false },
    ]);
    expect((await readGroup(coOwner, envId, group.id)).accessType).toBe('CoOwner');
  });

  it.each([
    ['an object instead of an array', { userId: 'someone', permission: 'User' }, 400, undefined],
    ['an unknown permission', [{ userId: 'someone', permission: 'Owner' }], 400, undefined],
    ['a user listed twice', 'twice', 400, undefined],
    ['a user who is not a member', [{ userId: 'not-a-member', permission: 'User' }], 422, 'NotAMember'],
  ])('refuses %s', async (_what, body, status, reason) => {
    const group = (await listGroups(admin, envId))[0] ?? (await createGroup(admin, envId, imageId));
    const payload =
      body === 'twice'
        ? [
            { userId: admin.userId, permission: 'User' },
            { userId: admin.userId, permission: 'CoOwner' },
          ]
        : body;
    const res = await admin.put(`${groupPath(envId, group.id)}/access`, payload);
    expect(res.status).toBe(status);
    if (reason) expect(res.body.reason).toBe(reason);
  });
});

describe('GET /environments/{env}/groups/{id}/connections', () => {
  inAFreshEnvironment();

  it('lists the connections that lead to the group, whoever holds them, without passwords', async () => {
    const group = await createGroup(admin, envId, imageId);
    const user = await memberOf(admin, envId, ['BasicUser']);
    await shareGroupWith(admin, envId, group.id, [{ userId: user.userId, permission: 'User' }]);
    // a connection's password is the group's account password
    const connectionPassword = GROUP_PASSWORD;
    const created = expectStatus(
      await user.post<{ id: string }>(`environments/${envId}/connections`, {
        name: 'Invoices',
        groupId: group.id,
        username: GROUP_USERNAME,
        password: connectionPassword,
      }),
      201,
      'connection create',
    );
    const res = await user.get<{ items: Array<Record<string, unknown>> }>(`${groupPath(envId, group.id)}/connections`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: created.body.id,
        name: 'Invoices',
        groupId: group.id,
        username: GROUP_USERNAME,
        ownerId: user.userId,
        etag: expect.any(String),
      }),
    ]);
    expect(res.text).not.toContain(connectionPassword);
    expect(res.body.items[0]).not.toHaveProperty('password');
    const other = await createGroup(admin, envId, imageId);
    expect((await admin.get<{ items: unknown[] }>(`${groupPath(envId, other.id)}/connections`)).body.items).toEqual([]);
  });
});
