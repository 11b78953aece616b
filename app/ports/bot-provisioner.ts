import type { SecretReference } from './secret-store.js';

/**
 * The image a bot is built from: the built-in marketplace Windows 11 image, or an Azure Compute Gallery image
 * version (already checked to be replicated to the environment's region). `version` is what the bot reports
 * until the VM tells the exact one (`latest` for the built-in image).
 */
export type BotImageSpec = { builtIn: true; version: string } | { builtIn: false; galleryImageVersionId: string; version: string };

/** What the agent on the VM needs to reach the control plane; `credential` is a secret (a bot credential). */
export interface AgentBootstrap {
  controlPlaneUrl: string;
  credential: string;
}

/** Which bot: the environment and group are carried along for tags and checks. */
export interface BotRef {
  environmentId: string;
  groupId: string;
  botId: string;
}

export interface BotSpec extends BotRef {
  /** Azure region of the environment, e.g. `northeurope` */
  region: string;
  image: BotImageSpec;
  /** overrides the provisioner's default VM size */
  vmSize?: string;
  /** the group's local admin account; the password stays in the secret store until the VM is created */
  account: { username: string; password: SecretReference };
  agent: AgentBootstrap;
}

export interface ProvisionedBot {
  botId: string;
  vmResourceId: string;
  /** the image version the VM was built from (the exact one when the platform reports it) */
  imageVersion: string;
}

/** A VM this deployment created, as found by its tags (orphans included). */
export interface ProvisionedVm extends BotRef {
  vmResourceId: string;
  /** ISO 8601, when known */
  createdAt?: string;
}

/**
 * Creates and removes the VMs bots run on. Declared here, next to its consumers (the bot lifecycle activities);
 * adapters: `ArmBotProvisioner` (Azure) and `SimulatedBotProvisioner` (local cloud).
 */
export interface BotProvisioner {
  /**
   * Creates the bot's VM and resolves once it is running with its agent bootstrapped. Idempotent per botId:
   * a retry (after a timeout, a crash, a retryable error) converges on the same VM, never a second one.
   * A VM keeps its image: to move a bot to another image, deprovision it first (the bot id may stay).
   */
  provision(spec: BotSpec): Promise<ProvisionedBot>;
  /** Removes the VM, its network interface and OS disk. Whatever is already gone counts as done. */
  deprovision(ref: BotRef): Promise<void>;
  /** The VMs this deployment created (by tag), whether or not the control plane still knows them. */
  list(): Promise<ProvisionedVm[]>;
}

/** Reasons the adapters raise themselves; ARM error codes (`AllocationFailed`, ...) are passed on as reasons too. */
export const PROVISIONING_REASONS = {
  invalidSpec: 'InvalidBotSpec',
  secretUnavailable: 'SecretUnavailable',
  foreignResource: 'ForeignResource',
  imageMismatch: 'ImageMismatch',
  botIdConflict: 'BotIdConflict',
  deletedWhileBooting: 'DeletedWhileBooting',
  simulatedFailure: 'SimulatedFailure',
  agentStartFailed: 'AgentStartFailed',
  storeFailure: 'SimulatedStoreFailure',
  networkError: 'NetworkError',
  authenticationFailed: 'AuthenticationFailed',
  armRequestFailed: 'ArmRequestFailed',
  unexpected: 'UnexpectedError',
  stillRunning: 'OperationStillRunning',
} as const;

export interface ProvisioningErrorDetails {
  /** what the adapter was doing, e.g. `create virtual machine` */
  operation?: string;
  /** the resource name it was doing it to */
  resource?: string;
  /** HTTP status of the failed request, when there was one */
  status?: number;
  /** the service's error code, when there was one */
  code?: string;
}

/**
 * Why a provisioner call failed, and whether trying again later may succeed (throttling, capacity, quota,
 * transient faults). The message names the operation, the resource, the status and the code, never a request
 * or response body: ARM may echo request bodies, and a VM request carries the admin password.
 */
export class ProvisioningError extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
    message: string,
    readonly details: ProvisioningErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function isProvisioningError(error: unknown): error is ProvisioningError {
  return error instanceof ProvisioningError;
}

/** The image of a bot from the group's image document (its built-in flag and gallery image version id). */
export function botImageSpecOf(image: { builtIn: boolean; galleryImageVersionId?: string }): BotImageSpec {
  if (image.builtIn) return { builtIn: true, version: 'latest' };
  const id = image.galleryImageVersionId;
  if (id === undefined || id.length === 0) {
    throw new ProvisioningError(PROVISIONING_REASONS.invalidSpec, false, 'a custom image needs a gallery image version id');
  }
  return { builtIn: false, galleryImageVersionId: id, version: id.slice(id.lastIndexOf('/') + 1) };
}

/** Refuses specs no adapter can act on, before anything is created. */
export function assertValidBotSpec(spec: BotSpec): void {
  const problems: string[] = [];
  for (const field of ['environmentId', 'groupId', 'botId', 'region'] as const) {
    if (spec[field].trim().length === 0) problems.push(`${field} is empty`);
  }
  if (spec.account.username.trim().length === 0) problems.push('account.username is empty');
  if (spec.account.password.name.length === 0) problems.push('account.password has no secret name');
  if (!spec.image.builtIn && spec.image.galleryImageVersionId.length === 0) problems.push('image.galleryImageVersionId is empty');
  if (!/^https?:\/\/[^\s]+$/.test(spec.agent.controlPlaneUrl)) problems.push('agent.controlPlaneUrl is not an http(s) URL');
  // eslint-disable-next-line no-control-regex
  if (spec.agent.credential.length === 0 || /[\u0000-\u001f\u007f]/.test(spec.agent.credential))
    problems.push('agent.credential is empty or has control characters');
  if (problems.length > 0) {
    throw new ProvisioningError(PROVISIONING_REASONS.invalidSpec, false, `bot ${spec.botId}: ${problems.join('; ')}`);
  }
}
