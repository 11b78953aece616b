import {
  ComputeManagementClient,
  type ComputeManagementClientOptionalParams,
  type ImageReference,
  type VirtualMachine,
  type VirtualMachineExtension,
} from '@azure/arm-compute';
import { NetworkManagementClient, type NetworkInterface } from '@azure/arm-network';
import type { TokenCredential } from '@azure/identity';

import type { SecretStore } from '../../app/ports/secret-store.js';
import { readAdminPassword } from './admin-password.js';
import { AGENT_EXTENSION, type AgentBootstrapBuilder, bootstrapUpdateTag, defaultAgentBootstrap } from './agent-bootstrap.js';
import { armFailure, isNotFound } from './arm-errors.js';
import {
  assertValidBotSpec,
  type BotProvisioner,
  type BotRef,
  type BotSpec,
  PROVISIONING_REASONS,
  type ProvisionedBot,
  type ProvisionedVm,
  ProvisioningError,
} from '../../app/ports/bot-provisioner.js';
import { BOT_TAGS, botResourceNames, botTags, nicResourceId, vmResourceId } from './bot-resources.js';

export const DEFAULT_VM_SIZE = 'Standard_D2s_v5';

const DEFAULT_MAX_CALL_MS = 20 * 60_000;

/** SDK options for one call's ARM requests: the poll interval and the call's deadline. */
interface PollOptions {
  updateIntervalInMs?: number;
  abortSignal: AbortSignal;
}

/** The built-in "Default Windows Desktop Image": Windows 11 Enterprise from the marketplace. */
export const BUILT_IN_IMAGE_REFERENCE: Readonly<Required<Pick<ImageReference, 'publisher' | 'offer' | 'sku' | 'version'>>> = {
  publisher: 'MicrosoftWindowsDesktop',
  offer: 'windows-11',
  sku: 'win11-24h2-ent',
  version: 'latest',
};

/**
 * Options both ARM clients accept: tests inject an `httpClient` (and no retries); production passes nothing.
 * (Both SDKs build on @azure/core-rest-pipeline, so the Compute client's option types fit the Network client.)
 */
export type ArmClientOptions = Pick<ComputeManagementClientOptionalParams, 'httpClient' | 'retryOptions' | 'additionalPolicies' | 'userAgentOptions'>;

export interface ArmBotProvisionerSettings {
  /** `AZURE_SUBSCRIPTION_ID` */
  subscriptionId: string;
  /** `BOTS_RESOURCE_GROUP`: where VMs, NICs and disks go */
  resourceGroup: string;
  /** `BOTS_SUBNET_ID`: the subnet bot NICs join (no public IP) */
  subnetId: string;
  /** `DEPLOYMENT_ID`: tag value on everything this deployment creates */
  deploymentId: string;
  /** VM size when the spec names none; `Standard_D2s_v5` by default */
  defaultVmSize?: string;
  /** Delay between polls of long-running operations; absent: ARM's Retry-After or the SDK's default. */
  pollIntervalMs?: number;
  /**
   * How long one provision or deprovision call may wait on ARM before it gives up with a retryable
   * `OperationStillRunning` (the retry finds and resumes what ARM goes on doing). It keeps the activity inside the
   * host's functionTimeout (host.json: 30 min); default 20 minutes.
   */
  maxCallMs?: number;
  /** how the agent's settings reach the VM; `defaultAgentBootstrap` by default */
  agentBootstrap?: AgentBootstrapBuilder;
  /**
   * `BOT_IDENTITY_RESOURCE_ID`: a user-assigned identity attached to every VM, with which the agent extension
   * downloads the agent package (the app's identity needs Managed Identity Operator on it to attach it).
   */
  botIdentityResourceId?: string;
  /** progress lines (resource names and steps only: never a secret) */
  log?: (line: string) => void;
}

export interface ArmBotProvisionerDependencies {
  credential: TokenCredential;
  secrets: SecretStore;
  clientOptions?: ArmClientOptions;
}

/**
 * Bots as Azure VMs: a NIC in the bots' subnet, a Windows VM from the group's image (admin password read from
 * the secret store at the moment of the PUT), its OS disk tagged like the rest, and a CustomScriptExtension
 * whose protectedSettings bootstrap the agent. Every resource is named after the bot id, so a retry finds
 * what an earlier attempt created and every write it repeats is an idempotent PUT or PATCH.
 */
export class ArmBotProvisioner implements BotProvisioner {
  private readonly compute: ComputeManagementClient;
  private readonly network: NetworkManagementClient;
  private readonly bootstrap: AgentBootstrapBuilder;

  constructor(
    private readonly settings: ArmBotProvisionerSettings,
    private readonly deps: ArmBotProvisionerDependencies,
  ) {
    this.compute = new ComputeManagementClient(deps.credential, settings.subscriptionId, { ...deps.clientOptions });
    this.network = new NetworkManagementClient(deps.credential, settings.subscriptionId, { ...deps.clientOptions });
    this.bootstrap = settings.agentBootstrap ?? defaultAgentBootstrap;
  }

  /**
   * A VM already created for this bot (a retry after a timeout, a crash) is reused as it is, provided it is
   * this deployment's, built from the same image and provisioned: no second PUT with the password, no
   * `PropertyChangeNotAllowed` when the group's password changed meanwhile. A VM that failed to provision is
   * PUT again (ARM's retry). The disk tags and the agent extension are (re)applied every time.
   */
  async provision(spec: BotSpec): Promise<ProvisionedBot> {
    assertValidBotSpec(spec);
    const { deploymentId } = this.settings;
    const names = botResourceNames(spec.botId);
    const tags = botTags(deploymentId, spec);
    const { poll, done } = this.pollOptions();
    try {
      return await this.provisionWithin(spec, names, tags, poll);
    } finally {
      done();
    }
  }

  private async provisionWithin(
    spec: BotSpec,
    names: ReturnType<typeof botResourceNames>,
    tags: Record<string, string>,
    poll: PollOptions,
  ): Promise<ProvisionedBot> {
    const { resourceGroup: rg, subscriptionId } = this.settings;

    const existing = await this.findVm(names.vm);
    if (existing !== undefined) this.assertOwned(existing, spec.botId, 'create virtual machine', names.vm);
    let vm: VirtualMachine;
    if (existing?.provisioningState === 'Succeeded') {
      assertSameImage(existing, spec, names.vm);
      this.settings.log?.(`reuse virtual machine '${names.vm}'`);
      vm = existing;
    } else {
      // read before anything is created: a missing secret must not leave a NIC behind
      const password = await readAdminPassword(this.deps.secrets, spec);
      const nic = await this.step('create network interface', names.nic, () =>
        this.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, names.nic, this.nicBody(spec, tags), poll),
      );
      const nicId = nic.id ?? nicResourceId(subscriptionId, rg, names.nic);
      vm = await this.step('create virtual machine', names.vm, () =>
        this.compute.virtualMachines.createOrUpdate(rg, names.vm, this.vmBody(spec, tags, nicId, password), poll),
      );
    }

    // Tags on a VM do not reach the OS disk it creates; teardown and cost reports need them there too.
    await this.step('tag OS disk', names.osDisk, () => this.compute.disks.update(rg, names.osDisk, { tags }, poll));

    await this.step('bootstrap agent', `${names.vm}/${AGENT_EXTENSION.name}`, () =>
      this.compute.virtualMachineExtensions.createOrUpdate(rg, names.vm, AGENT_EXTENSION.name, this.extensionBody(spec, tags), poll),
    );

    return {
      botId: spec.botId,
      vmResourceId: vm.id ?? vmResourceId(subscriptionId, rg, names.vm),
      imageVersion: vm.storageProfile?.imageReference?.exactVersion ?? spec.image.version,
    };
  }

  async deprovision(ref: BotRef): Promise<void> {
    const { poll, done } = this.pollOptions();
    try {
      await this.deprovisionWithin(ref, poll);
    } finally {
      done();
    }
  }

  private async deprovisionWithin(ref: BotRef, poll: PollOptions): Promise<void> {
    const { resourceGroup: rg } = this.settings;
    const names = botResourceNames(ref.botId);

    const vm = await this.findVm(names.vm);
    if (vm !== undefined) {
      this.assertOwned(vm, ref.botId, 'delete virtual machine', names.vm);
      // deleteOption: Delete on the NIC and the OS disk: ARM removes them with the VM
      await this.deleteIfPresent('delete virtual machine', names.vm, () => this.compute.virtualMachines.delete(rg, names.vm, poll));
    }
    // Left over when the VM never got created, or was deleted by hand without its delete options.
    await this.deleteIfPresent('delete network interface', names.nic, () => this.network.networkInterfaces.beginDeleteAndWait(rg, names.nic, poll));
    await this.deleteIfPresent('delete OS disk', names.osDisk, () => this.compute.disks.delete(rg, names.osDisk, poll));
  }

  /**
   * `virtualMachines.list` filters by scale set only, so the tag filter runs here; the bots' resource group
   * holds a few hundred VMs at most.
   */
  async list(): Promise<ProvisionedVm[]> {
    const { resourceGroup: rg, subscriptionId, deploymentId } = this.settings;
    return this.step('list virtual machines', rg, async () => {
      const found: ProvisionedVm[] = [];
      for await (const vm of this.compute.virtualMachines.list(rg)) {
        const tags = vm.tags ?? {};
        const botId = tags[BOT_TAGS.bot];
        if (tags[BOT_TAGS.deployment] !== deploymentId || botId === undefined) continue;
        found.push({
          botId,
          environmentId: tags[BOT_TAGS.environment] ?? '',
          groupId: tags[BOT_TAGS.group] ?? '',
          vmResourceId: vm.id ?? vmResourceId(subscriptionId, rg, vm.name ?? botResourceNames(botId).vm),
          ...(vm.timeCreated ? { createdAt: vm.timeCreated.toISOString() } : {}),
        });
      }
      return found;
    });
  }

  private async findVm(vmName: string): Promise<VirtualMachine | undefined> {
    return this.step('read virtual machine', vmName, async () => {
      try {
        return await this.compute.virtualMachines.get(this.settings.resourceGroup, vmName);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  /** A VM of this name that is not tagged as this bot of this deployment is someone else's: never touched. */
  private assertOwned(vm: VirtualMachine, botId: string, operation: string, vmName: string): void {
    const { deploymentId } = this.settings;
    if (vm.tags?.[BOT_TAGS.deployment] !== deploymentId || vm.tags[BOT_TAGS.bot] !== botId) {
      throw new ProvisioningError(
        PROVISIONING_REASONS.foreignResource,
        false,
        `virtual machine '${vmName}' is not tagged as bot ${botId} of deployment ${deploymentId}: left alone`,
        { operation, resource: vmName },
      );
    }
  }

  private nicBody(spec: BotSpec, tags: Record<string, string>): NetworkInterface {
    return {
      location: spec.region,
      tags,
      ipConfigurations: [{ name: 'ipconfig1', primary: true, privateIPAllocationMethod: 'Dynamic', subnet: { id: this.settings.subnetId } }],
    };
  }

  private vmBody(spec: BotSpec, tags: Record<string, string>, nicId: string, adminPassword: string): VirtualMachine {
    const names = botResourceNames(spec.botId);
    const image = spec.image;
    return {
      location: spec.region,
      tags,
      hardwareProfile: { vmSize: spec.vmSize ?? this.settings.defaultVmSize ?? DEFAULT_VM_SIZE },
      storageProfile: {
        imageReference: image.builtIn ? { ...BUILT_IN_IMAGE_REFERENCE } : { id: image.galleryImageVersionId },
        osDisk: {
          name: names.osDisk,
          createOption: 'FromImage',
          caching: 'ReadWrite',
          managedDisk: { storageAccountType: 'StandardSSD_LRS' },
          deleteOption: 'Delete',
        },
      },
      osProfile: {
        computerName: names.computerName,
        adminUsername: spec.account.username,
        adminPassword,
        windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
      },
      networkProfile: { networkInterfaces: [{ id: nicId, primary: true, deleteOption: 'Delete' }] },
      ...(this.settings.botIdentityResourceId
        ? { identity: { type: 'UserAssigned', userAssignedIdentities: { [this.settings.botIdentityResourceId]: {} } } }
        : {}),
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      // Windows 11 needs Trusted Launch and runs under the Windows client licence (multitenant hosting
      // rights). A gallery image carries its own security type and OS, so neither is forced on it.
      ...(image.builtIn
        ? { securityProfile: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } }, licenseType: 'Windows_Client' }
        : {}),
    };
  }

  /**
   * The agent's settings go in the extension's protectedSettings: ARM encrypts them to a certificate only the
   * VM's guest agent holds and never returns them (not even to Owners), while `userData` is readable by any
   * VM Reader (`$expand=userData`) and by any process on the VM through IMDS, and `customData` cannot be
   * changed after creation (the credential rotates at reprovision).
   */
  private extensionBody(spec: BotSpec, tags: Record<string, string>): VirtualMachineExtension {
    const command = this.bootstrap({ ...spec.agent, environmentId: spec.environmentId, groupId: spec.groupId, botId: spec.botId });
    return {
      location: spec.region,
      tags,
      publisher: AGENT_EXTENSION.publisher,
      typePropertiesType: AGENT_EXTENSION.type,
      typeHandlerVersion: AGENT_EXTENSION.typeHandlerVersion,
      autoUpgradeMinorVersion: true,
      forceUpdateTag: bootstrapUpdateTag(command),
      settings: {},
      protectedSettings: { ...command },
    };
  }

  /** Options of every ARM call of one provision or deprovision: the poll interval and the call's deadline. */
  private pollOptions(): { poll: PollOptions; done: () => void } {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.settings.maxCallMs ?? DEFAULT_MAX_CALL_MS);
    const poll: PollOptions = {
      abortSignal: deadline.signal,
      ...(this.settings.pollIntervalMs === undefined ? {} : { updateIntervalInMs: this.settings.pollIntervalMs }),
    };
    return { poll, done: () => clearTimeout(timer) };
  }

  private async step<T>(operation: string, resource: string, action: () => PromiseLike<T>): Promise<T> {
    this.settings.log?.(`${operation} '${resource}'`);
    try {
      return await action();
    } catch (error) {
      throw armFailure(operation, resource, error);
    }
  }

  private async deleteIfPresent(operation: string, resource: string, action: () => PromiseLike<unknown>): Promise<void> {
    await this.step(operation, resource, async () => {
      try {
        await action();
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
  }
}

/** A VM cannot change its image: a bot moving to another image is deprovisioned and provisioned again. */
function assertSameImage(vm: VirtualMachine, spec: BotSpec, vmName: string): void {
  const reference = vm.storageProfile?.imageReference ?? {};
  const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
  const matches = spec.image.builtIn
    ? same(reference.publisher, BUILT_IN_IMAGE_REFERENCE.publisher) &&
      same(reference.offer, BUILT_IN_IMAGE_REFERENCE.offer) &&
      same(reference.sku, BUILT_IN_IMAGE_REFERENCE.sku)
    : same(reference.id, spec.image.galleryImageVersionId);
  if (!matches) {
    throw new ProvisioningError(
      PROVISIONING_REASONS.imageMismatch,
      false,
      `virtual machine '${vmName}' of bot ${spec.botId} was built from another image: deprovision the bot before provisioning it from a new one`,
      { operation: 'create virtual machine', resource: vmName },
    );
  }
}
