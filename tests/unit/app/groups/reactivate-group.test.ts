import { beforeEach, describe, expect, it } from 'vitest';
import { DELETED_FOR_INACTIVITY, type GroupDocument } from '../../../../domain/group.js';
import { reactivateGroup } from '../../../../app/groups/reactivate-group.js';
import { ENV, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';
import { dispatchChangePortsOf } from '../../../support/fakes/dispatch-change-ports.js';
import type { MemoryDispatchGates } from '../../../support/memory-dispatch-gates.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const owner = userPrincipal('owner');
const deletedAt = '2025-12-01T00:00:00.000Z';

let ports: UseCasePorts;
let deps: ReturnType<typeof dispatchChangePortsOf>;

beforeEach(async () => {
  ports = useCasePorts();
  deps = dispatchChangePortsOf(ports);
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'user', ['BasicUser']);
});

describe('reactivateGroup', () => {
  it('brings back a group deleted for inactivity: active, its queue there, its gate open, its inactivity clock restarted', async () => {
    const group = await seedGroup(ports, G1, 'p', { status: 'deleted', deletedAt, deletedReason: DELETED_FOR_INACTIVITY });
    await deps.dispatchGates.close(ENV, G1, DELETED_FOR_INACTIVITY);
    const { group: back } = await reactivateGroup(deps, owner, ENV, G1, group.etag);
    expect(back).toMatchObject({ status: 'active', reactivatedAt: '2026-01-01T00:00:00.000Z' });
    expect(back.deletedAt).toBeUndefined();
    expect(ports.queues.existing).toEqual(new Set([`group-${G1}`]));
    expect((await (deps.dispatchGates as MemoryDispatchGates).read(ENV, G1))?.open).toBe(true);
  });

  it('answers an active group as it is', async () => {
    const group = await seedGroup(ports, G1, 'p');
    expect((await reactivateGroup(deps, owner, ENV, G1, undefined)).group.etag).toBe(group.etag);
  });

  it("refuses a group a user's delete left marked (422 GroupDeleted) and a stale If-Match (412)", async () => {
    const group = await seedGroup(ports, G1, 'p', { status: 'deleted', deletedAt, deletedReason: 'DeletedByUser' });
    await expect(reactivateGroup(deps, owner, ENV, G1, group.etag)).rejects.toMatchObject({ options: { reason: 'GroupDeleted' } });
    await expect(reactivateGroup(deps, owner, ENV, G1, '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('refuses a member who may only use the group (403)', async () => {
    await seedGroup(ports, G1, 'p', { status: 'deleted', deletedAt, deletedReason: DELETED_FOR_INACTIVITY, shares: [{ userId: 'user', permission: 'User' }] });
    await expect(reactivateGroup(deps, userPrincipal('user'), ENV, G1, undefined)).rejects.toMatchObject({ code: 'Forbidden' });
    expect((await ports.store.get<GroupDocument>(ENV, G1))?.status).toBe('deleted');
  });
});
