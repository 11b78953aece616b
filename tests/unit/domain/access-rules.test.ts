import { describe, expect, it } from 'vitest';
import {
  canCreateConnection,
  canCreateCredential,
  canCreateDesktopFlow,
  canCreateGroup,
  canCreateImage,
  canHoldConnections,
  canManageEnvironment,
  canMoveRunToTop,
  canReadEnvironment,
  canRunOnGroup,
  canSeeAllGroupConnections,
  credentialAccess,
  groupAccess,
  imageAccess,
  type Membership,
} from '../../../domain/access-rules.js';
import type { Role, Share } from '../../../domain/roles.js';

const me = 'me';
const member = (...roles: Role[]): Membership => ({ userId: me, roles, active: true });
const resource = (ownerId: string, share?: Share['permission']) => ({ ownerId, shares: share ? [{ userId: me, permission: share }] : [] });
const image = (ownerId: string, share?: Share['permission'], builtIn = false) => ({ ...resource(ownerId, share), builtIn });

// PRODUCT.md's roles table, row by row.
describe('environment rights', () => {
  it.each<[Role, boolean]>([
    ['SystemAdministrator', true],
    ['EnvironmentMaker', false],
    ['DesktopFlowsMachineOwner', false],
    ['DesktopFlowsMachineImageAdmin', false],
    ['BasicUser', false],
  ])('%s may change the environment and its members: %s', (role, expected) => {
    expect(canManageEnvironment(member(role))).toBe(expected);
    expect(canReadEnvironment(member(role))).toBe(true);
  });

  it('gives a deactivated member no rights at all', () => {
    const gone: Membership = { userId: me, roles: ['SystemAdministrator'], active: false };
    expect(canReadEnvironment(gone)).toBe(false);
    expect(canManageEnvironment(gone)).toBe(false);
    expect(groupAccess(gone, resource(me))).toBe('none');
    expect(imageAccess(gone, image(me))).toBe('none');
  });
});

describe('image rights', () => {
  it.each<[Role, boolean]>([
    ['SystemAdministrator', true],
    ['EnvironmentMaker', true],
    ['DesktopFlowsMachineOwner', false],
    ['DesktopFlowsMachineImageAdmin', true],
    ['BasicUser', false],
  ])('%s may create images: %s', (role, expected) => {
    expect(canCreateImage(member(role))).toBe(expected);
  });

  it.each<[string, Role, ReturnType<typeof image>, string]>([
    ['admin, someone else’s image', 'SystemAdministrator', image('other'), 'manage'],
    ['image admin, someone else’s image', 'DesktopFlowsMachineImageAdmin', image('other'), 'manage'],
    ['image admin, built-in image', 'DesktopFlowsMachineImageAdmin', image('system', undefined, true), 'manage'],
    ['admin, built-in image', 'SystemAdministrator', image('system', undefined, true), 'manage'],
    ['maker, own image', 'EnvironmentMaker', image(me), 'manage'],
    ['maker, other’s image unshared', 'EnvironmentMaker', image('other'), 'none'],
    ['maker, shared as User', 'EnvironmentMaker', image('other', 'User'), 'use'],
    ['maker, shared as CoOwner', 'EnvironmentMaker', image('other', 'CoOwner'), 'manage'],
    ['maker, built-in unshared', 'EnvironmentMaker', image('system', undefined, true), 'none'],
    ['maker, built-in shared', 'EnvironmentMaker', image('system', 'User', true), 'use'],
    ['machine owner, unshared', 'DesktopFlowsMachineOwner', image('other'), 'none'],
    ['machine owner, shared as User', 'DesktopFlowsMachineOwner', image('other', 'User'), 'use'],
    ['machine owner, shared as CoOwner', 'DesktopFlowsMachineOwner', image('other', 'CoOwner'), 'manage'],
    ['basic user, shared as User', 'BasicUser', image('other', 'User'), 'use'],
    ['basic user, shared as CoOwner (never manages)', 'BasicUser', image('other', 'CoOwner'), 'use'],
    ['basic user, unshared', 'BasicUser', image('other'), 'none'],
  ])('%s', (_case, role, img, expected) => {
    expect(imageAccess(member(role), img)).toBe(expected);
  });
});

describe('group rights', () => {
  it.each<[Role, boolean]>([
    ['SystemAdministrator', true],
    ['EnvironmentMaker', true],
    ['DesktopFlowsMachineOwner', true],
    ['DesktopFlowsMachineImageAdmin', false],
    ['BasicUser', false],
  ])('%s may create groups and desktop flows: %s', (role, expected) => {
    expect(canCreateGroup(member(role))).toBe(expected);
    expect(canCreateDesktopFlow(member(role))).toBe(expected);
  });

  it.each<[string, Role, ReturnType<typeof resource>, string]>([
    ['admin, any group', 'SystemAdministrator', resource('other'), 'manage'],
    ['maker, own group', 'EnvironmentMaker', resource(me), 'manage'],
    ['maker, other’s group', 'EnvironmentMaker', resource('other'), 'none'],
    ['maker, shared as User', 'EnvironmentMaker', resource('other', 'User'), 'use'],
    ['maker, shared as CoOwner', 'EnvironmentMaker', resource('other', 'CoOwner'), 'manage'],
    ['machine owner, own group', 'DesktopFlowsMachineOwner', resource(me), 'manage'],
    ['machine owner, shared as CoOwner', 'DesktopFlowsMachineOwner', resource('other', 'CoOwner'), 'manage'],
    ['image admin, shared or not', 'DesktopFlowsMachineImageAdmin', resource('other', 'CoOwner'), 'none'],
    ['basic user, shared as User', 'BasicUser', resource('other', 'User'), 'use'],
    ['basic user, shared as CoOwner', 'BasicUser', resource('other', 'CoOwner'), 'manage'],
    ['basic user, unshared', 'BasicUser', resource('other'), 'none'],
  ])('%s', (_case, role, group, expected) => {
    expect(groupAccess(member(role), group)).toBe(expected);
    expect(canCreateConnection(member(role), group)).toBe(expected !== 'none');
  });
});

// PRODUCT.md turn 2, "Access": current use of the group to run on it; managers see every connection and reorder runs.
describe('runs and connections on a group', () => {
  it.each<[string, Role[], ReturnType<typeof resource>, { run: boolean; allConnections: boolean; moveToTop: boolean }]>([
    ['admin, any group', ['SystemAdministrator'], resource('other'), { run: true, allConnections: true, moveToTop: true }],
    ['maker, own group', ['EnvironmentMaker'], resource(me), { run: true, allConnections: true, moveToTop: true }],
    ['owner demoted to BasicUser', ['BasicUser'], resource(me), { run: false, allConnections: false, moveToTop: false }],
    ['owner left with DesktopFlowsMachineImageAdmin', ['DesktopFlowsMachineImageAdmin'], resource(me), { run: false, allConnections: false, moveToTop: false }],
    ['basic user, User share', ['BasicUser'], resource('other', 'User'), { run: true, allConnections: false, moveToTop: false }],
    ['basic user, CoOwner share', ['BasicUser'], resource('other', 'CoOwner'), { run: true, allConnections: true, moveToTop: true }],
    ['basic user, share removed', ['BasicUser'], resource('other'), { run: false, allConnections: false, moveToTop: false }],
  ])('%s', (_case, roles, group, expected) => {
    const m: Membership = { userId: me, roles, active: true };
    expect({ run: canRunOnGroup(m, group), allConnections: canSeeAllGroupConnections(m, group), moveToTop: canMoveRunToTop(m, group) }).toEqual(expected);
  });

  it('gives a deactivated member none of it', () => {
    const gone: Membership = { userId: me, roles: ['SystemAdministrator'], active: false };
    expect([
      canRunOnGroup(gone, resource(me)),
      canSeeAllGroupConnections(gone, resource(me)),
      canMoveRunToTop(gone, resource(me)),
      canHoldConnections(gone),
    ]).toEqual([false, false, false, false]);
    expect(credentialAccess(gone, resource(me))).toBe('none');
  });
});

describe('credential rights (owner and shares, like images; whoever may hold connections)', () => {
  it.each<[Role, boolean]>([
    ['SystemAdministrator', true],
    ['EnvironmentMaker', true],
    ['DesktopFlowsMachineOwner', true],
    ['DesktopFlowsMachineImageAdmin', false],
    ['BasicUser', true],
  ])('%s may create credentials and hold connections: %s', (role, expected) => {
    expect(canCreateCredential(member(role))).toBe(expected);
    expect(canHoldConnections(member(role))).toBe(expected);
  });

  it.each<[string, Role, ReturnType<typeof resource>, string]>([
    ['admin, someone else’s', 'SystemAdministrator', resource('other'), 'manage'],
    ['basic user, own', 'BasicUser', resource(me), 'manage'],
    ['basic user, shared as CoOwner (may rotate)', 'BasicUser', resource('other', 'CoOwner'), 'manage'],
    ['basic user, shared as User (may reference)', 'BasicUser', resource('other', 'User'), 'use'],
    ['maker, unshared', 'EnvironmentMaker', resource('other'), 'none'],
    ['machine owner, shared as User', 'DesktopFlowsMachineOwner', resource('other', 'User'), 'use'],
    ['image admin, own or shared: holds no connections', 'DesktopFlowsMachineImageAdmin', resource(me, 'CoOwner'), 'none'],
  ])('%s', (_case, role, credential, expected) => {
    expect(credentialAccess(member(role), credential)).toBe(expected);
  });
});
