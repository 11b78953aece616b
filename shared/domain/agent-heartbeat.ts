import type { BotDocument } from './bot.js';

/** Idle agents poll twice a second for this long after their bot went idle (a next run is likeliest then), then slower. */
export const IDLE_FAST_POLL_MS = 60_000;
const FAST_POLL_MS = 500;
const SLOW_IDLE_POLL_MS = 5_000;

/** A heartbeat is written to the bot record only when the last one is older than this (a fraction of the timeout). */
export function heartbeatRefreshMs(heartbeatTimeoutSeconds: number): number {
  return Math.min(10_000, (heartbeatTimeoutSeconds * 1000) / 6);
}

/**
 * When the agent should call again. A busy agent only proves it is alive, a few times per heartbeat timeout. An idle
 * one learns of its next run through this call, so it asks twice a second while a run is likely (just booted, or
 * just finished one); a bot idle for longer than IDLE_FAST_POLL_MS (a committed bot waiting for the day's first run)
 * asks every 5 s: a tenth of the requests, for up to 5 s more before its next run starts. Never slower than the
 * heartbeat refresh, so that an idle bot's record stays fresh.
 */
export function nextHeartbeatMs(bot: Pick<BotDocument, 'state' | 'since'>, busy: boolean, now: Date, heartbeatTimeoutSeconds: number): number {
  const refresh = Math.max(FAST_POLL_MS, heartbeatRefreshMs(heartbeatTimeoutSeconds));
  if (busy) return refresh;
  const idleFor = now.getTime() - Date.parse(bot.since);
  const longIdle = bot.state === 'Ready' && idleFor >= IDLE_FAST_POLL_MS;
  return longIdle ? Math.min(SLOW_IDLE_POLL_MS, refresh) : FAST_POLL_MS;
}
