import { beforeAll, describe, expect, it } from 'vitest';
import { anonymousClient, clientFor, type ApiClient } from '../../support/api-client.js';
import { aGroup } from '../../support/connection-fixtures.js';
import {
  aCustomImage,
  aGalleryImageVersionId,
  createImage,
  createUsEnvironment,
  defaultImageOf,
  insertGroupUsingImage,
  listImages,
  memberWithRoles,
  shareImage,
  US_REGION,
  type AccessEntry,
  type ImageBody,
} from '../../support/image-fixtures.js';

const RANDOM_GUID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';

let admin: ApiClient;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true, name: 'Pat Admin' });
});

const images = (envId: string) => `environments/${envId}/images`;
const image = (envId: string, id: string) => `environments/${envId}/images/${id}`;
const access = (envId: string, id: string) => `environments/${envId}/images/${id}/access`;

describe('POST /environments/{env}/images', () => {
  it('creates a custom image owned by the caller: 201, Location, ETag, no internals', async () => {
    const env = await createUsEnvironment(admin);
    const maker = await memberWithRoles(admin, env.id, ['EnvironmentMaker']);
    const body = aCustomImage({ replicatedRegions: ['EastUS', 'northeurope', 'eastus'] });
    const res = await maker.post<ImageBody>(images(env.id), body);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${maker.baseUrl}/api/environments/${env.id}/images/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(`"${res.body.etag}"`);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'builtIn',
        'createdAt',
        'description',
        'etag',
        'galleryImageVersionId',
        'id',
        'name',
        'ownerId',
        'replicatedRegions',
        'updatedAt',
        'usedByGroups',
      ].sort(),
    );
    expect(res.body).toMatchObject({
      name: body.name,
      description: body.description,
      builtIn: false,
      galleryImageVersionId: body.galleryImageVersionId,
      replicatedRegions: ['eastus', 'northeurope'],
      ownerId: maker.userId,
      usedByGroups: 0,
    });
    const read = await maker.get<ImageBody>(image(env.id, res.body.id));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    expect(read.headers.get('etag')).toBe(`"${res.body.etag}"`);
  });

  it('refuses bodies that are not valid with 400 and the field', async () => {
    const env = await createUsEnvironment(admin);
    const cases: Array<[Record<string, unknown>, string]> = [
      [aCustomImage({ galleryImageVersionId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/images/win11' }), 'galleryImageVersionId'],
      [aCustomImage({ galleryImageVersionId: aGalleryImageVersionId('latest') }), 'galleryImageVersionId'],
      [aCustomImage({ replicatedRegions: [] }), 'replicatedRegions'],
      [aCustomImage({ replicatedRegions: ['East US'] }), 'replicatedRegions.0'],
      [aCustomImage({ name: 'x'.repeat(101) }), 'name'],
      [aCustomImage({ name: '   ' }), 'name'],
      [aCustomImage({ description: 'x'.repeat(2001) }), 'description'],
      [aCustomImage({ owner: 'me' }), 'owner'],
    ];
    for (const [body, field] of cases) {
      const res = await admin.post(images(env.id), body);
      expect(res.status, field).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors, field).toEqual([expect.objectContaining({ field })]);
    }
    const { galleryImageVersionId: _omitted, ...withoutGallery } = aCustomImage();
    expect((await admin.post(images(env.id), withoutGallery)).status).toBe(400);
    expect((await admin.post(images(env.id), '{"name": ')).status).toBe(400);
  });

  it("refuses an image not replicated to the environment's region with 422 ImageNotInRegion naming it", async () => {
    const env = await createUsEnvironment(admin);
    const res = await admin.post(images(env.id), aCustomImage({ replicatedRegions: ['westeurope', 'northeurope'] }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 422, reason: 'ImageNotInRegion' });
    expect(String(res.body.detail)).toContain(US_REGION);
  });

  it('keeps names unique in the environment, case-insensitively, the built-in name included (409 NameTaken)', async () => {
    const env = await createUsEnvironment(admin);
    await createImage(admin, env.id, { name: 'Invoices' });
    for (const name of ['invoices', '  INVOICES ', 'default WINDOWS desktop image']) {
      const res = await admin.post(images(env.id), aCustomImage({ name }));
      expect(res.status, name).toBe(409);
      expect(res.body.code).toBe('NameTaken');
    }
    // another environment has its own names
    const other = await createUsEnvironment(admin);
    expect((await admin.post(images(other.id), aCustomImage({ name: 'Invoices' }))).status).toBe(201);
  });

  it('lets exactly one of 8 concurrent creates of one name through; the others get 409 NameTaken', async () => {
    const env = await createUsEnvironment(admin);
    const results = await Promise.all(Array.from({ length: 8 }, () => admin.post(images(env.id), aCustomImage({ name: 'Race' }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'NameTaken')).toBe(true);
    expect((await listImages(admin, env.id)).filter((i) => i.name === 'Race')).toHaveLength(1);
  });

  it('needs a token (401), membership (404) and a creating role (403)', async () => {
    const env = await createUsEnvironment(admin);
    expect((await anonymousClient().post(images(env.id), aCustomImage())).status).toBe(401);
    const stranger = await clientFor({ platformAdmin: true });
    expect((await stranger.post(images(env.id), aCustomImage())).status).toBe(404);
    expect((await stranger.get(images(env.id))).status).toBe(404);
    const owner = await memberWithRoles(admin, env.id, ['DesktopFlowsMachineOwner']);
    const refused = await owner.post(images(env.id), aCustomImage());
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('Forbidden');
  });
});

describe('GET /environments/{env}/images/{id}', () => {
  it('answers 404 for a missing image, a non-GUID id and a non-image document id', async () => {
    const env = await createUsEnvironment(admin);
    expect((await admin.get(image(env.id, RANDOM_GUID))).status).toBe(404);
    expect((await admin.get(image(env.id, 'not-a-guid'))).status).toBe(404);
    // the environment document lives in the same partition under the environment's id
    expect((await admin.get(image(env.id, env.id))).status).toBe(404);
  });
});

describe('the built-in Default Windows Desktop Image', () => {
  it('is visible only to SystemAdministrator and DesktopFlowsMachineImageAdmin until shared with a user', async () => {
    const env = await createUsEnvironment(admin);
    const builtIn = await defaultImageOf(admin, env.id);
    expect(builtIn).toMatchObject({ name: 'Default Windows Desktop Image', builtIn: true, ownerId: 'system' });
    expect(builtIn.galleryImageVersionId).toBeUndefined();
    const imageAdmin = await memberWithRoles(admin, env.id, ['DesktopFlowsMachineImageAdmin']);
    const maker = await memberWithRoles(admin, env.id, ['EnvironmentMaker']);
    const basic = await memberWithRoles(admin, env.id, ['BasicUser']);

    expect((await listImages(imageAdmin, env.id)).map((i) => i.id)).toContain(builtIn.id);
    for (const user of [maker, basic]) {
      expect(await listImages(user, env.id)).toEqual([]);
      expect((await user.get(image(env.id, builtIn.id))).status).toBe(404);
    }

    await shareImage(imageAdmin, env.id, builtIn.id, [{ userId: basic.userId, permission: 'User' }]);
    expect((await listImages(basic, env.id)).map((i) => i.id)).toEqual([builtIn.id]);
    expect((await basic.get(image(env.id, builtIn.id))).status).toBe(200);
    expect(await listImages(maker, env.id)).toEqual([]);
  });

  it('keeps its name and gallery image (422 BuiltInImage) and cannot be deleted; its description may change', async () => {
    const env = await createUsEnvironment(admin);
    const builtIn = await defaultImageOf(admin, env.id);
    const refusals = [{ name: 'My default' }, { galleryImageVersionId: aGalleryImageVersionId() }, { replicatedRegions: ['westeurope'] }];
    for (const body of refusals) {
      const res = await admin.patch(image(env.id, builtIn.id), body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.reason).toBe('BuiltInImage');
    }
    const deleted = await admin.delete(image(env.id, builtIn.id));
    expect(deleted.status).toBe(422);
    expect(deleted.body.reason).toBe('BuiltInImage');
    const described = await admin.patch<ImageBody>(image(env.id, builtIn.id), { name: builtIn.name, description: 'Our standard desktop' });
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ name: builtIn.name, description: 'Our standard desktop', builtIn: true });
  });
});

type Relation = 'own' | 'none' | 'User' | 'CoOwner';

interface MatrixRow {
  role: string;
  relation: Relation;
  sees: boolean;
  manages: boolean;
  creates: boolean;
}

// PRODUCT.md's roles table for images: see/use, edit/delete/share, create
const matrix: MatrixRow[] = [
  { role: 'SystemAdministrator', relation: 'none', sees: true, manages: true, creates: true },
  { role: 'EnvironmentMaker', relation: 'own', sees: true, manages: true, creates: true },
  { role: 'EnvironmentMaker', relation: 'none', sees: false, manages: false, creates: true },
  { role: 'EnvironmentMaker', relation: 'User', sees: true, manages: false, creates: true },
  { role: 'EnvironmentMaker', relation: 'CoOwner', sees: true, manages: true, creates: true },
  { role: 'DesktopFlowsMachineOwner', relation: 'none', sees: false, manages: false, creates: false },
  { role: 'DesktopFlowsMachineOwner', relation: 'User', sees: true, manages: false, creates: false },
  { role: 'DesktopFlowsMachineOwner', relation: 'CoOwner', sees: true, manages: true, creates: false },
  { role: 'DesktopFlowsMachineImageAdmin', relation: 'none', sees: true, manages: true, creates: true },
  { role: 'BasicUser', relation: 'none', sees: false, manages: false, creates: false },
  { role: 'BasicUser', relation: 'User', sees: true, manages: false, creates: false },
  { role: 'BasicUser', relation: 'CoOwner', sees: true, manages: false, creates: false },
];

describe('role matrix for a custom image owned by an EnvironmentMaker', () => {
  let envId: string;
  let imageId: string;
  const callers = new Map<MatrixRow, ApiClient>();

  beforeAll(async () => {
    const env = await createUsEnvironment(admin);
    envId = env.id;
    const owner = await memberWithRoles(admin, envId, ['EnvironmentMaker']);
    imageId = (await createImage(owner, envId)).id;
    for (const row of matrix) {
      if (row.relation === 'own') callers.set(row, owner);
      else if (row.role === 'SystemAdministrator') callers.set(row, admin);
      else callers.set(row, await memberWithRoles(admin, envId, [row.role]));
    }
    const shares = matrix.flatMap((row) =>
      row.relation === 'User' || row.relation === 'CoOwner' ? [{ userId: callers.get(row)?.userId ?? '', permission: row.relation }] : [],
    );
    await shareImage(owner, envId, imageId, shares);
  });

  it.each(matrix)('$role ($relation): sees $sees, manages $manages, creates $creates', async (row) => {
    const caller = callers.get(row);
    if (!caller) throw new Error('no caller');
    const hidden = 404;
    const denied = row.sees ? 403 : hidden;
    expect((await listImages(caller, envId)).some((i) => i.id === imageId)).toBe(row.sees);
    expect((await caller.get(image(envId, imageId))).status).toBe(row.sees ? 200 : hidden);
    expect((await caller.get(access(envId, imageId))).status).toBe(row.manages ? 200 : denied);
    expect((await caller.patch(image(envId, imageId), { description: `edited by ${row.role}` })).status).toBe(row.manages ? 200 : denied);
    if (!row.manages) {
      expect((await caller.put(access(envId, imageId), [])).status).toBe(denied);
      expect((await caller.delete(image(envId, imageId))).status).toBe(denied);
    }
    const created = await caller.post(images(envId), aCustomImage());
    expect(created.status).toBe(row.creates ? 201 : 403);
  });
});

describe('PATCH /environments/{env}/images/{id}', () => {
  it('renames, keeping the ledger consistent: the old name is free, the new one taken', async () => {
    const env = await createUsEnvironment(admin);
    const original = await createImage(admin, env.id, { name: 'Payroll' });
    const renamed = await admin.patch<ImageBody>(image(env.id, original.id), { name: 'Payroll v2', description: 'new tools' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Payroll v2', description: 'new tools', galleryImageVersionId: original.galleryImageVersionId });
    expect(renamed.headers.get('etag')).toBe(`"${renamed.body.etag}"`);
    expect(renamed.body.etag).not.toBe(original.etag);

    expect((await admin.post(images(env.id), aCustomImage({ name: 'PAYROLL' }))).status).toBe(201);
    const taken = await admin.post(images(env.id), aCustomImage({ name: 'payroll V2' }));
    expect(taken.status).toBe(409);
    // renaming onto another image's name is refused too; a change of case of its own name is not
    const onto = await admin.patch(image(env.id, original.id), { name: 'payroll' });
    expect(onto.status).toBe(409);
    expect(onto.body.code).toBe('NameTaken');
    expect((await admin.patch(image(env.id, original.id), { name: 'PAYROLL V2' })).status).toBe(200);
  });

  it('lets only one of two racing renames win, leaving the ledger holding exactly the names in use', async () => {
    const env = await createUsEnvironment(admin);
    const [a, b] = [await createImage(admin, env.id, { name: 'A' }), await createImage(admin, env.id, { name: 'B' })];
    // two images onto one name: one 200, one 409
    const onto = await Promise.all([admin.patch(image(env.id, a.id), { name: 'Merged' }), admin.patch(image(env.id, b.id), { name: 'merged' })]);
    expect(onto.map((r) => r.status).sort()).toEqual([200, 409]);
    // one image, two new names, same If-Match: one 200, one 412
    const c = await createImage(admin, env.id, { name: 'C' });
    const both = await Promise.all(['C1', 'C2'].map((name) => admin.patch<ImageBody>(image(env.id, c.id), { name }, { 'if-match': c.etag })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = both.find((r) => r.status === 200)?.body.name ?? '';
    const loser = winner === 'C1' ? 'C2' : 'C1';
    expect((await admin.post(images(env.id), aCustomImage({ name: winner }))).status).toBe(409);
    expect((await admin.post(images(env.id), aCustomImage({ name: 'C' }))).status).toBe(201);
    expect((await admin.post(images(env.id), aCustomImage({ name: loser }))).status).toBe(201);
  });

  it('changes the gallery image version and regions of a custom image, always within the region', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id);
    const moved = await admin.patch<ImageBody>(image(env.id, created.id), {
      galleryImageVersionId: aGalleryImageVersionId('2.1.0'),
      replicatedRegions: ['eastus'],
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ galleryImageVersionId: aGalleryImageVersionId('2.1.0'), replicatedRegions: ['eastus'] });
    const outOfRegion = await admin.patch(image(env.id, created.id), { replicatedRegions: ['westus'] });
    expect(outOfRegion.status).toBe(422);
    expect(outOfRegion.body.reason).toBe('ImageNotInRegion');
    expect(String(outOfRegion.body.detail)).toContain(US_REGION);
    expect((await admin.patch(image(env.id, created.id), { galleryImageVersionId: 'win11' })).status).toBe(400);
    expect((await admin.patch(image(env.id, created.id), { builtIn: true })).status).toBe(400);
  });

  it('honours If-Match: a stale etag is 412 and changes nothing; the current one applies', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id, { name: 'Claims' });
    const first = await admin.patch<ImageBody>(image(env.id, created.id), { description: 'one' }, { 'if-match': created.etag });
    expect(first.status).toBe(200);
    const stale = await admin.patch(image(env.id, created.id), { name: 'Claims renamed' }, { 'if-match': created.etag });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PreconditionFailed');
    // the refused rename did not keep the new name reserved
    expect((await admin.post(images(env.id), aCustomImage({ name: 'Claims renamed' }))).status).toBe(201);
    const current = await admin.patch<ImageBody>(image(env.id, created.id), { description: 'two' }, { 'if-match': first.body.etag });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ name: 'Claims', description: 'two' });
  });
});

describe('DELETE /environments/{env}/images/{id}', () => {
  it('deletes an unused custom image (204), after which it is gone and its name free', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id, { name: 'Disposable' });
    expect((await admin.delete(image(env.id, created.id))).status).toBe(204);
    expect((await admin.get(image(env.id, created.id))).status).toBe(404);
    expect((await admin.delete(image(env.id, created.id))).status).toBe(404);
    expect((await admin.post(images(env.id), aCustomImage({ name: 'disposable' }))).status).toBe(201);
  });

  it('refuses an image a group uses with 409 ResourceInUse, and reports the use', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id);
    const group = await insertGroupUsingImage(env.id, created.id);
    try {
      const res = await admin.delete(image(env.id, created.id));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ResourceInUse');
      expect((await admin.get<ImageBody>(image(env.id, created.id))).body.usedByGroups).toBe(1);
    } finally {
      await group.remove();
    }
    expect((await admin.delete(image(env.id, created.id))).status).toBe(204);
  });

  it('never leaves a group on a deleted image when a group create races the image delete', async () => {
    const env = await createUsEnvironment(admin);
    for (let i = 0; i < 6; i++) {
      const created = await createImage(admin, env.id, { name: `Racing ${i}` });
      // a missing image answers 403 whether the create reads the image after the delete or finds it gone from the ledger
      const [group, deleted] = await Promise.all([
        admin.post<{ id: string }>(`environments/${env.id}/groups`, aGroup(created.id, { name: `Racer ${i}` })),
        admin.delete(image(env.id, created.id)),
      ]);
      const imageLeft = (await admin.get(image(env.id, created.id))).status;
      if (group.status === 201) {
        expect([deleted.status, imageLeft], `round ${i}: the group was created, so the image must stay`).toEqual([409, 200]);
        expect((await admin.delete(`environments/${env.id}/groups/${group.body.id}`)).status).toBe(204);
      } else {
        expect([group.status, deleted.status, imageLeft], `round ${i}: the image was deleted, so no group may use it`).toEqual([403, 204, 404]);
      }
    }
  });

  it('honours If-Match: a stale etag is 412 and the image stays', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id);
    const edited = await admin.patch<ImageBody>(image(env.id, created.id), { description: 'changed' });
    const stale = await admin.delete(image(env.id, created.id), { 'if-match': created.etag });
    expect(stale.status).toBe(412);
    expect((await admin.get(image(env.id, created.id))).status).toBe(200);
    expect((await admin.delete(image(env.id, created.id), { 'if-match': edited.body.etag })).status).toBe(204);
  });
});

describe('GET and PUT /environments/{env}/images/{id}/access', () => {
  it("replaces the whole list with a bare array and answers the list with the image's new ETag", async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id);
    const maker = await memberWithRoles(admin, env.id, ['EnvironmentMaker']);
    const basic = await memberWithRoles(admin, env.id, ['BasicUser']);

    const empty = await admin.get<{ items: AccessEntry[] }>(access(env.id, created.id));
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [] });
    expect(empty.headers.get('etag')).toBe(`"${created.etag}"`);

    const put = await admin.put<{ items: AccessEntry[] }>(
      access(env.id, created.id),
      [
        { userId: maker.userId, permission: 'CoOwner' },
        { userId: basic.userId, permission: 'User' },
      ],
      { 'if-match': created.etag },
    );
    expect(put.status).toBe(200);
    expect(put.body.items).toEqual([
      { userId: maker.userId, permission: 'CoOwner', deactivated: false },
      { userId: basic.userId, permission: 'User', deactivated: false },
    ]);
    const after = await admin.get<ImageBody>(image(env.id, created.id));
    expect(put.headers.get('etag')).toBe(`"${after.body.etag}"`);
    expect(after.body.etag).not.toBe(created.etag);

    const replaced = await admin.put<{ items: AccessEntry[] }>(access(env.id, created.id), [{ userId: basic.userId, permission: 'CoOwner' }]);
    expect(replaced.body.items).toEqual([{ userId: basic.userId, permission: 'CoOwner', deactivated: false }]);
    expect((await maker.get(image(env.id, created.id))).status).toBe(404);
  });

  it('refuses bodies that are not a valid list with 400', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id);
    const member = await memberWithRoles(admin, env.id, ['BasicUser']);
    const path = access(env.id, created.id);
    expect((await admin.put(path, { userId: member.userId, permission: 'User' })).status).toBe(400);
    expect((await admin.put(path, [{ userId: member.userId, permission: 'Owner' }])).status).toBe(400);
    expect((await admin.put(path, [{ userId: member.userId, permission: 'User', note: 'x' }])).status).toBe(400);
    expect((await admin.put(path, [{ userId: 'bad id!', permission: 'User' }])).status).toBe(400);
    const duplicate = await admin.put(path, [
      { userId: member.userId, permission: 'User' },
      { userId: member.userId, permission: 'CoOwner' },
    ]);
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errors).toEqual([expect.objectContaining({ field: '1.userId' })]);
    const tooMany = Array.from({ length: 201 }, (_, i) => ({ userId: `user-${i}`, permission: 'User' }));
    expect((await admin.put(path, tooMany)).status).toBe(400);
  });

  it('refuses users who are not members with 422 NotAMember naming them, and a stale If-Match with 412', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id);
    const member = await memberWithRoles(admin, env.id, ['BasicUser']);
    const notAMember = await admin.put(access(env.id, created.id), [
      { userId: member.userId, permission: 'User' },
      { userId: 'someone-else', permission: 'User' },
    ]);
    expect(notAMember.status).toBe(422);
    expect(notAMember.body.reason).toBe('NotAMember');
    expect(String(notAMember.body.detail)).toContain('someone-else');

    await admin.patch(image(env.id, created.id), { description: 'moved on' });
    const stale = await admin.put(access(env.id, created.id), [{ userId: member.userId, permission: 'User' }], { 'if-match': created.etag });
    expect(stale.status).toBe(412);
    expect((await admin.get<{ items: AccessEntry[] }>(access(env.id, created.id))).body.items).toEqual([]);
  });

  it('keeps shares with deactivated members listed, flagged deactivated, and accepts them back in a PUT', async () => {
    const env = await createUsEnvironment(admin);
    const created = await createImage(admin, env.id);
    const leaver = await memberWithRoles(admin, env.id, ['EnvironmentMaker']);
    const stayer = await memberWithRoles(admin, env.id, ['BasicUser']);
    const shares = [
      { userId: leaver.userId, permission: 'CoOwner' as const },
      { userId: stayer.userId, permission: 'User' as const },
    ];
    await shareImage(admin, env.id, created.id, shares);
    expect((await admin.delete(`environments/${env.id}/members/${leaver.userId}`)).status).toBe(204);

    const listed = await admin.get<{ items: AccessEntry[] }>(access(env.id, created.id));
    expect(listed.body.items).toEqual([
      { userId: leaver.userId, permission: 'CoOwner', deactivated: true },
      { userId: stayer.userId, permission: 'User', deactivated: false },
    ]);
    const again = await admin.put<{ items: AccessEntry[] }>(access(env.id, created.id), shares);
    expect(again.status).toBe(200);
    expect(again.body.items).toEqual(listed.body.items);
    expect((await leaver.get(image(env.id, created.id))).status).toBe(404);
  });
});
