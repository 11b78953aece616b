import { describe, expect, it } from 'vitest';
import type { BotDocument } from '../../../../domain/bot.js';
import { roundNeededFor } from '../../../../app/runs/round-needed.js';
import type { ListOptions, Page, StoredDocument, Versioned } from '../../../../app/ports/document-store.js';

/** The two reads roundNeededFor makes, over a fixed set of bots and a fixed queued count. */
function world(bots: Array<Partial<BotDocument>>, queued: number) {
  const docs = bots.map(
    (b, i) => ({ id: `b${i}`, environmentId: 'e', type: 'bot', groupId: 'g', state: 'Ready', etag: `"${i}"`, ...b }) as Versioned<BotDocument>,
  );
  const seen: ListOptions[] = [];
  const botStore = {
    async list<T extends StoredDocument>(environmentId: string, type: string, options: ListOptions = {}): Promise<Page<Versioned<T>>> {
      seen.push(options);
      const where = options.where ?? {};
      const items = docs.filter(
        (d) =>
          d.environmentId === environmentId && d.type === type && Object.entries(where).every(([k, v]) => (d as unknown as Record<string, unknown>)[k] === v),
      );
      return { items: items as unknown as Array<Versioned<T>> };
    },
  };
  const counted: string[] = [];
  const runs = {
    queries: {
      queuedCount: async (_environmentId: string, groupId: string) => {
        counted.push(groupId);
        return queued;
      },
    },
  };
  return { deps: { botStore, runs } as unknown as Parameters<typeof roundNeededFor>[0], seen, counted };
}

const run = { environmentId: 'e', groupId: 'g' };
const small = { maxBots: 5, queuedBefore: 0 };

describe('roundNeededFor: a submit wakes the controller only when no idle bot is left for the run', () => {
  it('skips the round when the idle bots cover the queued runs, this one included', async () => {
    expect(await roundNeededFor(world([{}], 1).deps, run, small)).toBe(false);
    expect(await roundNeededFor(world([{}, {}], 2).deps, run, small)).toBe(false);
  });

  it('asks for a round when the queued runs outnumber the idle bots', async () => {
    expect(await roundNeededFor(world([], 1).deps, run, small)).toBe(true);
    expect(await roundNeededFor(world([{}], 2).deps, run, small)).toBe(true);
  });

  it('does not count bots that are busy, leaving, draining, of another group or in another state', async () => {
    const bots: Array<Partial<BotDocument>> = [
      { state: 'Busy' },
      { state: 'Provisioning' },
      { releaseRequested: '2026-12-06T00:00:00Z' },
      { drainRequested: 'reprovision' },
      { currentRunId: 'r1' },
      { groupId: 'other' },
    ];
    expect(await roundNeededFor(world(bots, 1).deps, run, small)).toBe(true);
  });

  it('reads nothing when the queue already holds the group’s maxBots runs: idle bots cannot cover it', async () => {
    const w = world([{}, {}], 0);
    expect(await roundNeededFor(w.deps, run, { maxBots: 2, queuedBefore: 2 })).toBe(true);
    expect(w.seen).toEqual([]);
  });

  it('reads only the Ready bots of the run’s group', async () => {
    const w = world([{}], 1);
    await roundNeededFor(w.deps, run, small);
    expect(w.seen[0]?.where).toEqual({ groupId: 'g', state: 'Ready' });
  });

  it('counts nothing more when the runs queued before and this one outnumber the idle bots (every bot busy)', async () => {
    const w = world([{ state: 'Busy' }], 1);
    expect(await roundNeededFor(w.deps, run, { maxBots: 5, queuedBefore: 0 })).toBe(true);
    expect(w.counted).toEqual([]);
    const one = world([{}], 2);
    expect(await roundNeededFor(one.deps, run, { maxBots: 5, queuedBefore: 1 })).toBe(true);
    expect(one.counted).toEqual([]);
  });

  it('counts the queue again after the write when the idle bots may cover it: a racing submit’s run is seen', async () => {
    // both submits counted 0 before writing; one idle bot; the count after the writes sees both runs
    const w = world([{}], 2);
    expect(await roundNeededFor(w.deps, run, { maxBots: 5, queuedBefore: 0 })).toBe(true);
    expect(w.counted).toEqual(['g']);
  });
});
