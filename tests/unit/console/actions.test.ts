import { describe, expect, it } from 'vitest';
import { canCreateEnvironment, environmentActions, groupActions, runActions, type Caller, type GroupAccess } from '../../../console/src/actions.js';

const caller = (roles: string[], id = 'me'): Caller => ({ id, platformAdmin: false, roles });
const queued = (submittedBy: string) => ({ state: 'Queued', submittedBy });
const ended = (submittedBy: string) => ({ state: 'Succeeded', submittedBy });

describe('the actions the console offers (PRODUCT.md, Roles and rights)', () => {
  it('lets only Platform.Admin create environments', () => {
    expect(canCreateEnvironment({ platformAdmin: true })).toBe(true);
    expect(canCreateEnvironment({ platformAdmin: false })).toBe(false);
  });

  it.each([
    [['SystemAdministrator'], { createGroup: true, viewAudit: true, editEnvironment: true }],
    [['EnvironmentMaker'], { createGroup: true, viewAudit: false, editEnvironment: false }],
    [['DesktopFlowsMachineOwner'], { createGroup: true, viewAudit: false, editEnvironment: false }],
    [['DesktopFlowsMachineImageAdmin'], { createGroup: false, viewAudit: false, editEnvironment: false }],
    [['BasicUser'], { createGroup: false, viewAudit: false, editEnvironment: false }],
    [[], { createGroup: false, viewAudit: false, editEnvironment: false }],
  ])('environment actions of %j', (roles, expected) => {
    expect(environmentActions(caller(roles))).toEqual(expected);
  });

  it.each<[string[], GroupAccess, boolean]>([
    [['SystemAdministrator'], undefined, true],
    [['EnvironmentMaker'], 'Owner', true],
    [['DesktopFlowsMachineOwner'], 'CoOwner', true],
    [['BasicUser'], 'CoOwner', true],
    [['BasicUser'], 'User', false],
    [['EnvironmentMaker'], 'User', false],
    [['EnvironmentMaker'], undefined, false],
  ])('group edit, share and queue management for %j with %s access: %s', (roles, access, allowed) => {
    expect(groupActions(caller(roles), access)).toEqual({ edit: allowed, share: allowed, manageQueue: allowed });
  });

  it('lets a submitter cancel and reprioritise its own queued run, but not move it to the top', () => {
    expect(runActions(caller(['BasicUser']), 'User', queued('me'))).toEqual({ cancel: true, changePriority: true, moveToTop: false, resubmit: false });
  });

  it("gives a User share nothing on another's run", () => {
    expect(runActions(caller(['BasicUser']), 'User', queued('other'))).toEqual({ cancel: false, changePriority: false, moveToTop: false, resubmit: false });
    expect(runActions(caller(['BasicUser']), 'User', ended('other'))).toEqual({ cancel: false, changePriority: false, moveToTop: false, resubmit: false });
  });

  it("gives the owner everything on anyone's run, by state", () => {
    expect(runActions(caller(['EnvironmentMaker']), 'Owner', queued('other'))).toEqual({
      cancel: true,
      changePriority: true,
      moveToTop: true,
      resubmit: false,
    });
    expect(runActions(caller(['EnvironmentMaker']), 'Owner', { state: 'Running', submittedBy: 'other' })).toEqual({
      cancel: true,
      changePriority: false,
      moveToTop: false,
      resubmit: false,
    });
    expect(runActions(caller(['EnvironmentMaker']), 'Owner', ended('other'))).toEqual({
      cancel: false,
      changePriority: false,
      moveToTop: false,
      resubmit: true,
    });
  });
});
