import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Membership } from '../../../../domain/access-rules.js';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import type { GroupDocument } from '../../../../domain/group.js';
import type { ImageDocument } from '../../../../domain/image.js';
import {
  committedExceedsMax,
  loadGroup,
  refuseDeleted,
  refuseWhenHostedRpaDisabled,
  requireImageUse,
  staleGroup,
  viewOf,
  viewsOf,
} from '../../../../app/groups/load-group.js';
import {
  BUILT_IN_IMAGE,
  ENV,
  seedEnvironment,
  seedGroup,
  seedMember,
  useCasePorts,
  userPrincipal,
  type UseCasePorts,
} from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const G2 = '55555555-5555-4555-8555-000000000002';

let ports: UseCasePorts;
let env: EnvironmentDocument;

const load = (userId: string, needed: 'use' | 'manage' = 'use', groupId = G1) => loadGroup(ports, userPrincipal(userId), ENV, groupId, needed);
const member = (userId: string, roles: Membership['roles']): Membership => ({ userId, roles, active: true });
const admin = member('admin', ['SystemAdministrator']);

beforeEach(async () => {
  ports = useCasePorts();
  env = await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker'], { name: 'Olive Owner' });
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'coowner', ['BasicUser']);
  await seedMember(ports.store, 'stranger', ['BasicUser']);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedMember(ports.store, 'left', ['BasicUser'], { active: false });
  await seedGroup(ports, G1, 'p', {
    shares: [
      { userId: 'user', permission: 'User' },
      { userId: 'coowner', permission: 'CoOwner' },
      { userId: 'left', permission: 'CoOwner' },
    ],
  });
});

describe('loadGroup', () => {
  it("answers the group with the caller's environment, membership and access", async () => {
    const context = await load('owner', 'manage');
    expect(context).toMatchObject({ env: { id: ENV }, member: { userId: 'owner', active: true }, group: { id: G1 }, access: 'manage' });
    expect(context.group.etag).toBe((await ports.store.get(ENV, G1))?.etag);
    expect((await load('user')).access).toBe('use');
    expect((await load('coowner', 'manage')).access).toBe('manage');
    expect((await load('admin', 'manage')).access).toBe('manage');
  });

  it('answers 404 to a member who may not see the group, exactly as for a missing group or a document of another kind', async () => {
    const answers = await Promise.all(
      [load('stranger'), load('owner', 'use', G2), load('owner', 'use', BUILT_IN_IMAGE)].map((p) => p.catch((e: unknown) => e)),
    );
    for (const answer of answers) expect(answer).toMatchObject({ code: 'NotFound', detail: 'Group was not found.' });
  });

  it('answers 403 to a User share when the caller must manage the group', async () => {
    await expect(load('user', 'manage')).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it('hides every group while hosted RPA is turned off (404), from its owner too', async () => {
    const current = (await ports.store.get<EnvironmentDocument>(ENV, ENV))!;
    await ports.store.replace({ ...current, hostedRpaEnabled: false }, current.etag);
    await expect(load('owner', 'manage')).rejects.toMatchObject({ code: 'NotFound', detail: 'Group was not found.' });
  });

  it('answers 404 for the environment to a caller who is not an active member, whatever the share', async () => {
    await expect(load('left')).rejects.toMatchObject({ code: 'NotFound', detail: 'Environment was not found.' });
    await expect(load('nobody')).rejects.toMatchObject({ code: 'NotFound', detail: 'Environment was not found.' });
  });
});

describe('the refusals a group edit or create shares', () => {
  it('refuses an edit of a group deleted for inactivity (422 GroupDeleted), and lets an active one through', async () => {
    const group = (await ports.store.get<GroupDocument>(ENV, G1))!;
    expect(() => refuseDeleted(group)).not.toThrow();
    expect(() => refuseDeleted({ ...group, status: 'deleted' })).toThrow(
      expect.objectContaining({ code: 'BusinessRuleViolated', options: { reason: 'GroupDeleted' } }),
    );
  });

  it('refuses a create while hosted RPA is turned off (422 HostedRpaDisabled)', () => {
    expect(() => refuseWhenHostedRpaDisabled(env)).not.toThrow();
    expect(() => refuseWhenHostedRpaDisabled({ ...env, hostedRpaEnabled: false })).toThrow(
      expect.objectContaining({ code: 'BusinessRuleViolated', options: { reason: 'HostedRpaDisabled' } }),
    );
  });

  it('answers a stale If-Match with 412 and committed bots above the maximum with 422 CommittedExceedsMax', () => {
    expect(staleGroup()).toMatchObject({ code: 'PreconditionFailed' });
    expect(committedExceedsMax(3, 2)).toMatchObject({ code: 'BusinessRuleViolated', options: { reason: 'CommittedExceedsMax' } });
    expect(committedExceedsMax(3, 2).detail).toMatch(/^committedBots \(3\) would exceed maxBots \(2\)/);
  });
});

describe('requireImageUse', () => {
  it('answers an image the caller may use, whatever the case of the id it was given', async () => {
    expect((await requireImageUse(ports, env, admin, BUILT_IN_IMAGE.toUpperCase())).id).toBe(BUILT_IN_IMAGE);
    const image = (await ports.store.get<ImageDocument>(ENV, BUILT_IN_IMAGE))!;
    await ports.store.replace({ ...image, shares: [{ userId: 'user', permission: 'User' }] }, image.etag);
    expect((await requireImageUse(ports, env, member('user', ['BasicUser']), BUILT_IN_IMAGE)).id).toBe(BUILT_IN_IMAGE);
  });

  it('refuses an image the caller may not see, a missing one and a document of another kind alike (403)', async () => {
    const refusals = await Promise.all(
      [
        requireImageUse(ports, env, member('owner', ['EnvironmentMaker']), BUILT_IN_IMAGE),
        requireImageUse(ports, env, admin, 'missing'),
        requireImageUse(ports, env, admin, G1),
      ].map((p) => p.catch((e: unknown) => e)),
    );
    expect(refusals).toEqual([
      expect.objectContaining({
        code: 'Forbidden',
        detail: expect.stringMatching(new RegExp(`^Image ${BUILT_IN_IMAGE} does not exist or is not shared with you`)),
      }),
      expect.objectContaining({ code: 'Forbidden', detail: expect.stringMatching(/^Image missing does not exist or is not shared with you/) }),
      expect.objectContaining({ code: 'Forbidden', detail: expect.stringMatching(new RegExp(`^Image ${G1} does not exist or is not shared with you`)) }),
    ]);
  });
});

describe('viewsOf', () => {
  it("builds each view from one read of run counts and of live bots: its runs, its bots, the owner's name, how the caller sees it", async () => {
    await seedMember(ports.store, 'nameless', ['EnvironmentMaker']);
    await seedGroup(ports, G2, 'p', { ownerId: 'nameless' });
    const countsFor = vi.spyOn(ports.runCounts, 'countsFor').mockResolvedValue({ [G1]: { running: 1, queued: 2, queuedHigh: 1 } });
    ports.activeBots[G1] = 3;
    const groups = [(await ports.store.get<GroupDocument>(ENV, G1))!, (await ports.store.get<GroupDocument>(ENV, G2))!];
    const views = await viewsOf(ports, ENV, member('user', ['BasicUser']), groups);
    expect(countsFor.mock.calls).toEqual([[ENV, [G1, G2]]]);
    expect(views.map((v) => ({ id: v.group.id, accessType: v.accessType, runs: v.runs, activeBots: v.activeBots, ownerName: v.ownerName }))).toEqual([
      { id: G1, accessType: 'User', runs: { running: 1, queued: 2, queuedHigh: 1 }, activeBots: 3, ownerName: 'Olive Owner' },
      { id: G2, accessType: undefined, runs: { running: 0, queued: 0, queuedHigh: 0 }, activeBots: 0, ownerName: undefined },
    ]);
    expect((await viewOf(ports, ENV, admin, groups[1]!)).accessType).toBe('Administrator');
  });

  it('reads nothing for no groups', async () => {
    const countsFor = vi.spyOn(ports.runCounts, 'countsFor');
    expect(await viewsOf(ports, ENV, admin, [])).toEqual([]);
    expect(countsFor).not.toHaveBeenCalled();
  });
});
