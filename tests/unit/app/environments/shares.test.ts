import { beforeEach, describe, expect, it } from 'vitest';
import type { GroupDocument } from '../../../../domain/group.js';
import type { Share } from '../../../../domain/roles.js';
import { AppError } from '../../../../domain/errors/app-error.js';
import type { Versioned } from '../../../../app/ports/document-store.js';
import { accessList, readAccessList, replaceAccessList } from '../../../../app/environments/shares.js';
import { loseNextReplace } from '../../../support/fakes/racing-writes.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, useCasePorts, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = '55555555-5555-4555-8555-000000000001';
const staleGroup = () => new AppError('PreconditionFailed', 'The group changed since you read it.');

let ports: UseCasePorts;
let group: Versioned<GroupDocument>;

const stored = async () => (await ports.store.get<GroupDocument>(ENV, GROUP_ID))!;

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'uma', ['BasicUser'], { name: 'Uma User' });
  await seedMember(ports.store, 'nameless', ['BasicUser']);
  await seedMember(ports.store, 'left', ['BasicUser'], { name: 'Lee Left', active: false });
  group = await seedGroup(ports, GROUP_ID, 'pw', { shares: [{ userId: 'left', permission: 'User' }] });
});

describe('accessList', () => {
  it('names the members who have a name, and flags deactivated members and users who are no member at all', () => {
    const members = new Map([
      ['uma', { active: true, name: 'Uma User' }],
      ['nameless', { active: true }],
      ['left', { active: false, name: 'Lee Left' }],
    ]);
    const shares: Share[] = [
      { userId: 'uma', permission: 'CoOwner' },
      { userId: 'nameless', permission: 'User' },
      { userId: 'left', permission: 'User' },
      { userId: 'removed', permission: 'User' },
    ];
    expect(accessList(shares, members)).toEqual([
      { userId: 'uma', name: 'Uma User', permission: 'CoOwner', deactivated: false },
      { userId: 'nameless', permission: 'User', deactivated: false },
      { userId: 'left', name: 'Lee Left', permission: 'User', deactivated: true },
      { userId: 'removed', permission: 'User', deactivated: true },
    ]);
  });
});

describe('readAccessList', () => {
  it('lists the resource’s shares against the environment’s member documents', async () => {
    expect(await readAccessList(ports, group)).toEqual([{ userId: 'left', name: 'Lee Left', permission: 'User', deactivated: true }]);
  });
});

describe('replaceAccessList', () => {
  it('writes only the user and permission of each share, under the etag it read, stamped now', async () => {
    ports.clock.advance(60_000);
    const extra = { userId: 'uma', permission: 'CoOwner', note: 'not stored' } as Share;
    const { resource, items } = await replaceAccessList(ports, group, [extra, { userId: 'nameless', permission: 'User' }], group.etag, staleGroup);
    const saved = await stored();
    expect(saved.shares).toEqual([
      { userId: 'uma', permission: 'CoOwner' },
      { userId: 'nameless', permission: 'User' },
    ]);
    expect(saved.updatedAt).toBe(new Date(Date.parse(NOW) + 60_000).toISOString());
    expect(resource.etag).toBe(saved.etag);
    expect(resource.etag).not.toBe(group.etag);
    expect(items).toEqual([
      { userId: 'uma', name: 'Uma User', permission: 'CoOwner', deactivated: false },
      { userId: 'nameless', permission: 'User', deactivated: false },
    ]);
  });

  it('writes without If-Match too, still conditional on the etag it read', async () => {
    const { resource } = await replaceAccessList(ports, group, [], undefined, staleGroup);
    expect(resource.shares).toEqual([]);
    expect((await stored()).etag).toBe(resource.etag);
  });

  it('refuses an If-Match that is not the resource’s etag (412) and writes nothing', async () => {
    await expect(replaceAccessList(ports, group, [], '"stale"', staleGroup)).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect((await stored()).etag).toBe(group.etag);
  });

  it('refuses a user who is no member of the environment (422 NotAMember, naming the user) and writes nothing', async () => {
    const refused = replaceAccessList(
      ports,
      group,
      [
        { userId: 'uma', permission: 'User' },
        { userId: 'stranger', permission: 'User' },
      ],
      group.etag,
      staleGroup,
    );
    await expect(refused).rejects.toMatchObject({
      code: 'BusinessRuleViolated',
      options: { reason: 'NotAMember' },
      detail: expect.stringContaining('stranger'),
    });
    expect((await stored()).etag).toBe(group.etag);
  });

  it('keeps a deactivated member’s share: a list as it was read can be written back', async () => {
    const { items } = await replaceAccessList(ports, group, [{ userId: 'left', permission: 'CoOwner' }], group.etag, staleGroup);
    expect(items).toEqual([{ userId: 'left', name: 'Lee Left', permission: 'CoOwner', deactivated: true }]);
  });

  it('answers the caller’s stale error when the resource changed between its read and the write, keeping the other write', async () => {
    loseNextReplace<GroupDocument>(ports.store, ENV, GROUP_ID, (current) => ({ ...current, description: 'changed meanwhile' }));
    const refused = replaceAccessList(ports, group, [{ userId: 'uma', permission: 'User' }], group.etag, staleGroup);
    await expect(refused).rejects.toMatchObject({ code: 'PreconditionFailed', detail: 'The group changed since you read it.' });
    expect(await stored()).toMatchObject({ description: 'changed meanwhile', shares: [{ userId: 'left', permission: 'User' }] });
  });

  it('passes any other failure of the store on as it is', async () => {
    const down = new Error('the store is down');
    ports.store.replace = () => Promise.reject(down);
    await expect(replaceAccessList(ports, group, [], group.etag, staleGroup)).rejects.toBe(down);
  });
});
