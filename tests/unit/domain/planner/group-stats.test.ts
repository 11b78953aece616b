import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arrivalCounter,
  BUCKET_MS,
  EMPTY_STATS,
  endedRunIds,
  observe,
  outlookFromStats,
  STATS_WINDOW,
  typicalRunMinutes,
  type GroupObservation,
} from '../../../../domain/planner/group-stats.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('group stats learned by the planning round', () => {
  it('learns a provisioning time when a bot seen provisioning is up (created → its Ready since)', () => {
    const first: GroupObservation = { now: at(0), demand: 1, bots: [{ id: 'b1', state: 'Provisioning', since: at(0), createdAt: at(0) }] };
    const s1 = observe(EMPTY_STATS, first, []);
    expect(s1.seen?.provisioning).toEqual({ b1: at(0) });
    const s2 = observe(s1, { now: at(12), demand: 1, bots: [{ id: 'b1', state: 'Ready', since: at(9), createdAt: at(0) }] }, []);
    expect(s2.provisionMs).toEqual([9 * 60_000]);
    expect(s2.seen?.provisioning).toEqual({});
  });

  it('learns no provisioning time from a bot that failed', () => {
    const s1 = observe(EMPTY_STATS, { now: at(0), demand: 0, bots: [{ id: 'b1', state: 'Provisioning', since: at(0), createdAt: at(0) }] }, []);
    expect(observe(s1, { now: at(5), demand: 0, bots: [{ id: 'b1', state: 'Failed', since: at(4) }] }, []).provisionMs).toEqual([]);
  });

  it('asks for the runs that ended since the last round and learns their durations per flow', () => {
    const s1 = observe(EMPTY_STATS, { now: at(0), demand: 2, bots: [{ id: 'b1', state: 'Busy', since: at(0), currentRunId: 'r1' }] }, []);
    const next: GroupObservation = { now: at(10), demand: 1, bots: [{ id: 'b1', state: 'Busy', since: at(9), currentRunId: 'r2' }] };
    expect(endedRunIds(s1, next)).toEqual(['r1']);
    const s2 = observe(s1, next, [{ desktopFlowId: 'f1', startedAt: at(0), endedAt: at(9) }]);
    expect(s2.runMs).toEqual([9 * 60_000]);
    expect(s2.runMsByFlow).toEqual({ f1: [9 * 60_000] });
    expect(typicalRunMinutes(s2, 'f1', 3)).toBe(9);
    expect(typicalRunMinutes(s2, 'other', 3)).toBe(9);
    expect(typicalRunMinutes(EMPTY_STATS, 'f1', 3)).toBe(3);
  });

  it('counts arrivals as the growth of queued + running plus the runs that ended', () => {
    const s1 = observe(EMPTY_STATS, { now: at(0), demand: 2, bots: [] }, []);
    expect(s1.arrivals).toEqual([]);
    const s2 = observe(s1, { now: at(1), demand: 3, bots: [] }, [{ desktopFlowId: 'f', startedAt: at(0), endedAt: at(1) }]);
    expect(s2.arrivals).toEqual([[Math.floor((T0 + 60_000) / BUCKET_MS) * BUCKET_MS, 2]]);
    expect(arrivalCounter(s2.arrivals)(T0, T0 + BUCKET_MS)).toBe(2);
  });

  it('spreads the open bucket over the time it has been open: arrivals just after a boundary are all recent', () => {
    const bucket = Math.ceil(T0 / BUCKET_MS) * BUCKET_MS;
    const arrivals: Array<[number, number]> = [[bucket, 2]];
    const now = bucket + 10_000;
    // all of the last 20 minutes: both arrivals, not the 1 % a whole 15-minute bucket would give
    expect(arrivalCounter(arrivals, now)(now - 20 * 60_000, now)).toBe(2);
    expect(arrivalCounter(arrivals, now)(bucket + 5_000, now)).toBe(1);
    // once the bucket is closed it is spread over its 15 minutes again
    const later = bucket + BUCKET_MS + 60_000;
    expect(arrivalCounter(arrivals, later)(bucket, bucket + BUCKET_MS / 3)).toBeCloseTo(2 / 3);
    expect(outlookFromStats({ ...EMPTY_STATS, arrivals }, now).expectedArrivals).toBe(1);
  });

  it('keeps its lists bounded and never learns a negative time or arrival count', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -5, max: 60 })), { maxLength: 120 }), (steps) => {
        let stats = EMPTY_STATS;
        let minute = 0;
        for (const [demand, took] of steps) {
          minute += 1;
          stats = observe(stats, { now: at(minute), demand, bots: [] }, [{ desktopFlowId: `f${took % 3}`, startedAt: at(minute - took), endedAt: at(minute) }]);
        }
        expect(stats.runMs.length).toBeLessThanOrEqual(STATS_WINDOW);
        expect(stats.runMs.every((v) => v >= 0)).toBe(true);
        expect(stats.arrivals.every(([, n]) => n >= 0)).toBe(true);
        const outlook = outlookFromStats(stats, T0 + minute * 60_000);
        expect(Number.isFinite(outlook.expectedArrivals) && outlook.expectedArrivals >= 0).toBe(true);
      }),
    );
  });
});
