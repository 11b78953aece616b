export const ROLES = ['SystemAdministrator', 'EnvironmentMaker', 'DesktopFlowsMachineOwner', 'DesktopFlowsMachineImageAdmin', 'BasicUser'] as const;

export type Role = (typeof ROLES)[number];

export type SharePermission = 'User' | 'CoOwner';

export interface Share {
  userId: string;
  permission: SharePermission;
}
