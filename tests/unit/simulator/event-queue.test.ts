import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../simulator/event-queue.js';

describe('the virtual clock', () => {
  it('hands events out by time, then in the order they were scheduled', () => {
    const q = new EventQueue<string>(0);
    q.schedule(30, 'c');
    q.schedule(10, 'a1');
    q.schedule(20, 'b');
    q.schedule(10, 'a2');
    q.schedule(10, 'a3');
    const seen: Array<[number, string]> = [];
    for (let e = q.next(); e !== undefined; e = q.next()) seen.push([q.now, e.event]);
    expect(seen).toEqual([
      [10, 'a1'],
      [10, 'a2'],
      [10, 'a3'],
      [20, 'b'],
      [30, 'c'],
    ]);
  });

  it('never goes back: an event scheduled in the past runs now', () => {
    const q = new EventQueue<string>(100);
    q.schedule(150, 'later');
    q.next();
    q.schedule(120, 'late');
    expect(q.next()).toMatchObject({ at: 150, event: 'late' });
    expect(q.now).toBe(150);
  });

  it('keeps its order over many random insertions', () => {
    const q = new EventQueue<number>(0);
    let x = 7;
    for (let i = 0; i < 2000; i += 1) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      q.schedule(x % 500, i);
    }
    let last = { at: -1, seq: -1 };
    for (let e = q.next(); e !== undefined; e = q.next()) {
      expect(e.at > last.at || (e.at === last.at && e.seq > last.seq)).toBe(true);
      last = e;
    }
  });
});
