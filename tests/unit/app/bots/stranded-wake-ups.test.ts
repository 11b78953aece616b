import { describe, expect, it } from 'vitest';
import type { PlannerBot, PlannerGroup, PlannerInput } from '../../../../domain/planner/index.js';
import { STRANDED_AFTER_MS, strandedCandidates } from '../../../../app/bots/stranded-wake-ups.js';

const NOW = '2026-12-06T12:00:00.000Z';
const ago = (ms: number) => new Date(Date.parse(NOW) - ms).toISOString();
const bot = (id: string, state: PlannerBot['state'], extra: Partial<PlannerBot> = {}): PlannerBot => ({
  id,
  state,
  imageId: 'i',
  imageVersion: '1',
  since: ago(60_000),
  ...extra,
});

function group(id: string, queued: number, bots: PlannerBot[], extra: Partial<PlannerGroup> = {}): PlannerGroup {
  return {
    id,
    status: 'active',
    maxBots: 5,
    committedBots: 0,
    maintenance: false,
    imageId: 'i',
    imageVersion: '1',
    lastActivityAt: ago(0),
    bots,
    queued: { high: 0, normal: queued, ...(queued > 0 ? { oldestQueuedAt: ago(STRANDED_AFTER_MS + 1) } : {}) },
    ...extra,
  };
}

function input(groups: PlannerGroup[], hostedRpaEnabled = true): PlannerInput {
  return {
    now: NOW,
    environment: { id: 'e', plan: 'paid', capacity: 10, hostedRpaEnabled },
    groups,
    settings: { botIdleTimeoutSeconds: 900, groupIdleTeardownHours: 24 },
  };
}

describe('stranded wake-ups', () => {
  it('asks min(queued, idle bots) for a group whose first run waited while its bots idle', () => {
    expect(
      strandedCandidates(
        input([group('a', 5, [bot('1', 'Ready'), bot('2', 'Ready'), bot('3', 'Busy')]), group('b', 1, [bot('4', 'Ready'), bot('5', 'Ready')])]),
      ),
    ).toEqual([
      { groupId: 'a', wakeUps: 2 },
      { groupId: 'b', wakeUps: 1 },
    ]);
  });

  it('asks nothing for a young queue, no idle bot, leaving bots, maintenance, a deleted group or a switched-off environment', () => {
    const young = group('young', 3, [bot('1', 'Ready')]);
    young.queued.oldestQueuedAt = ago(STRANDED_AFTER_MS - 1_000);
    const groups = [
      young,
      group('busy', 3, [bot('2', 'Busy'), bot('3', 'Provisioning')]),
      group('leaving', 3, [bot('4', 'Ready', { releaseRequested: true }), bot('5', 'Draining')]),
      group('maintained', 3, [bot('6', 'Ready')], { maintenance: true }),
      group('deleted', 3, [bot('7', 'Ready')], { status: 'deleted' }),
      group('empty', 0, [bot('8', 'Ready')]),
    ];
    expect(strandedCandidates(input(groups))).toEqual([]);
    expect(strandedCandidates(input([group('a', 2, [bot('9', 'Ready')])], false))).toEqual([]);
  });
});
