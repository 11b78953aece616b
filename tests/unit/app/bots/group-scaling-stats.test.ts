import { beforeEach, describe, expect, it } from 'vitest';
import {
  endedRuns,
  groupStatsOf,
  loadGroupStats,
  saveGroupStats,
  STATS_TYPE,
  statsDocumentId,
  type GroupScalingStatsDocument,
} from '../../../../app/bots/group-scaling-stats.js';
import { EMPTY_STATS, type GroupScalingStats } from '../../../../domain/planner/index.js';
import type { Versioned } from '../../../../app/ports/document-store.js';
import { fixedClock, type FixedClock } from '../../../support/fakes/fixed-clock.js';
import { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';
import { runPorts, seedRun } from '../../../support/fakes/run-ports.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const GROUP = 'group-1';
const OTHER_ENV = '99999999-9999-4999-8999-999999999999';
const LATER = new Date(Date.parse(NOW) + 60_000).toISOString();

const learned = (runMs: number[]): GroupScalingStats => ({ ...EMPTY_STATS, runMs, seen: { demand: 1, runs: {}, provisioning: {} } });

let clock: FixedClock;
let botStore: MemoryDocumentStore;
const deps = () => ({ botStore, now: clock.now });
const storedStats = () => botStore.get<GroupScalingStatsDocument>(ENV, statsDocumentId(GROUP));

async function seedStats(environmentId: string, groupId: string, stats: GroupScalingStats): Promise<Versioned<GroupScalingStatsDocument>> {
  return botStore.create<GroupScalingStatsDocument>({
    id: statsDocumentId(groupId),
    environmentId,
    type: STATS_TYPE,
    groupId,
    stats,
    createdAt: NOW,
    updatedAt: NOW,
  });
}

beforeEach(() => {
  clock = fixedClock(NOW);
  botStore = new MemoryDocumentStore();
});

describe('reading the stats', () => {
  it('loads every group’s stats document of the environment, by group id', async () => {
    await seedStats(ENV, 'group-1', learned([1]));
    await seedStats(ENV, 'group-2', learned([2]));
    await seedStats(OTHER_ENV, 'group-3', learned([3]));
    const byGroup = await loadGroupStats(deps(), ENV);
    expect([...byGroup.keys()].sort()).toEqual(['group-1', 'group-2']);
    expect(byGroup.get('group-2')?.stats.runMs).toEqual([2]);
    expect(byGroup.get('group-1')?.etag).toBeDefined();
  });

  it('gives one group’s stats, or the empty ones for a group never observed', async () => {
    await seedStats(ENV, GROUP, learned([5]));
    expect((await groupStatsOf(deps(), ENV, GROUP)).runMs).toEqual([5]);
    expect(await groupStatsOf(deps(), ENV, 'group-new')).toEqual(EMPTY_STATS);
  });

  it('reads the runs that ended by id, in order, skipping those that are gone', async () => {
    const ports = runPorts();
    await seedRun(ports, 'run-1', GROUP, 'u');
    await seedRun(ports, 'run-2', GROUP, 'u');
    expect((await endedRuns(ports, ENV, ['run-2', 'run-gone', 'run-1'])).map((r) => r.id)).toEqual(['run-2', 'run-1']);
    expect(await endedRuns(ports, ENV, [])).toEqual([]);
  });
});

describe('saveGroupStats', () => {
  it('creates the group’s first stats document, stamped with the clock', async () => {
    await saveGroupStats(deps(), ENV, GROUP, undefined, learned([1_000]));
    expect(await storedStats()).toMatchObject({
      id: `scaling-stats-${GROUP}`,
      type: 'groupScalingStats',
      groupId: GROUP,
      stats: learned([1_000]),
      createdAt: NOW,
    });
  });

  it('replaces the stats under the etag read at the start of the round', async () => {
    const previous = await seedStats(ENV, GROUP, learned([1_000]));
    clock.advance(60_000);
    await saveGroupStats(deps(), ENV, GROUP, previous, learned([1_000, 2_000]));
    const stored = await storedStats();
    expect(stored).toMatchObject({ stats: { runMs: [1_000, 2_000] }, createdAt: NOW, updatedAt: LATER });
    expect(stored?.etag).not.toBe(previous.etag);
  });

  it('writes nothing when the round learned nothing new', async () => {
    const previous = await seedStats(ENV, GROUP, learned([1_000]));
    await saveGroupStats(deps(), ENV, GROUP, previous, learned([1_000]));
    expect((await storedStats())?.etag).toBe(previous.etag);
  });

  it('drops the round’s observation when another round wrote first (replaced, or created)', async () => {
    const previous = await seedStats(ENV, GROUP, learned([1_000]));
    const other = await botStore.replace({ ...previous, stats: learned([1_000, 3_000]) }, previous.etag);
    await expect(saveGroupStats(deps(), ENV, GROUP, previous, learned([1_000, 2_000]))).resolves.toBeUndefined();
    await expect(saveGroupStats(deps(), ENV, GROUP, undefined, learned([4_000]))).resolves.toBeUndefined();
    expect(await storedStats()).toEqual(other);
  });

  it('fails when the store does', async () => {
    botStore.failCreateOf = STATS_TYPE;
    await expect(saveGroupStats(deps(), ENV, GROUP, undefined, learned([1_000]))).rejects.toThrow('the store is down');
  });
});
