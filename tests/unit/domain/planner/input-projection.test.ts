import { describe, expect, it } from 'vitest';
import {
  groupsRemovedUnderTheirBots,
  occupiedNowOf,
  plannerGroupOf,
  type PlannerBotSource,
  type PlannerGroupSource,
} from '../../../../domain/planner/input-projection.js';

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const MIN = 60_000;

const group: PlannerGroupSource = {
  id: 'g1',
  status: 'active',
  maxBots: 5,
  committedBots: 1,
  maintenance: false,
  imageId: 'img',
  imageVersion: '2',
  updatedAt: iso(0),
};

function bot(id: string, overrides: Partial<PlannerBotSource> = {}): PlannerBotSource {
  return { id, groupId: 'g1', state: 'Ready', imageId: 'img', imageVersion: '2', since: iso(0), ...overrides };
}

const NOTHING = { queued: 0, queuedHigh: 0 };

describe('plannerGroupOf: a group document and its bot records as the planner reads them', () => {
  it('takes the group own bots that are not Deleted, marking pending releases', () => {
    const g = plannerGroupOf(
      group,
      [bot('b1'), bot('b2', { state: 'Deleted' }), bot('b3', { groupId: 'other' }), bot('b4', { state: 'Busy', releaseRequested: 'idle' })],
      NOTHING,
    );
    expect(g.bots.map((b) => b.id)).toEqual(['b1', 'b4']);
    expect(g.bots.find((b) => b.id === 'b4')?.releaseRequested).toBe(true);
    expect(g.bots.find((b) => b.id === 'b1')).not.toHaveProperty('releaseRequested');
  });

  it('plans a Ready or Busy bot asked to drain as Draining, and leaves other states as they are', () => {
    const g = plannerGroupOf(
      group,
      [
        bot('ready', { drainRequested: 'reprovision' }),
        bot('busy', { state: 'Busy', drainRequested: 'reprovision' }),
        bot('prov', { state: 'Provisioning', drainRequested: 'reprovision' }),
      ],
      NOTHING,
    );
    expect(g.bots.map((b) => [b.id, b.state])).toEqual([
      ['ready', 'Draining'],
      ['busy', 'Draining'],
      ['prov', 'Provisioning'],
    ]);
  });

  it('splits the queue by priority and keeps the first run queue time only when runs wait', () => {
    expect(plannerGroupOf(group, [], { queued: 5, queuedHigh: 2, oldestQueuedAt: iso(-MIN) }).queued).toEqual({
      high: 2,
      normal: 3,
      oldestQueuedAt: iso(-MIN),
    });
    expect(plannerGroupOf(group, [], { queued: 0, queuedHigh: 0, oldestQueuedAt: iso(-MIN) }).queued).toEqual({ high: 0, normal: 0 });
  });

  it('dates the last activity at the latest of the last run start, the last edit and an idle bot going idle', () => {
    expect(plannerGroupOf({ ...group, lastRunStartedAt: iso(-60 * MIN), updatedAt: iso(-90 * MIN) }, [], NOTHING).lastActivityAt).toBe(iso(-60 * MIN));
    expect(
      plannerGroupOf(
        { ...group, updatedAt: iso(-90 * MIN) },
        [bot('idle', { since: iso(-5 * MIN) }), bot('busy', { state: 'Busy', since: iso(-1 * MIN) })],
        NOTHING,
      ).lastActivityAt,
    ).toBe(iso(-5 * MIN));
  });

  it('carries the service level and a non-empty capacity schedule, and nothing when the group has none', () => {
    const window = { from: iso(0), to: iso(60 * MIN), committedBots: 3 };
    const g = plannerGroupOf({ ...group, targetWaitMinutes: 5, capacitySchedule: [window] }, [], NOTHING);
    expect(g.serviceLevel).toEqual({ targetWaitMinutes: 5 });
    expect(g.capacitySchedule).toEqual([window]);
    const plain = plannerGroupOf({ ...group, capacitySchedule: [] }, [], NOTHING);
    expect(plain).not.toHaveProperty('serviceLevel');
    expect(plain).not.toHaveProperty('capacitySchedule');
  });
});

describe('occupiedNowOf: bots that hold a slot of the environment limit', () => {
  it('counts Provisioning, Ready, Busy and Draining bots of every group', () => {
    const states = ['Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning', 'Failed'] as const;
    const g1 = plannerGroupOf(
      group,
      states.map((state, i) => bot(`b${i}`, { state })),
      NOTHING,
    );
    const g2 = plannerGroupOf({ ...group, id: 'g2' }, [bot('c1', { groupId: 'g2' })], NOTHING);
    expect(occupiedNowOf([g1, g2])).toBe(5);
  });
});

describe('groupsRemovedUnderTheirBots: bots whose group document is gone', () => {
  it('plans them as a deleted group with nothing queued, one per missing group, skipping Deleted and Failed bots', () => {
    const bots = [
      bot('kept'),
      bot('o1', { groupId: 'gone', imageVersion: '1' }),
      bot('o2', { groupId: 'gone', state: 'Busy' }),
      bot('dead', { groupId: 'gone2', state: 'Failed' }),
    ];
    const removed = groupsRemovedUnderTheirBots([{ id: 'g1' }], bots, iso(0));
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({
      id: 'gone',
      status: 'deleted',
      maxBots: 0,
      committedBots: 0,
      imageVersion: '1',
      lastActivityAt: iso(0),
      queued: { high: 0, normal: 0 },
    });
    expect(removed[0]?.bots.map((b) => b.id)).toEqual(['o1', 'o2']);
  });
});
