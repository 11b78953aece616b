import { z } from 'zod';
import {
  deprovisionBot,
  markBotFailed,
  provisionBot,
  type DeprovisionPorts,
  type ProvisionOutcome,
  type ProvisionPorts,
} from '../../app/bots/bot-operations.js';
import { readServeState, type ServeState, type ServeStatePorts } from '../../app/bots/serve-state.js';
import type { BotProvisioner } from '../../app/ports/bot-provisioner.js';

const botRef = z.object({ environmentId: z.string(), groupId: z.string(), botId: z.string() });
const withReason = botRef.extend({ reason: z.string().default('Released'), keepRecord: z.boolean().default(false) });
const serveStateInput = botRef.extend({ release: z.string().optional(), drain: z.literal('reprovision').optional() });

/** What the bot lifecycle's activities work with: the stores, a provisioner, and where agents reach the API. */
export interface BotActivityDeps {
  deps: ProvisionPorts & DeprovisionPorts & ServeStatePorts;
  provisioner: BotProvisioner;
  /** e.g. https://<app>.azurewebsites.net/api; locally http://127.0.0.1:7071/api */
  agentApiBaseUrl: string;
}

export async function provisionActivity({ deps, provisioner, agentApiBaseUrl }: BotActivityDeps, input: unknown): Promise<ProvisionOutcome> {
  return provisionBot(deps, provisioner, agentApiBaseUrl, botRef.parse(input));
}

export async function markFailedActivity({ deps, provisioner }: BotActivityDeps, input: unknown): Promise<void> {
  const { reason, ...ref } = withReason.parse(input);
  return markBotFailed(deps, provisioner, ref, reason);
}

export async function serveStateActivity({ deps }: Pick<BotActivityDeps, 'deps'>, input: unknown): Promise<ServeState> {
  const { release, drain, ...ref } = serveStateInput.parse(input);
  return readServeState(deps, ref, { ...(release === undefined ? {} : { release }), ...(drain === undefined ? {} : { drain }) });
}

export async function deprovisionActivity({ deps, provisioner }: BotActivityDeps, input: unknown): Promise<void> {
  const { reason, keepRecord, ...ref } = withReason.parse(input);
  // a run it held is requeued (or failed) and logged by deprovisionBot, the moment that lands
  await deprovisionBot(deps, provisioner, ref, reason, keepRecord);
}
