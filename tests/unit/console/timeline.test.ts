import { describe, expect, it } from 'vitest';
import { MAX_TIMELINE_ENTRIES, observe, observeAll, segments } from '../../../console/src/timeline.js';

const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, s)).toISOString();

describe("a bot's state timeline", () => {
  it('adds an entry per change of state or of since, and none for a repeated poll', () => {
    let history = observe([], { id: 'b', state: 'Provisioning', since: at(0) });
    history = observe(history, { id: 'b', state: 'Provisioning', since: at(0) });
    history = observe(history, { id: 'b', state: 'Ready', since: at(10) });
    history = observe(history, { id: 'b', state: 'Busy', since: at(12) });
    history = observe(history, { id: 'b', state: 'Busy', since: at(20) });
    expect(history.map((h) => h.state)).toEqual(['Provisioning', 'Ready', 'Busy', 'Busy']);
  });

  it('ignores an observation older than what it holds (a late answer)', () => {
    const history = observe(observe([], { id: 'b', state: 'Ready', since: at(10) }), { id: 'b', state: 'Provisioning', since: at(0) });
    expect(history).toEqual([{ state: 'Ready', since: at(10) }]);
  });

  it('keeps the latest entries only', () => {
    let history = observe([], { id: 'b', state: 'Ready', since: at(0) });
    for (let i = 1; i <= MAX_TIMELINE_ENTRIES + 5; i++) history = observe(history, { id: 'b', state: i % 2 ? 'Busy' : 'Ready', since: at(i) });
    expect(history).toHaveLength(MAX_TIMELINE_ENTRIES);
    expect(history.at(-1)?.since).toBe(at(MAX_TIMELINE_ENTRIES + 5));
  });

  it('draws segments whose shares add up to the span up to now', () => {
    const parts = segments(
      [
        { state: 'Provisioning', since: at(0) },
        { state: 'Ready', since: at(30) },
        { state: 'Busy', since: at(40) },
      ],
      new Date(at(60)),
    );
    expect(parts.map((p) => [p.state, p.seconds, p.to])).toEqual([
      ['Provisioning', 30, at(30)],
      ['Ready', 10, at(40)],
      ['Busy', 20, undefined],
    ]);
    expect(parts.reduce((sum, p) => sum + p.fraction, 0)).toBeCloseTo(1);
    expect(segments([], new Date())).toEqual([]);
  });

  it('updates every bot of a poll and keeps the history of bots no longer listed', () => {
    const before = new Map([['gone', [{ state: 'Ready', since: at(0) }]]]);
    const after = observeAll(before, [{ id: 'new', state: 'Provisioning', since: at(5) }]);
    expect([...after.keys()].sort()).toEqual(['gone', 'new']);
    expect(before.get('gone')).toHaveLength(1);
  });
});
