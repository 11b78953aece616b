import { beforeEach, describe, expect, it } from 'vitest';
import { memberDocumentId, type MemberDocument } from '../../../../domain/environment.js';
import { deactivateMember, listMembers, memberNames, setMemberRoles } from '../../../../app/environments/members.js';
import { ENV, seedEnvironment, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

const admin = userPrincipal('admin');
let ports: UseCasePorts;

const memberOf = (userId: string) => ports.store.get<MemberDocument>(ENV, memberDocumentId(userId));

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'admin', ['SystemAdministrator'], { name: 'Ada Admin' });
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
});

describe('listMembers', () => {
  it('lists every member to any member', async () => {
    expect((await listMembers(ports, userPrincipal('maker'), ENV)).map((m) => m.userId).sort()).toEqual(['admin', 'maker']);
  });
});

describe('setMemberRoles', () => {
  it('adds a new member (created), roles without duplicates', async () => {
    const { member, created } = await setMemberRoles(ports, admin, ENV, 'newbie', ['BasicUser', 'BasicUser'], undefined);
    expect(created).toBe(true);
    expect(member).toMatchObject({ userId: 'newbie', roles: ['BasicUser'], active: true });
  });

  it('reactivates a deactivated member with the new roles', async () => {
    await seedMember(ports.store, 'back', ['BasicUser'], { active: false, deactivatedAt: '2025-12-01T00:00:00.000Z' });
    const { member, created } = await setMemberRoles(ports, admin, ENV, 'back', ['EnvironmentMaker'], undefined);
    expect(created).toBe(false);
    expect(member).toMatchObject({ roles: ['EnvironmentMaker'], active: true });
    expect(member.deactivatedAt).toBeUndefined();
  });

  it('refuses a caller who is not a SystemAdministrator (403)', async () => {
    await expect(setMemberRoles(ports, userPrincipal('maker'), ENV, 'maker', ['SystemAdministrator'], undefined)).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it('answers 412 to If-Match on a member that does not exist yet, and to a stale one', async () => {
    await expect(setMemberRoles(ports, admin, ENV, 'newbie', ['BasicUser'], '*')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await expect(setMemberRoles(ports, admin, ENV, 'maker', ['BasicUser'], '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('refuses to demote the last active SystemAdministrator (422 LastSystemAdministrator)', async () => {
    await expect(setMemberRoles(ports, admin, ENV, 'admin', ['BasicUser'], undefined)).rejects.toMatchObject({
      options: { reason: 'LastSystemAdministrator' },
    });
    expect((await memberOf('admin'))?.roles).toEqual(['SystemAdministrator']);
  });

  it('demotes an administrator while another remains', async () => {
    await seedMember(ports.store, 'admin2', ['SystemAdministrator']);
    const { member } = await setMemberRoles(ports, admin, ENV, 'admin2', ['BasicUser'], undefined);
    expect(member.roles).toEqual(['BasicUser']);
  });
});

describe('two demotions of the last two administrators at once', () => {
  it('let exactly one through: the environment always keeps an active SystemAdministrator', async () => {
    await seedMember(ports.store, 'admin2', ['SystemAdministrator']);
    const replace = ports.store.replace.bind(ports.store);
    let lostEnvironmentWrites = 0;
    ports.store.replace = async (doc, etag) => {
      try {
        return await replace(doc, etag);
      } catch (err) {
        if (doc.type === 'environment') lostEnvironmentWrites++;
        throw err;
      }
    };
    const outcomes = await Promise.allSettled([
      setMemberRoles(ports, admin, ENV, 'admin2', ['BasicUser'], undefined),
      setMemberRoles(ports, userPrincipal('admin2'), ENV, 'admin', ['BasicUser'], undefined),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { options: { reason: 'LastSystemAdministrator' } } });
    const admins = (await listMembers(ports, admin, ENV)).filter((m) => m.roles.includes('SystemAdministrator'));
    expect(admins).toHaveLength(1);
    // both passed the check before either wrote: the environment bump is what decided
    expect(lostEnvironmentWrites).toBeGreaterThan(0);
  });
});

describe('deactivateMember', () => {
  it('deactivates a member, stamping when', async () => {
    await deactivateMember(ports, admin, ENV, 'maker', undefined);
    expect(await memberOf('maker')).toMatchObject({ active: false, deactivatedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('answers 404 for a user who is not a member', async () => {
    await expect(deactivateMember(ports, admin, ENV, 'nobody', undefined)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('refuses to deactivate the last active SystemAdministrator', async () => {
    await expect(deactivateMember(ports, admin, ENV, 'admin', undefined)).rejects.toMatchObject({ options: { reason: 'LastSystemAdministrator' } });
    expect((await memberOf('admin'))?.active).toBe(true);
  });
});

describe('memberNames', () => {
  it('maps user ids to the names their member documents have', async () => {
    expect(await memberNames(ports, ENV)).toEqual(new Map([['admin', 'Ada Admin']]));
  });
});
