import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** Garbage-collection pauses of this process while a measurement runs: how many, their total and the longest (ms). */
export interface GcPauses {
  count: number;
  totalMs: number;
  /** the pauses of 10 ms or more, longest first (at most 10) */
  longMs: number[];
  /** of those, the full (mark-compact) collections */
  major: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Starts recording; the function it answers stops and reports. */
export function recordGcPauses(): () => GcPauses {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    const long = entries.filter((e) => e.duration >= 10).sort((a, b) => b.duration - a.duration);
    const kind = (e: PerformanceEntry) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    return {
      count: entries.length,
      totalMs: round1(entries.reduce((sum, e) => sum + e.duration, 0)),
      longMs: long.slice(0, 10).map((e) => round1(e.duration)),
      major: long.filter((e) => kind(e) === constants.NODE_PERFORMANCE_GC_MAJOR).length,
    };
  };
}
