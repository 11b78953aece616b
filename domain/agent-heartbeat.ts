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

/** The most a busy record's heartbeat is left to age: the bots list shows a sign of life at least this recent. */
export const BUSY_RECORD_REFRESH_MAX_MS = 60_000;

/**
 * How old the stored heartbeat may get before a heartbeat is written (a conditional write of the bot record, the
 * costly part of a heartbeat). Busy: a third of BOT_HEARTBEAT_TIMEOUT_SECONDS, at most a minute. A live agent beats
 * every 5 s, so its stored heartbeat is at most this + 5 s old, under the timeout for any timeout above 7.5 s (the
 * Bicep allows 10 s and more): a live agent never looks lost, and a lost one is still found within the timeout of its
 * last stored heartbeat. The claim's Busy write stores one, so at the default 120 s a 1-minute run writes one more
 * (about 40 s in), not 12. Idle: every 5 minutes, enough for the bots list.
 */
export function heartbeatWriteAfterMs(busy: boolean, heartbeatTimeoutSeconds: number): number {
  return busy ? Math.min(BUSY_RECORD_REFRESH_MAX_MS, (heartbeatTimeoutSeconds * 1000) / 3) : IDLE_RECORD_REFRESH_MS;
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

/**
 * How many of a busy agent's heartbeats write the bot record during a run of `runMs`: beats at `firstMs`, then every
 * `everyMs`; the claim's Busy write stores the first heartbeat (at 0), and a beat writes when the stored one is older
 * than `writeAfterMs`.
 */
export function busyHeartbeatWrites(runMs: number, firstMs: number, everyMs: number, writeAfterMs: number): number {
  let stored = 0;
  let writes = 0;
  for (let at = firstMs; at < runMs; at += everyMs) {
    if (at - stored <= writeAfterMs) continue;
    stored = at;
    writes++;
  }
  return writes;
}
