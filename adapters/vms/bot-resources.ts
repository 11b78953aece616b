import { createHash } from 'node:crypto';

import type { BotRef } from '../../app/ports/bot-provisioner.js';

/** Tags on every resource a provisioner creates; `list` and `deprovision` go by them. */
export const BOT_TAGS = {
  deployment: 'hosted-rpa-deployment',
  environment: 'hosted-rpa-environment',
  group: 'hosted-rpa-group',
  bot: 'hosted-rpa-bot',
} as const;

export function botTags(deploymentId: string, ref: BotRef): Record<string, string> {
  return {
    [BOT_TAGS.deployment]: deploymentId,
    [BOT_TAGS.environment]: ref.environmentId,
    [BOT_TAGS.group]: ref.groupId,
    [BOT_TAGS.bot]: ref.botId,
  };
}

export interface BotResourceNames {
  vm: string;
  nic: string;
  osDisk: string;
  /** the Windows computer name: at most 15 characters, not all digits */
  computerName: string;
}

const DIGEST_LENGTH = 8;
const READABLE_LENGTH = 40;

/**
 * The names of a bot's resources, a pure function of its id: a retried provision addresses the same resources
 * (PUT is create-or-update), so it can never create a second VM. ARM names compare case-insensitively and allow
 * fewer characters than ids may hold, so a digest of the exact id keeps two ids from sharing a name.
 */
export function botResourceNames(botId: string): BotResourceNames {
  if (botId.length === 0) throw new RangeError('a bot needs a non-empty id');
  const digest = createHash('sha256').update(botId, 'utf8').digest('hex');
  const readable = botId
    .toLowerCase()
    .replace(/[^0-9a-z]+/g, '-')
    .slice(0, READABLE_LENGTH)
    .replace(/^-+|-+$/g, '');
  const base = readable.length > 0 ? `bot-${readable}-${digest.slice(0, DIGEST_LENGTH)}` : `bot-${digest.slice(0, DIGEST_LENGTH)}`;
  return {
    vm: base,
    nic: `${base}-nic`,
    osDisk: `${base}-osdisk`,
    computerName: `rpa${digest.slice(0, 12)}`,
  };
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function vmResourceId(subscriptionId: string, resourceGroup: string, vmName: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
}

export function nicResourceId(subscriptionId: string, resourceGroup: string, nicName: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/networkInterfaces/${nicName}`;
}
