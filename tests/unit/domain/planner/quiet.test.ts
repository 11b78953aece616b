import { describe, expect, it } from 'vitest';
import { plan } from '../../../../domain/planner/plan.js';
import { isQuietEnvironment } from '../../../../domain/planner/quiet.js';
import { aGroup, anEnvironment, type GroupBuilder } from './builders.js';

/** When the controller may sleep for CONTROLLER_QUIET_INTERVAL_SECONDS: nothing to watch, nothing decided. */
describe('isQuietEnvironment', () => {
  const quiet = (running: number, ...groups: GroupBuilder[]) => {
    const input = anEnvironment()
      .withCapacity(10)
      .withGroups(...groups)
      .build();
    return isQuietEnvironment(input, plan(input), running);
  };

  it('is quiet with no group, and with groups that have no bot and nothing queued', () => {
    expect(quiet(0)).toBe(true);
    expect(quiet(0, aGroup('a'), aGroup('b'))).toBe(true);
    expect(quiet(0, aGroup('a').withBotsIn('Deleted', 2).withBotsIn('Failed', 1))).toBe(true);
  });

  it('is not quiet while anything lives, waits or runs', () => {
    expect(quiet(0, aGroup('a').withReady(1, 10))).toBe(false);
    expect(quiet(0, aGroup('a').withBusy(1))).toBe(false);
    expect(quiet(0, aGroup('a').withProvisioning(1))).toBe(false);
    expect(quiet(0, aGroup('a').withQueued(1))).toBe(false);
    expect(quiet(0, aGroup('a').withHighQueued(1))).toBe(false);
    expect(quiet(1, aGroup('a'))).toBe(false);
  });

  it('is not quiet for a group with committed bots or a capacity schedule, whose bots come at a time and not on an event', () => {
    expect(quiet(0, aGroup('a').withCommitted(1))).toBe(false);
    const input = anEnvironment().withCapacity(10).withGroups(aGroup('a')).build();
    const group = input.groups[0];
    if (group === undefined) throw new Error('no group');
    const later = Date.parse(input.now) + 3_600_000;
    group.capacitySchedule = [{ from: new Date(later).toISOString(), to: new Date(later + 3_600_000).toISOString(), committedBots: 2 }];
    expect(isQuietEnvironment(input, plan(input), 0)).toBe(false);
  });

  it('is not quiet in a round that decided something', () => {
    const input = anEnvironment().withCapacity(10).withGroups(aGroup('a').withQueued(2)).build();
    const p = plan(input);
    expect(p.decisions.length).toBeGreaterThan(0);
    expect(isQuietEnvironment({ ...input, groups: input.groups.map((g) => ({ ...g, queued: { high: 0, normal: 0 } })) }, p, 0)).toBe(false);
  });
});
