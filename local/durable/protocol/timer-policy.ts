/**
 * How long a single durable timer may be; longer ones are chains of interval-long timers (schema V3,
 * `LongTimerTask`). The Azure Storage provider uses 6 days and 3 days; the host passes both to the library.
 */
export interface TimerPolicy {
  maxShortTimerMs: number;
  longTimerIntervalMs: number;
}

export const AZURE_STORAGE_TIMER_POLICY: TimerPolicy = { maxShortTimerMs: 6 * 24 * 3600_000, longTimerIntervalMs: 3 * 24 * 3600_000 };

/** A .NET TimeSpan string (`d.hh:mm:ss.fff`), which the library parses with moment. */
export function toTimeSpan(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor(ms / 3_600_000) % 24;
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  return `${days}.${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(ms % 1000, 3)}`;
}

/** The next timer of a chain ending at `finalMs`: one interval, or the rest when that is short enough. */
export function nextTimerSegment(policy: TimerPolicy, nowMs: number, finalMs: number): string {
  return new Date(finalMs - nowMs > policy.maxShortTimerMs ? nowMs + policy.longTimerIntervalMs : finalMs).toISOString();
}
