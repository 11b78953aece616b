import type { BotDocument } from './bot.js';

/** Idle agents poll twice a second for this long after their bot went idle (a next run is likeliest then), then slower. */
export const IDLE_FAST_POLL_MS = 60_000;
const FAST_POLL_MS = 500;
const SLOW_IDLE_POLL_MS = 5_000;

/** A heartbeat is written to the bot record only when the last one is older than this (a fraction of the timeout). */
export function heartbeatRefreshMs(heartbeatTimeoutSeconds: number): number {
  return Math.min(10_000, (heartbeatTimeoutSeconds * 1000) / 6);
}

/** An idle bot's record takes a heartbeat at most this often: only busy bots are checked for lost heartbeats. */
export const IDLE_RECORD_REFRESH_MS = 300_000;

/**
 * How old the stored heartbeat may get before a heartbeat is written (a conditional write of the bot record, the
 * costly part of a heartbeat). Busy: a sixth of BOT_HEARTBEAT_TIMEOUT_SECONDS, at most 30 s, so that a live agent
 * (every 5 s) never looks lost; at the default 120 s a 1-minute run writes 2–3 heartbeats, not 12. Idle: every 5 minutes,
 * enough for the bots list to show a recent sign of life.
 */
export function heartbeatWriteAfterMs(busy: boolean, heartbeatTimeoutSeconds: number): number {
  return busy ? Math.min(30_000, (heartbeatTimeoutSeconds * 1000) / 6) : IDLE_RECORD_REFRESH_MS;
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
