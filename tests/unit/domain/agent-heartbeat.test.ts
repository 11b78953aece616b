import { describe, expect, it } from 'vitest';
import {
  busyHeartbeatWrites,
  heartbeatRefreshMs,
  heartbeatWriteAfterMs,
  IDLE_FAST_POLL_MS,
  IDLE_RECORD_REFRESH_MS,
  nextHeartbeatMs,
} from '../../../domain/agent-heartbeat.js';
import { BOT_STATES } from '../../../domain/bot.js';

const NOW = new Date('2026-03-01T08:00:00Z');
const idleFor = (ms: number) => ({ state: 'Ready' as const, since: new Date(NOW.getTime() - ms).toISOString() });

describe('agent heartbeat interval', () => {
  it('an idle agent polls twice a second for a minute after its bot went idle, then every 5 s', () => {
    expect(nextHeartbeatMs(idleFor(0), false, NOW, 120)).toBe(500);
    expect(nextHeartbeatMs(idleFor(IDLE_FAST_POLL_MS - 1), false, NOW, 120)).toBe(500);
    expect(nextHeartbeatMs(idleFor(IDLE_FAST_POLL_MS), false, NOW, 120)).toBe(5_000);
    expect(nextHeartbeatMs(idleFor(6 * 3_600_000), false, NOW, 120)).toBe(5_000);
  });

  it('only a Ready bot slows down: a booting, busy or draining one keeps the fast poll while it has no run', () => {
    const slow = BOT_STATES.filter((state) => nextHeartbeatMs({ state, since: idleFor(IDLE_FAST_POLL_MS * 10).since }, false, NOW, 120) > 500);
    expect(slow).toEqual(['Ready']);
  });

  it('a busy agent proves it is alive six times per heartbeat timeout, at most every 10 s, at least every 0.5 s', () => {
    expect(nextHeartbeatMs(idleFor(0), true, NOW, 120)).toBe(10_000);
    expect(nextHeartbeatMs(idleFor(0), true, NOW, 30)).toBe(5_000);
    expect(nextHeartbeatMs(idleFor(0), true, NOW, 1)).toBe(500);
  });

  it('never polls slower than the heartbeat is refreshed, so a short timeout keeps idle bots fast', () => {
    for (const timeout of [1, 3, 6, 12, 30, 60, 120, 600]) {
      const idle = nextHeartbeatMs(idleFor(IDLE_FAST_POLL_MS * 2), false, NOW, timeout);
      expect(idle).toBeLessThanOrEqual(Math.max(500, heartbeatRefreshMs(timeout)));
    }
    expect(nextHeartbeatMs(idleFor(IDLE_FAST_POLL_MS * 2), false, NOW, 3)).toBe(500);
  });
});

describe('heartbeat writes', () => {
  it('a busy bot writes at most every third of the timeout (a minute at most), so a live agent beating every 5 s never looks lost', () => {
    expect(heartbeatWriteAfterMs(true, 120)).toBe(40_000);
    expect(heartbeatWriteAfterMs(true, 600)).toBe(60_000);
    // a 1-minute run at the default timeout: the claim's Busy write stores a heartbeat, then one write (at ~40 s)
    expect(busyHeartbeatWrites(60_000, 1_000, 5_000, heartbeatWriteAfterMs(true, 120))).toBe(1);
    expect(busyHeartbeatWrites(120_000, 1_000, 5_000, heartbeatWriteAfterMs(true, 120))).toBe(2);
    // before: a sixth of the timeout
    expect(busyHeartbeatWrites(60_000, 1_000, 5_000, 20_000)).toBe(2);
    // from the smallest timeout the Bicep allows (10 s)
    for (const timeout of [10, 12, 30, 60, 120, 600]) expect(5_000 + heartbeatWriteAfterMs(true, timeout)).toBeLessThan(timeout * 1000);
  });

  it('an idle bot writes every 5 minutes: only busy bots are checked for lost heartbeats', () => {
    expect(heartbeatWriteAfterMs(false, 120)).toBe(IDLE_RECORD_REFRESH_MS);
  });
});
