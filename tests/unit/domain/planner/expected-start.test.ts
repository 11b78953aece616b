import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../../domain/planner/duration-model.js';
import { expectedStarts } from '../../../../domain/planner/expected-start.js';

const NOW = '2026-03-02T09:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const ago = (minutes: number) => new Date(NOW_MS - minutes * 60_000).toISOString();
const minutesFromNow = (iso: string | undefined) => (iso === undefined ? undefined : (Date.parse(iso) - NOW_MS) / 60_000);
const heavy = Array.from({ length: 20 }, (_, i) => 10 * Math.exp(normalQuantile((i + 0.5) / 20)));

describe('expected starts, played over scenarios of the learned durations', () => {
  it('with several busy bots of a heavy-tailed flow, the first frees well before one run’s typical end', () => {
    const bots = Array.from({ length: 4 }, () => ({ state: 'Busy' as const, since: ago(2), runSamplesMinutes: heavy }));
    const [first] = expectedStarts({ now: NOW, queued: [{ id: 'r1', runMinutes: 0, runSamplesMinutes: heavy }], bots, creating: 0, provisionMinutes: 10 });
    const minutes = minutesFromNow(first?.expectedStartAt) ?? Infinity;
    expect(minutes).toBeGreaterThan(0);
    expect(minutes).toBeLessThan(8);
  });

  it('is deterministic, never before now, and in dispatch order', () => {
    const input = {
      now: NOW,
      queued: Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, runMinutes: 0, runSamplesMinutes: heavy })),
      bots: [
        { state: 'Busy' as const, since: ago(40), runSamplesMinutes: heavy },
        { state: 'Provisioning' as const, since: ago(3) },
        { state: 'Ready' as const, since: ago(1) },
      ],
      creating: 1,
      provisionMinutes: 8,
    };
    const a = expectedStarts(input);
    expect(expectedStarts(input)).toEqual(a);
    const minutes = a.map((e) => minutesFromNow(e.expectedStartAt) ?? -1);
    expect(minutes[0]).toBe(0);
    expect(minutes[1]).toBe(5);
    for (let i = 1; i < minutes.length; i += 1) expect(minutes[i]).toBeGreaterThanOrEqual(minutes[i - 1] ?? 0);
  });

  it('no time when no bot will come', () => {
    expect(expectedStarts({ now: NOW, queued: [{ id: 'r1', runMinutes: 5 }], bots: [], creating: 0, provisionMinutes: 10 })).toEqual([{ id: 'r1' }]);
  });
});
