import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionDocument } from '../../../domain/connection.js';
import type { EnvironmentDocument } from '../../../domain/environment.js';
import type { GroupDocument } from '../../../domain/group.js';
import { getGroup, listGroupConnections, listGroupErrors, listGroups } from '../../../app/groups.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const G2 = '55555555-5555-4555-8555-000000000002';

let ports: UseCasePorts;

function aConnection(id: string, groupId: string, ownerId: string): ConnectionDocument {
  return {
    id,
    environmentId: ENV,
    type: 'connection',
    name: `connection ${id}`,
    groupId,
    kind: 'direct-to-machine',
    runMode: 'unattended',
    username: 'rpa-runner',
    ownerId,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker'], { name: 'Olivia Owner' });
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedGroup(ports, G1, 'p', { shares: [{ userId: 'user', permission: 'User' }] });
  await seedGroup(ports, G2, 'p', { createdAt: '2026-01-02T00:00:00.000Z' });
});

describe('listGroups', () => {
  it('lists the groups the caller may see, oldest first, with run and bot counts and the owner name', async () => {
    ports.activeBots[G1] = 2;
    ports.runCounts.countsFor = async () => ({ [G1]: { running: 1, queued: 3, queuedHigh: 1 } });
    const views = await listGroups(ports, userPrincipal('owner'), ENV);
    expect(views.map((v) => v.group.id)).toEqual([G1, G2]);
    expect(views[0]).toMatchObject({ accessType: 'Owner', activeBots: 2, ownerName: 'Olivia Owner', runs: { running: 1, queued: 3, queuedHigh: 1 } });
    expect(views[1]).toMatchObject({ activeBots: 0, runs: { running: 0, queued: 0, queuedHigh: 0 } });
  });

  it('shows a share holder only the groups shared with it', async () => {
    const views = await listGroups(ports, userPrincipal('user'), ENV);
    expect(views.map((v) => [v.group.id, v.accessType])).toEqual([[G1, 'User']]);
  });

  it('is empty while hosted RPA is off', async () => {
    const env = await ports.store.get<EnvironmentDocument>(ENV, ENV);
    await ports.store.replace({ ...env!, hostedRpaEnabled: false }, env!.etag);
    expect(await listGroups(ports, userPrincipal('admin'), ENV)).toEqual([]);
  });

  it('answers 404 to a caller who is not an active member', async () => {
    await seedMember(ports.store, 'gone', ['SystemAdministrator'], { active: false });
    await expect(listGroups(ports, userPrincipal('gone'), ENV)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('answers 404 to an environment id that is not a GUID (no id reveals anything)', async () => {
    await expect(listGroups(ports, userPrincipal('admin'), 'not-a-guid')).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('getGroup', () => {
  it('answers the group to a share holder', async () => {
    expect((await getGroup(ports, userPrincipal('user'), ENV, G1)).group.id).toBe(G1);
  });

  it('answers 404 for a group the caller may not see, as for a missing one', async () => {
    await expect(getGroup(ports, userPrincipal('user'), ENV, G2)).rejects.toMatchObject({ code: 'NotFound' });
    await expect(getGroup(ports, userPrincipal('user'), ENV, '55555555-5555-4555-8555-000000000009')).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('listGroupConnections', () => {
  beforeEach(async () => {
    await ports.store.create(aConnection('c1', G1, 'user'));
    await ports.store.create(aConnection('c2', G1, 'owner'));
    await ports.store.create(aConnection('c3', G2, 'owner'));
  });

  it('shows the group managers every connection to the group', async () => {
    expect((await listGroupConnections(ports, userPrincipal('owner'), ENV, G1)).map((c) => c.id).sort()).toEqual(['c1', 'c2']);
  });

  it('shows a User-share holder only its own', async () => {
    expect((await listGroupConnections(ports, userPrincipal('user'), ENV, G1)).map((c) => c.id)).toEqual(['c1']);
  });
});

describe('listGroupErrors', () => {
  it('lists the provisioning failures newest first', async () => {
    const older = { at: '2026-01-01T01:00:00.000Z', botId: 'b1', reason: 'older' };
    const newer = { at: '2026-01-01T02:00:00.000Z', botId: 'b2', reason: 'newer' };
    const group = await ports.store.get<GroupDocument>(ENV, G2);
    await ports.store.replace({ ...group!, provisioningErrors: [older, newer] }, group!.etag);
    expect(await listGroupErrors(ports, userPrincipal('owner'), ENV, G2)).toEqual([newer, older]);
  });
});
