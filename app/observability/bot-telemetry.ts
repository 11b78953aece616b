import { instruments } from './instruments.js';

// Provisioning metrics, one call each from provisionBot (app/bots/bot-operations.ts).

interface BotIds {
  environmentId: string;
  groupId: string;
}

const secondsSince = (since: string, now: Date) => Math.max(0, (now.getTime() - Date.parse(since)) / 1000);

/** The bot is Ready: time since it entered Provisioning (`since`), retries included. */
export function observeProvisioned(bot: BotIds, since: string, now: Date): void {
  try {
    instruments().provisioningDuration.record(secondsSince(since, now), { environmentId: bot.environmentId, groupId: bot.groupId, outcome: 'Ready' });
  } catch {
    // telemetry is best effort
  }
}

/** A provisioning attempt failed; `reason` is the code (ProvisioningError.reason), never the message. */
export function observeProvisioningFailure(bot: BotIds, since: string, now: Date, reason: string, retryable: boolean): void {
  try {
    const attributes = { environmentId: bot.environmentId, groupId: bot.groupId, reason: reason.slice(0, 64), retryable };
    instruments().provisioningFailures.add(1, attributes);
    instruments().provisioningDuration.record(secondsSince(since, now), { environmentId: bot.environmentId, groupId: bot.groupId, outcome: 'Failed' });
  } catch {
    // telemetry is best effort
  }
}
