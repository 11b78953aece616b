import type { BotProvisioner, BotRef, BotSpec, ProvisionedBot, ProvisionedVm } from '../../../app/ports/bot-provisioner.js';

/** The image version a VM of the built-in image reports once it is up. */
export const BUILT_IN_IMAGE_BUILD = '26100.2894';

export const vmResourceIdOf = (botId: string) => `/subscriptions/test/resourceGroups/bots/providers/Microsoft.Compute/virtualMachines/vm-${botId}`;

/**
 * A BotProvisioner that records the specs it was asked to provision and the bots it was asked to remove.
 * `provisionError` / `deprovisionError` make those calls throw; `during` runs inside each call before it answers
 * (what a test checks the bot record holds while the VM is made or removed).
 */
export class RecordingBotProvisioner implements BotProvisioner {
  readonly provisioned: BotSpec[] = [];
  readonly deprovisioned: BotRef[] = [];
  provisionError: Error | undefined;
  deprovisionError: Error | undefined;
  during: ((ref: BotRef) => Promise<void>) | undefined;

  async provision(spec: BotSpec): Promise<ProvisionedBot> {
    this.provisioned.push(spec);
    await this.during?.(spec);
    if (this.provisionError !== undefined) throw this.provisionError;
    return { botId: spec.botId, vmResourceId: vmResourceIdOf(spec.botId), imageVersion: spec.image.builtIn ? BUILT_IN_IMAGE_BUILD : spec.image.version };
  }

  async deprovision(ref: BotRef): Promise<void> {
    this.deprovisioned.push(ref);
    await this.during?.(ref);
    if (this.deprovisionError !== undefined) throw this.deprovisionError;
  }

  async list(): Promise<ProvisionedVm[]> {
    const removed = new Set(this.deprovisioned.map((r) => r.botId));
    return this.provisioned
      .filter((s) => !removed.has(s.botId))
      .map((s) => ({ environmentId: s.environmentId, groupId: s.groupId, botId: s.botId, vmResourceId: vmResourceIdOf(s.botId) }));
  }
}
