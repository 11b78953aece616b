import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  estimatedWaitP95,
  historySeries,
  hourKeyOf,
  hoursBetween,
  MAX_POINTS,
  mergeBuckets,
  mergeSample,
  p95,
  sampleDue,
  SAMPLE_INTERVAL_MS,
  stepMinutesFor,
  utilisationOf,
  type GroupSample,
  type MinuteBucket,
} from '../../../../app/groups/group-history-rollup.js';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const sample = (overrides: Partial<GroupSample> = {}): GroupSample => ({ queued: 0, oldestWaitSeconds: 0, liveBots: 0, busyBots: 0, ...overrides });

describe('group history rollups', () => {
  it('keys a moment by its UTC hour and minute, and lists the hours a range touches', () => {
    expect(hourKeyOf(new Date('2026-03-01T08:07:59.999Z'))).toEqual({ hour: '2026-03-01T08', minute: '07' });
    expect(hoursBetween(new Date('2026-03-01T08:30:00Z'), new Date('2026-03-01T10:00:00Z'))).toEqual(['2026-03-01T08', '2026-03-01T09']);
    expect(hoursBetween(new Date('2026-03-01T23:59:00Z'), new Date('2026-03-02T00:00:01Z'))).toEqual(['2026-03-01T23', '2026-03-02T00']);
  });

  it('p95 is the nearest rank', () => {
    expect(p95([])).toBe(0);
    expect(p95([7])).toBe(7);
    expect(p95(Array.from({ length: 100 }, (_, i) => i + 1))).toBe(95);
    expect(p95([5, 1, 3])).toBe(5);
  });

  it('estimates the p95 wait from the queue head: exact for one run, evenly spaced arrivals otherwise', () => {
    expect(estimatedWaitP95(0, 100)).toBe(0);
    expect(estimatedWaitP95(1, 100)).toBe(100);
    expect(estimatedWaitP95(20, 100)).toBe(95);
    // the same as the nearest-rank p95 of the evenly spaced waits it assumes
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 86_400 }), (queued, oldest) => {
        const waits = Array.from({ length: queued }, (_, k) => (oldest * (k + 1)) / queued);
        expect(estimatedWaitP95(queued, oldest)).toBeCloseTo(p95(waits), 6);
        expect(estimatedWaitP95(queued, oldest)).toBeLessThanOrEqual(oldest);
      }),
    );
  });

  it('merges samples into a minute: sums for averages, the larger maxima, the last sample time', () => {
    const one = mergeSample(undefined, sample({ queued: 4, oldestWaitSeconds: 40, liveBots: 2, busyBots: 2 }), at(1));
    const two = mergeSample(one, sample({ queued: 2, oldestWaitSeconds: 10, liveBots: 2, busyBots: 1 }), at(20));
    expect(two).toEqual({ n: 2, queued: 6, queuedMax: 4, live: 4, busy: 3, waitP95: 40, lastAt: at(20).toISOString() });
    expect(utilisationOf(two)).toBe(0.75);
    expect(utilisationOf({ live: 0, busy: 0 })).toBeUndefined();
  });

  it('takes a sample only when the minute has none younger than SAMPLE_INTERVAL_MS', () => {
    const bucket = mergeSample(undefined, sample(), at(0));
    expect(sampleDue(undefined, at(0))).toBe(true);
    expect(sampleDue(bucket, at(SAMPLE_INTERVAL_MS / 1000 - 1))).toBe(false);
    expect(sampleDue(bucket, at(SAMPLE_INTERVAL_MS / 1000))).toBe(true);
  });

  it('merging buckets is associative and commutative in everything but lastAt order (the larger wins)', () => {
    const bucketArb = fc.record({
      n: fc.integer({ min: 1, max: 4 }),
      queued: fc.integer({ min: 0, max: 100 }),
      queuedMax: fc.integer({ min: 0, max: 100 }),
      live: fc.integer({ min: 0, max: 40 }),
      busy: fc.integer({ min: 0, max: 40 }),
      waitP95: fc.integer({ min: 0, max: 1000 }),
      lastAt: fc.integer({ min: 0, max: 59 }).map((s) => at(s).toISOString()),
    });
    fc.assert(
      fc.property(bucketArb, bucketArb, bucketArb, (a, b, c) => {
        expect(mergeBuckets(mergeBuckets(a, b), c)).toEqual(mergeBuckets(a, mergeBuckets(b, c)));
        expect(mergeBuckets(a, b)).toEqual(mergeBuckets(b, a));
      }),
    );
  });

  it('serves one point a minute, null where no sample fell, and the averages of the samples', () => {
    const bucket: MinuteBucket = mergeSample(
      mergeSample(undefined, sample({ queued: 3, oldestWaitSeconds: 60, liveBots: 4, busyBots: 1 }), at(5)),
      sample({ queued: 1, liveBots: 4, busyBots: 3 }),
      at(25),
    );
    const points = historySeries(new Map([['2026-03-01T08', { '01': bucket }]]), at(0), at(180), 1);
    expect(points.map((p) => p.at)).toEqual([at(0), at(60), at(120)].map((d) => d.toISOString()));
    expect(points[0]).toMatchObject({ utilisation: null, queued: null, liveBots: null });
    expect(points[1]).toEqual({ at: at(60).toISOString(), utilisation: 0.5, queued: 2, queuedMax: 3, waitingP95Seconds: 60, liveBots: 4, busyBots: 2 });
  });

  it('keeps any range within MAX_POINTS by widening the step, merging the minutes of each step', () => {
    expect(stepMinutesFor(at(0), at(24 * 3600))).toBe(1);
    expect(stepMinutesFor(at(0), at(24 * 3600 + 60))).toBe(2);
    expect(stepMinutesFor(at(0), at(8 * 24 * 3600))).toBe(8);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 * 24 * 60 }), (minutes) => {
        const step = stepMinutesFor(at(0), at(minutes * 60));
        expect(historySeries(new Map(), at(0), at(minutes * 60), step).length).toBeLessThanOrEqual(MAX_POINTS);
      }),
      { numRuns: 50 },
    );
    const minute = (busy: number) => mergeSample(undefined, sample({ liveBots: 2, busyBots: busy, queued: busy }), at(1));
    const [first] = historySeries(new Map([['2026-03-01T08', { '00': minute(2), '01': minute(0) }]]), at(0), at(120), 2);
    expect(first).toMatchObject({ utilisation: 0.5, queued: 1, queuedMax: 2, liveBots: 2 });
  });
});
