import { describe, expect, it } from 'vitest';
import {
  canCreateConnection,
  canCreateDesktopFlow,
  canCreateGroup,
  canCreateImage,
  canManageEnvironment,
  canReadEnvironment,
  groupAccess,
  imageAccess,
  type Membership,
} from '../../../../shared/domain/access-rules.js';
import type { Role, Share } from '../../../../shared/domain/roles.js';

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
