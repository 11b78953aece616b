/**
 * Per-group history as compact rollups (pure: no SDK, time passed in). The controller takes a sample of each group
 * at its rounds (at most one per SAMPLE_INTERVAL_MS) and merges it into the minute's bucket of the group's document
 * for that hour; `GET .../groups/{id}/history` turns buckets into points. See docs/observability.md.
 */

/** What a controller round knows of a group, from the counts and the queue head it read to plan. */
export interface GroupSample {
  /** runs Queued */
  queued: number;
  /** seconds the first run in dispatch order has waited (0 when none waits) */
  oldestWaitSeconds: number;
  /** bots not Deleted or Failed (Provisioning, Ready, Busy, Draining, Deprovisioning) */
  liveBots: number;
  busyBots: number;
}

/** One minute of a group: sums over its samples (averages are sum ÷ n), and the worst estimated wait. */
export interface MinuteBucket {
  n: number;
  queued: number;
  queuedMax: number;
  live: number;
  busy: number;
  /** the highest estimated p95 wait of the minute's samples, seconds */
  waitP95: number;
  /** when the last sample was merged */
  lastAt: string;
}

export const HISTORY_TYPE = 'groupHistory';
/** Rollups expire this long after their last write (Cosmos per-item ttl); the API serves at most this far back. */
export const HISTORY_RETENTION_DAYS = 8;
/** A round takes a group's sample only if the minute's last one is older than this (rounds come up to once a second). */
export const SAMPLE_INTERVAL_MS = 15_000;
/** Points a history answer holds at most: 24 h at one minute; longer ranges are merged into wider steps. */
export const MAX_POINTS = 1440;

const MINUTE_MS = 60_000;

/** The hour document a moment falls in: `2026-12-06T13`, and its minute `07`. */
export function hourKeyOf(at: Date): { hour: string; minute: string } {
  const iso = at.toISOString();
  return { hour: iso.slice(0, 13), minute: iso.slice(14, 16) };
}

export const historyDocumentId = (groupId: string, hour: string) => `groupHistory:${groupId}:${hour}`;

/** The hour keys a range [from, to) touches, oldest first. */
export function hoursBetween(from: Date, to: Date): string[] {
  const hours: string[] = [];
  const start = Math.floor(from.getTime() / 3_600_000) * 3_600_000;
  for (let t = start; t < to.getTime(); t += 3_600_000) hours.push(hourKeyOf(new Date(t)).hour);
  return hours;
}

/**
 * Nearest-rank p95 of the waits of `queued` runs when only the oldest wait is known: the runs are taken to have
 * arrived evenly since the oldest, so their waits are oldest × k/queued (k = 1..queued) and the p95 is the
 * ceil(0.95 × queued)-th of them. Exact for one run, an estimate otherwise (bursts make it pessimistic).
 */
export function estimatedWaitP95(queued: number, oldestWaitSeconds: number): number {
  if (queued <= 0 || oldestWaitSeconds <= 0) return 0;
  return (oldestWaitSeconds * Math.ceil(0.95 * queued)) / queued;
}

/** Nearest-rank p95 of a list (0 for none). */
export function p95(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1] ?? 0;
}

/** Whether a round at `now` takes a new sample into `bucket`. */
export function sampleDue(bucket: MinuteBucket | undefined, now: Date): boolean {
  return bucket === undefined || now.getTime() - Date.parse(bucket.lastAt) >= SAMPLE_INTERVAL_MS;
}

/** The bucket with one more sample. */
export function mergeSample(bucket: MinuteBucket | undefined, sample: GroupSample, at: Date): MinuteBucket {
  const b = bucket ?? { n: 0, queued: 0, queuedMax: 0, live: 0, busy: 0, waitP95: 0, lastAt: at.toISOString() };
  return {
    n: b.n + 1,
    queued: b.queued + sample.queued,
    queuedMax: Math.max(b.queuedMax, sample.queued),
    live: b.live + sample.liveBots,
    busy: b.busy + sample.busyBots,
    waitP95: Math.max(b.waitP95, estimatedWaitP95(sample.queued, sample.oldestWaitSeconds)),
    lastAt: at.toISOString(),
  };
}

/** Two buckets as one (wider steps): sums add, maxima take the larger. */
export function mergeBuckets(a: MinuteBucket, b: MinuteBucket): MinuteBucket {
  return {
    n: a.n + b.n,
    queued: a.queued + b.queued,
    queuedMax: Math.max(a.queuedMax, b.queuedMax),
    live: a.live + b.live,
    busy: a.busy + b.busy,
    waitP95: Math.max(a.waitP95, b.waitP95),
    lastAt: a.lastAt > b.lastAt ? a.lastAt : b.lastAt,
  };
}

/**
 * Busy bot-minutes ÷ live bot-minutes: each sample stands for the same share of its minute, so the ratio of the
 * sums. Undefined with no live bot (nothing to use).
 */
export function utilisationOf(bucket: Pick<MinuteBucket, 'live' | 'busy'>): number | undefined {
  return bucket.live > 0 ? Math.min(1, bucket.busy / bucket.live) : undefined;
}

export interface HistoryPoint {
  /** start of the step */
  at: string;
  /** null: no sample in the step (the controller did not run, or the group did not exist) */
  utilisation: number | null;
  queued: number | null;
  queuedMax: number | null;
  waitingP95Seconds: number | null;
  liveBots: number | null;
  busyBots: number | null;
}

/** The step (in minutes) that keeps a range within MAX_POINTS. */
export function stepMinutesFor(from: Date, to: Date): number {
  const minutes = Math.ceil((to.getTime() - from.getTime()) / MINUTE_MS);
  return Math.max(1, Math.ceil(minutes / MAX_POINTS));
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function pointOf(at: Date, bucket: MinuteBucket | undefined): HistoryPoint {
  if (!bucket || bucket.n === 0)
    return { at: at.toISOString(), utilisation: null, queued: null, queuedMax: null, waitingP95Seconds: null, liveBots: null, busyBots: null };
  const utilisation = utilisationOf(bucket);
  return {
    at: at.toISOString(),
    utilisation: utilisation === undefined ? null : round(utilisation, 3),
    queued: round(bucket.queued / bucket.n, 2),
    queuedMax: bucket.queuedMax,
    waitingP95Seconds: round(bucket.waitP95, 1),
    liveBots: round(bucket.live / bucket.n, 2),
    busyBots: round(bucket.busy / bucket.n, 2),
  };
}

/**
 * The points of [from, to) at `stepMinutes` (from floored to the minute), from the hour documents' buckets
 * (`minutes` by hour key): one point per step, null values where no sample fell.
 */
export function historySeries(
  minutesByHour: ReadonlyMap<string, Readonly<Record<string, MinuteBucket>>>,
  from: Date,
  to: Date,
  stepMinutes: number,
): HistoryPoint[] {
  const start = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS;
  const points: HistoryPoint[] = [];
  for (let stepStart = start; stepStart < to.getTime() && points.length < MAX_POINTS; stepStart += stepMinutes * MINUTE_MS) {
    let merged: MinuteBucket | undefined;
    for (let t = stepStart; t < Math.min(stepStart + stepMinutes * MINUTE_MS, to.getTime()); t += MINUTE_MS) {
      const { hour, minute } = hourKeyOf(new Date(t));
      const bucket = minutesByHour.get(hour)?.[minute];
      if (bucket) merged = merged ? mergeBuckets(merged, bucket) : bucket;
    }
    points.push(pointOf(new Date(stepStart), merged));
  }
  return points;
}
