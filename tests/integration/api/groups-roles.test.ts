import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/api-client.js';
import {
  aGroupBody,
  createGroup,
  groupEnvironment,
  groupPath,
  groupsPath,
  listGroups,
  memberOf,
  shareGroupWith,
  shareImageWith,
  type GroupBody,
  type Share,
} from '../../support/group-fixtures.js';

type Caller =
  | 'SystemAdministrator'
  | 'EnvironmentMaker owner'
  | 'EnvironmentMaker not owner'
  | 'DesktopFlowsMachineOwner'
  | 'DesktopFlowsMachineImageAdmin'
  | 'BasicUser'
  | 'BasicUser with User share'
  | 'BasicUser with CoOwner share';

interface Expected {
  /** how the shared group appears in the caller's list (accessType), or `hidden` */
  lists: 'hidden' | 'Owner' | 'CoOwner' | 'User' | 'Administrator';
  create: number;
  get: number;
  patch: number;
  getAccess: number;
  putAccess: number;
  connections: number;
  errors: number;
  /** on an active group: answered as it is to those who may manage it */
  reactivate: number;
  delete: number;
}

/** PRODUCT.md's roles table for groups, route by route: the group is owned by the EnvironmentMaker owner. */
const MATRIX: Array<[Caller, Expected]> = [
  [
    'SystemAdministrator',
    { lists: 'Administrator', create: 201, get: 200, patch: 200, getAccess: 200, putAccess: 200, connections: 200, errors: 200, reactivate: 200, delete: 204 },
  ],
  [
    'EnvironmentMaker owner',
    { lists: 'Owner', create: 201, get: 200, patch: 200, getAccess: 200, putAccess: 200, connections: 200, errors: 200, reactivate: 200, delete: 204 },
  ],
  [
    'EnvironmentMaker not owner',
    { lists: 'hidden', create: 201, get: 404, patch: 404, getAccess: 404, putAccess: 404, connections: 404, errors: 404, reactivate: 404, delete: 404 },
  ],
  [
    'DesktopFlowsMachineOwner',
    { lists: 'hidden', create: 201, get: 404, patch: 404, getAccess: 404, putAccess: 404, connections: 404, errors: 404, reactivate: 404, delete: 404 },
  ],
  [
    'DesktopFlowsMachineImageAdmin',
    { lists: 'hidden', create: 403, get: 404, patch: 404, getAccess: 404, putAccess: 404, connections: 404, errors: 404, reactivate: 404, delete: 404 },
  ],
  [
    'BasicUser',
    { lists: 'hidden', create: 403, get: 404, patch: 404, getAccess: 404, putAccess: 404, connections: 404, errors: 404, reactivate: 404, delete: 404 },
  ],
  [
    'BasicUser with User share',
    { lists: 'User', create: 403, get: 200, patch: 403, getAccess: 403, putAccess: 403, connections: 200, errors: 200, reactivate: 403, delete: 403 },
  ],
  [
    'BasicUser with CoOwner share',
    { lists: 'CoOwner', create: 403, get: 200, patch: 200, getAccess: 200, putAccess: 200, connections: 200, errors: 200, reactivate: 200, delete: 204 },
  ],
];

let admin: ApiClient;
let envId: string;
let imageId: string;
let callers: Record<Caller, ApiClient>;
let shares: Share[];

beforeAll(async () => {
  ({ admin, envId, imageId } = await groupEnvironment({ capacity: 20 }));
  const [maker, otherMaker, machineOwner, imageAdmin, basic, basicUser, basicCoOwner] = await Promise.all([
    memberOf(admin, envId, ['EnvironmentMaker']),
    memberOf(admin, envId, ['EnvironmentMaker']),
    memberOf(admin, envId, ['DesktopFlowsMachineOwner']),
    memberOf(admin, envId, ['DesktopFlowsMachineImageAdmin']),
    memberOf(admin, envId, ['BasicUser']),
    memberOf(admin, envId, ['BasicUser']),
    memberOf(admin, envId, ['BasicUser']),
  ]);
  callers = {
    SystemAdministrator: admin,
    'EnvironmentMaker owner': maker,
    'EnvironmentMaker not owner': otherMaker,
    DesktopFlowsMachineOwner: machineOwner,
    DesktopFlowsMachineImageAdmin: imageAdmin,
    BasicUser: basic,
    'BasicUser with User share': basicUser,
    'BasicUser with CoOwner share': basicCoOwner,
  };
  // everyone may use the image, so that only the role decides whether they may create a group
  await shareImageWith(
    admin,
    envId,
    imageId,
    Object.values(callers)
      .filter((c) => c !== admin)
      .map((c) => ({ userId: c.userId, permission: 'User' })),
  );
  shares = [
    { userId: basicUser.userId, permission: 'User' },
    { userId: basicCoOwner.userId, permission: 'CoOwner' },
  ];
});

/** A group owned by the EnvironmentMaker owner and shared with the two BasicUsers, as every row finds it. */
async function sharedGroup(): Promise<GroupBody> {
  const owner = callers['EnvironmentMaker owner'];
  const group = await createGroup(owner, envId, imageId);
  return shareGroupWith(owner, envId, group.id, shares);
}

describe('who may do what with a group (PRODUCT.md roles table)', () => {
  it.each(MATRIX)('%s', async (caller, expected) => {
    const client = callers[caller];
    const group = await sharedGroup();
    const path = groupPath(envId, group.id);

    const seen = (await listGroups(client, envId)).find((g) => g.id === group.id);
    const actual: Expected = {
      lists: seen ? (seen.accessType ?? 'hidden') : 'hidden',
      create: (await client.post<GroupBody>(groupsPath(envId), aGroupBody(imageId))).status,
      get: (await client.get(path)).status,
      patch: (await client.patch(path, { description: `edited by ${caller}` })).status,
      getAccess: (await client.get(`${path}/access`)).status,
      // the same shares again, so that the next calls see the group as before
      putAccess: (await client.put(`${path}/access`, shares)).status,
      connections: (await client.get(`${path}/connections`)).status,
      errors: (await client.get(`${path}/errors`)).status,
      reactivate: (await client.post(`${path}/reactivate`)).status,
      delete: (await client.delete(path)).status,
    };
    expect(actual).toEqual(expected);

    // clean up, so the environment stays under its 10 groups
    for (const g of await listGroups(admin, envId)) await admin.delete(groupPath(envId, g.id));
  });

  it('a DesktopFlowsMachineImageAdmin sees no group at all, not even one shared with them', async () => {
    const group = await sharedGroup();
    const imageAdmin = callers.DesktopFlowsMachineImageAdmin;
    await shareGroupWith(callers['EnvironmentMaker owner'], envId, group.id, [...shares, { userId: imageAdmin.userId, permission: 'CoOwner' }]);
    expect(await listGroups(imageAdmin, envId)).toEqual([]);
    expect((await imageAdmin.get(groupPath(envId, group.id))).status).toBe(404);
  });

  it('a DesktopFlowsMachineOwner sees and manages groups they own or co-own', async () => {
    const machineOwner = callers.DesktopFlowsMachineOwner;
    const own = await createGroup(machineOwner, envId, imageId);
    const coOwned = await sharedGroup();
    await shareGroupWith(callers['EnvironmentMaker owner'], envId, coOwned.id, [...shares, { userId: machineOwner.userId, permission: 'CoOwner' }]);
    const listed = await listGroups(machineOwner, envId);
    expect(Object.fromEntries(listed.map((g) => [g.id, g.accessType]))).toEqual({ [own.id]: 'Owner', [coOwned.id]: 'CoOwner' });
    expect((await machineOwner.patch(groupPath(envId, coOwned.id), { maintenance: true })).status).toBe(200);
  });
});
