import { beforeEach, describe, expect, it } from 'vitest';
import { memberDocumentId, type EnvironmentDocument, type MemberDocument } from '../../../domain/environment.js';
import type { ImageDocument } from '../../../domain/image.js';
import { createEnvironment, getCapacity, getEnvironment, updateEnvironment } from '../../../app/environments.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../support/fakes/use-case-ports.js';
import { dispatchChangePortsOf } from '../../support/fakes/dispatch-change-ports.js';

const platformAdmin = { ...userPrincipal('root', 'Rita Root'), platformAdmin: true };
const input = { name: 'Finance', geography: 'Europe', plan: 'paid' as const, capacity: 10 };

let ports: UseCasePorts;

beforeEach(() => {
  ports = useCasePorts();
});

describe('createEnvironment', () => {
  it('writes the creator as SystemAdministrator, the built-in image, then the environment (region from the geography)', async () => {
    const env = await createEnvironment(ports, platformAdmin, input);
    expect(env).toMatchObject({
      name: 'Finance',
      geography: 'Europe',
      region: 'northeurope',
      hostedRpaEnabled: true,
      createdBy: 'root',
      createdAt: NOW,
      ledger: { groups: {} },
    });
    expect(await ports.store.get<MemberDocument>(env.id, memberDocumentId('root'))).toMatchObject({
      roles: ['SystemAdministrator'],
      name: 'Rita Root',
      active: true,
    });
    const [image] = ports.store.ofType<ImageDocument>(env.id, 'image');
    expect(image).toMatchObject({ builtIn: true });
    expect(Object.keys(env.ledger.imageNames)).toEqual([image!.id]);
  });

  it('refuses a caller without the Platform.Admin role (403), writing nothing', async () => {
    await expect(createEnvironment(ports, userPrincipal('someone'), input)).rejects.toMatchObject({ code: 'Forbidden' });
    expect(ports.store.docs.size).toBe(0);
  });

  it('refuses a geography without hosted bots (422 GeographyNotSupported)', async () => {
    await expect(createEnvironment(ports, platformAdmin, { ...input, geography: 'Atlantis' })).rejects.toMatchObject({
      options: { reason: 'GeographyNotSupported' },
    });
  });
});

describe('getEnvironment', () => {
  it('answers members, and 404 to others', async () => {
    await seedEnvironment(ports.store);
    await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
    expect((await getEnvironment(ports, userPrincipal('maker'), ENV)).env.id).toBe(ENV);
    await expect(getEnvironment(ports, userPrincipal('stranger'), ENV)).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('getCapacity', () => {
  const G1 = '55555555-5555-4555-8555-000000000001';
  const G2 = '55555555-5555-4555-8555-000000000002';
  const entry = (name: string, committedBots: number) => ({ name, committedBots, maxBots: 4, reservedAt: NOW });

  beforeEach(async () => {
    await seedEnvironment(ports.store, { capacity: 8, ledger: { groups: { [G1]: entry('one', 2), [G2]: entry('two', 1) }, imageNames: {} } });
    await seedMember(ports.store, 'admin', ['SystemAdministrator']);
    await seedMember(ports.store, 'user', ['BasicUser']);
    await seedGroup(ports, G1, 'p', { shares: [{ userId: 'user', permission: 'User' }] });
    await seedGroup(ports, G2, 'p');
  });

  it('sums committed and running bots; available is what neither holds', async () => {
    const capacity = await getCapacity(ports, userPrincipal('admin'), ENV, async () => ({ [G1]: 3 }));
    expect(capacity).toMatchObject({ capacity: 8, parallelLimit: 8, committed: 3, inUse: 3, available: 8 - (3 + 1) });
    expect(capacity.groups.map((g) => g.groupId)).toEqual([G1, G2]);
  });

  it('shows a member only the groups it may see, with the totals of the environment', async () => {
    const capacity = await getCapacity(ports, userPrincipal('user'), ENV, async () => ({}));
    expect(capacity.groups.map((g) => g.groupId)).toEqual([G1]);
    expect(capacity.committed).toBe(3);
  });

  it('hides every group while hosted RPA is off, and still counts them', async () => {
    const env = await ports.store.get<EnvironmentDocument>(ENV, ENV);
    await ports.store.replace({ ...env!, hostedRpaEnabled: false }, env!.etag);
    const capacity = await getCapacity(ports, userPrincipal('admin'), ENV, async () => ({}));
    expect(capacity).toMatchObject({ groups: [], committed: 3 });
  });
});

describe('updateEnvironment (turning hosted RPA off stops dispatch)', () => {
  const G1 = '55555555-5555-4555-8555-000000000001';
  const admin = userPrincipal('admin');

  beforeEach(async () => {
    await seedEnvironment(ports.store, {
      capacity: 4,
      ledger: { groups: { [G1]: { name: 'one', committedBots: 3, maxBots: 4, reservedAt: NOW } }, imageNames: {} },
    });
    await seedMember(ports.store, 'admin', ['SystemAdministrator']);
    await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
    await seedGroup(ports, G1, 'p');
  });

  it('changes the capacity under If-Match', async () => {
    const env = await ports.store.get<EnvironmentDocument>(ENV, ENV);
    expect((await updateEnvironment(dispatchChangePortsOf(ports), admin, ENV, { capacity: 6 }, env!.etag)).capacity).toBe(6);
  });

  it('refuses a capacity below what groups hold committed (422 CapacityBelowCommitted), a stale If-Match (412), a non-administrator (403)', async () => {
    const deps = dispatchChangePortsOf(ports);
    await expect(updateEnvironment(deps, admin, ENV, { capacity: 2 }, undefined)).rejects.toMatchObject({ options: { reason: 'CapacityBelowCommitted' } });
    await expect(updateEnvironment(deps, admin, ENV, { capacity: 6 }, '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await expect(updateEnvironment(deps, userPrincipal('maker'), ENV, { capacity: 6 }, undefined)).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it("closes every group's dispatch gate when hosted RPA is turned off, and opens them when it is back on", async () => {
    const deps = dispatchChangePortsOf(ports);
    await updateEnvironment(deps, admin, ENV, { hostedRpaEnabled: false }, undefined);
    expect((await deps.dispatchGates.read(ENV, G1))?.open).toBe(false);
    await updateEnvironment(deps, admin, ENV, { hostedRpaEnabled: true }, undefined);
    expect((await deps.dispatchGates.read(ENV, G1))?.open).toBe(true);
  });
});
