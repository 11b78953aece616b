import { beforeEach, describe, expect, it } from 'vitest';
import type { GroupDocument } from '../../../../domain/group.js';
import { getGroupAccess, setGroupAccess } from '../../../../app/groups/group-access.js';
import { ENV, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const owner = userPrincipal('owner');

let ports: UseCasePorts;
let etag: string;

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'user', ['BasicUser'], { name: 'Uma User' });
  await seedMember(ports.store, 'left', ['BasicUser'], { active: false });
  etag = (await seedGroup(ports, G1, 'p', { shares: [{ userId: 'left', permission: 'User' }] })).etag;
});

describe('getGroupAccess', () => {
  it('lists the shares, a deactivated member flagged', async () => {
    expect((await getGroupAccess(ports, owner, ENV, G1)).items).toEqual([{ userId: 'left', permission: 'User', deactivated: true }]);
  });

  it('refuses a share holder who may only use the group (403)', async () => {
    await setGroupAccess(ports, owner, ENV, G1, [{ userId: 'user', permission: 'User' }], etag);
    await expect(getGroupAccess(ports, userPrincipal('user'), ENV, G1)).rejects.toMatchObject({ code: 'Forbidden' });
  });
});

describe('setGroupAccess', () => {
  it('replaces the whole list under If-Match, with the members names', async () => {
    const { group, items } = await setGroupAccess(ports, owner, ENV, G1, [{ userId: 'user', permission: 'CoOwner' }], etag);
    expect(items).toEqual([{ userId: 'user', name: 'Uma User', permission: 'CoOwner', deactivated: false }]);
    expect((await ports.store.get<GroupDocument>(ENV, G1))?.shares).toEqual([{ userId: 'user', permission: 'CoOwner' }]);
    expect(group.etag).not.toBe(etag);
  });

  it('refuses a user who is not a member of the environment (422 NotAMember)', async () => {
    const refused = setGroupAccess(ports, owner, ENV, G1, [{ userId: 'stranger', permission: 'User' }], etag);
    await expect(refused).rejects.toMatchObject({ code: 'BusinessRuleViolated', options: { reason: 'NotAMember' } });
  });

  it('refuses a stale If-Match (412) and writes nothing', async () => {
    await expect(setGroupAccess(ports, owner, ENV, G1, [], '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect((await ports.store.get<GroupDocument>(ENV, G1))?.etag).toBe(etag);
  });

  it('answers 412 when the group changes between the read and the write', async () => {
    const replace = ports.store.replace.bind(ports.store);
    ports.store.replace = async (doc, expected) => {
      const current = await ports.store.get<GroupDocument>(ENV, G1);
      await replace({ ...current!, description: 'changed meanwhile' }, current!.etag);
      return replace(doc, expected);
    };
    await expect(setGroupAccess(ports, owner, ENV, G1, [], undefined)).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('refuses a group deleted for inactivity (422 GroupDeleted)', async () => {
    const group = await ports.store.get<GroupDocument>(ENV, G1);
    const deleted = await ports.store.replace({ ...group!, status: 'deleted' as const }, group!.etag);
    await expect(setGroupAccess(ports, owner, ENV, G1, [], deleted.etag)).rejects.toMatchObject({ options: { reason: 'GroupDeleted' } });
  });
});
