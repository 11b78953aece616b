import type { BotProvisioner, BotRef, BotSpec, ProvisionedBot, ProvisionedVm } from '../../../app/ports/bot-provisioner.js';

/**
 * The VMs of a deployment as a map by bot id: `provision` and `addVm` create one at once, `deprovision` removes it
 * (a missing one counts as done) and records the bot id. `failDeprovision` makes deprovisioning fail (ARM is down).
 */
export class MemoryBotProvisioner implements BotProvisioner {
  readonly vms = new Map<string, ProvisionedVm>();
  readonly deprovisioned: string[] = [];
  failDeprovision = false;

  async provision(spec: BotSpec): Promise<ProvisionedBot> {
    const vm = this.addVm(spec);
    return { botId: spec.botId, vmResourceId: vm.vmResourceId, imageVersion: spec.image.version };
  }

  async deprovision(ref: BotRef): Promise<void> {
    if (this.failDeprovision) throw new Error('ARM is down');
    this.vms.delete(ref.botId);
    this.deprovisioned.push(ref.botId);
  }

  async list(): Promise<ProvisionedVm[]> {
    return [...this.vms.values()].map((vm) => ({ ...vm }));
  }

  /** A VM for the bot, as the provisioner leaves one (also one no bot record knows of). */
  addVm(ref: BotRef): ProvisionedVm {
    const vm: ProvisionedVm = {
      environmentId: ref.environmentId,
      groupId: ref.groupId,
      botId: ref.botId,
      vmResourceId: `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/bot-${ref.botId}`,
    };
    this.vms.set(ref.botId, vm);
    return vm;
  }
}
