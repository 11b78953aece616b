/**
 * Which actions the console offers, from the caller's roles in the environment and its access to a group. The
 * API enforces the same rules (PRODUCT.md, "Roles and rights"); this only hides what would be refused.
 */
export type Role = 'SystemAdministrator' | 'EnvironmentMaker' | 'DesktopFlowsMachineOwner' | 'DesktopFlowsMachineImageAdmin' | 'BasicUser';
export type GroupAccess = 'Owner' | 'CoOwner' | 'User' | 'Administrator' | undefined;

export interface Caller {
  id: string;
  platformAdmin: boolean;
  /** roles in the environment on show */
  roles: readonly string[];
}

export interface EnvironmentActions {
  createGroup: boolean;
  viewAudit: boolean;
  editEnvironment: boolean;
}

export interface GroupActions {
  /** maintenance on/off, maxBots/committedBots */
  edit: boolean;
  share: boolean;
  /** move-to-top and another submitter's priority */
  manageQueue: boolean;
}

export interface RunActions {
  cancel: boolean;
  changePriority: boolean;
  moveToTop: boolean;
  resubmit: boolean;
}

const GROUP_CREATORS: readonly string[] = ['SystemAdministrator', 'EnvironmentMaker', 'DesktopFlowsMachineOwner'];

export function canCreateEnvironment(caller: Pick<Caller, 'platformAdmin'>): boolean {
  return caller.platformAdmin;
}

export function environmentActions(caller: Caller): EnvironmentActions {
  const admin = caller.roles.includes('SystemAdministrator');
  return { createGroup: caller.roles.some((r) => GROUP_CREATORS.includes(r)), viewAudit: admin, editEnvironment: admin };
}

export function groupActions(caller: Caller, access: GroupAccess): GroupActions {
  const editor = caller.roles.includes('SystemAdministrator') || access === 'Owner' || access === 'CoOwner' || access === 'Administrator';
  return { edit: editor, share: editor, manageQueue: editor };
}

const ENDED = new Set(['Succeeded', 'Failed', 'Cancelled', 'TimedOut']);

export function runActions(caller: Caller, access: GroupAccess, run: { state: string; submittedBy: string }): RunActions {
  const { manageQueue } = groupActions(caller, access);
  const own = run.submittedBy === caller.id;
  const ended = ENDED.has(run.state);
  return {
    cancel: !ended && (manageQueue || own),
    changePriority: run.state === 'Queued' && (manageQueue || own),
    moveToTop: run.state === 'Queued' && manageQueue,
    resubmit: ended && (manageQueue || own),
  };
}
