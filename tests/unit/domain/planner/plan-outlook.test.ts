import { describe, expect, it } from 'vitest';
import { plan } from '../../../../domain/planner/plan.js';
import { expectedStarts } from '../../../../domain/planner/expected-start.js';
import { expectedArrivals, outlookOf, quantileOf, sortedCounter } from '../../../../domain/planner/outlook.js';
import type { PlannerGroup, PlannerOutlook } from '../../../../domain/planner/planner-input.js';
import { committedNow, coverableRuns, poissonQuantile, warmVerdict } from '../../../../domain/planner/warm.js';
import { aBot, aGroup, anEnvironment, createdIn, NOW, releasedIn, secondsAgo } from './builders.js';

const NOW_MS = Date.parse(NOW);
const MIN = 60_000;
const SETTINGS = { botIdleTimeoutSeconds: 900, groupIdleTeardownHours: 3 };

function withOutlook(group: PlannerGroup, outlook: PlannerOutlook, extra: Partial<PlannerGroup> = {}): PlannerGroup {
  return { ...group, outlook, ...extra };
}

describe('warm bots: the pure pieces', () => {
  it('Poisson quantiles', () => {
    expect(poissonQuantile(0, 0.95)).toBe(0);
    expect(poissonQuantile(2, 0)).toBe(0);
    // P(X ≤ 0) = e^-1 = 0.37, P(X ≤ 1) = 0.74, P(X ≤ 2) = 0.92, P(X ≤ 3) = 0.98
    expect(poissonQuantile(1, 0.5)).toBe(1);
    expect(poissonQuantile(1, 0.95)).toBe(3);
    expect(poissonQuantile(20, 0.95)).toBeGreaterThanOrEqual(27);
    expect(poissonQuantile(2000, 0.9)).toBeGreaterThan(2000);
  });

  it('the wait target decides the quantile; minUtilization caps it and records the conflict; the keep time is the break-even', () => {
    const outlook = { provisionMinutes: 12, runMinutes: 6, expectedArrivals: 4 };
    // a target at or above the provisioning time needs no warm bot: a cold start meets it
    expect(warmVerdict(outlook, { serviceLevel: { targetWaitMinutes: 15 } }, 0, 0, 0, SETTINGS)).toMatchObject({ spare: 0, quantile: 0, conflict: false });
    // below it: the 95 % quantile of the arrivals within a provisioning time (8 for a mean of 4) and the 2 queued runs,
    // less the 3 runs the busy bots start meanwhile, on bots that each start a run every 6 minutes (3 in 12 minutes)
    const tight = warmVerdict(outlook, { serviceLevel: { targetWaitMinutes: 3 } }, 2, 2, 3, SETTINGS);
    expect(tight.quantile).toBe(0.95);
    expect(tight.spare).toBe(Math.ceil((2 + poissonQuantile(4, 0.95) - 3) / 3));
    // at most running ÷ minUtilization bots: 2 ÷ 0.8 = 2, none beyond the busy ones
    const capped = warmVerdict(outlook, { serviceLevel: { targetWaitMinutes: 3, minUtilization: 0.8 } }, 2, 2, 3, SETTINGS);
    expect(capped).toMatchObject({ spare: 0, conflict: true });
    // no target: the environment's default quantile (none by default)
    expect(warmVerdict(outlook, {}, 0, 0, 0, SETTINGS).spare).toBe(0);
    expect(warmVerdict(outlook, {}, 0, 0, 0, { ...SETTINGS, warmQuantile: 0.5 }).spare).toBe(Math.ceil(poissonQuantile(4, 0.5) / 3));
    // keep: one provisioning time when a run is expected within it, at once otherwise, never above the timeout
    expect(warmVerdict(outlook, {}, 0, 0, 0, SETTINGS).keepIdleSeconds).toBe(720);
    expect(warmVerdict({ ...outlook, expectedArrivals: 0.2 }, {}, 0, 0, 0, SETTINGS).keepIdleSeconds).toBe(0);
    expect(warmVerdict({ ...outlook, provisionMinutes: 30 }, {}, 0, 0, 0, SETTINGS).keepIdleSeconds).toBe(900);
    expect(warmVerdict(undefined, {}, 0, 0, 0, SETTINGS)).toMatchObject({ spare: 0, keepIdleSeconds: 900 });
  });

  it('a capacity window raises the committed bots while it covers now', () => {
    const schedule = [
      { from: secondsAgo(3600), to: new Date(NOW_MS + 3600_000).toISOString(), committedBots: 5 },
      { from: secondsAgo(7200), to: secondsAgo(3600), committedBots: 9 },
    ];
    expect(committedNow({ committedBots: 1, capacitySchedule: schedule }, NOW_MS, 1)).toBe(5);
    expect(committedNow({ committedBots: 1 }, NOW_MS, 1)).toBe(1);
  });

  it('coverable runs: idle now, busy at their expected end, provisioning at the learned time, then one per mean run', () => {
    const outlook = { provisionMinutes: 10, runMinutes: 4, expectedArrivals: 0 };
    const ready = { state: 'Ready', since: secondsAgo(60) };
    const busy = { state: 'Busy', since: secondsAgo(120) };
    const provisioning = { state: 'Provisioning', since: secondsAgo(300) };
    expect(coverableRuns([ready], NOW_MS, 10 * MIN, outlook)).toBe(3); // at 0, 4, 8 min
    expect(coverableRuns([busy], NOW_MS, 10 * MIN, outlook)).toBe(3); // free at 2 min: 2, 6, 10
    expect(coverableRuns([provisioning], NOW_MS, 10 * MIN, outlook)).toBe(2); // up at 5 min: 5, 9
    expect(coverableRuns([{ state: 'Deleted', since: NOW }], NOW_MS, 10 * MIN, outlook)).toBe(0);
  });
});

describe('the planner with an outlook', () => {
  const outlook = { provisionMinutes: 10, runMinutes: 3, expectedArrivals: 0 };

  it('creates no bot for a run a busy bot will take before a new bot could be up', () => {
    const input = anEnvironment().withCapacity(10).withGroups(aGroup('g').withMaxBots(10).withBusy(2).withQueued(3)).build();
    // without an outlook: one bot per queued run
    expect(createdIn(plan(input), 'g', 'demand')).toBe(3);
    const learned = { ...input, groups: input.groups.map((g) => withOutlook(g, outlook)) };
    // two busy bots, 3-minute runs, 10 minutes to provision: they start 6+ runs before a new bot is up
    expect(createdIn(plan(learned), 'g')).toBe(0);
    // with long runs they would not: a bot per run they cannot start in time
    const long = { ...input, groups: input.groups.map((g) => withOutlook(g, { ...outlook, runMinutes: 60 })) };
    expect(createdIn(plan(long), 'g', 'demand')).toBe(3);
  });

  it('warms bots before a forecast peak, with reason warm, only from free slots', () => {
    const input = anEnvironment()
      .withCapacity(3)
      .withGroups(aGroup('g').withMaxBots(10), aGroup('h').withMaxBots(10).withQueued(2))
      .withSettings({ warmQuantile: 0.5 })
      .build();
    const [g, h] = input.groups;
    if (g === undefined || h === undefined) throw new Error('groups');
    const result = plan({ ...input, groups: [withOutlook(g, { ...outlook, expectedArrivals: 6 }), h] });
    // h's two waiting runs come first; g gets the one slot left, not the 2 its forecast asks for
    expect(createdIn(result, 'h', 'demand')).toBe(2);
    expect(createdIn(result, 'g', 'warm')).toBe(1);
    const decision = result.decisions.find((d) => d.kind === 'create' && d.reason === 'warm');
    expect(decision?.message).toContain('expected within');
    // 6 runs expected (median), a bot starts one every 3 minutes: 4 each within the 10 minutes: 2 warm bots
    expect(result.groups.find((x) => x.groupId === 'g')?.warm).toMatchObject({ spare: 2 });
  });

  it('a group idle for hours whose forecast expects runs is not cold: it is warmed', () => {
    const input = anEnvironment()
      .withCapacity(10)
      .withGroups(
        aGroup('g')
          .withMaxBots(10)
          .idleFor(5 * 3600),
      )
      .withSettings({ warmQuantile: 0.8 })
      .build();
    const result = plan({ ...input, groups: input.groups.map((x) => withOutlook(x, { ...outlook, expectedArrivals: 3 })) });
    expect(result.groups[0]?.condition).toBe('active');
    expect(createdIn(result, 'g', 'warm')).toBe(Math.ceil(poissonQuantile(3, 0.8) / 4));
  });

  it('keeps idle bots of the warm spare; releases those beyond it after the learned keep time', () => {
    const input = anEnvironment()
      .withCapacity(10)
      .withGroups(aGroup('g').withMaxBots(10).withBot(aBot('g-a').idle(100)).withBot(aBot('g-b').idle(200)).withBot(aBot('g-c').idle(300)))
      .withSettings({ warmQuantile: 0.5 })
      .build();
    // 1 run expected (median 1): one bot kept warm; the keep time is 600 s (10 min): none of the others is that idle
    const warm1 = { ...input, groups: input.groups.map((x) => withOutlook(x, { ...outlook, expectedArrivals: 1 })) };
    expect(releasedIn(plan(warm1), 'g')).toEqual([]);
    // nothing expected: the keep time is 0, the spare 0: all three go at once
    const none = { ...input, groups: input.groups.map((x) => withOutlook(x, { ...outlook, expectedArrivals: 0 })) };
    expect(releasedIn(plan(none), 'g', 'idle-timeout').sort()).toEqual(['g-a', 'g-b', 'g-c']);
  });

  it('reports the service level and its conflict with minUtilization', () => {
    const input = anEnvironment().withCapacity(10).withGroups(aGroup('g').withMaxBots(10).withBusy(1)).build();
    const result = plan({
      ...input,
      groups: input.groups.map((x) => withOutlook(x, { ...outlook, expectedArrivals: 5 }, { serviceLevel: { targetWaitMinutes: 2, minUtilization: 0.5 } })),
    });
    const g = result.groups[0];
    expect(g?.serviceLevel).toMatchObject({ targetWaitMinutes: 2, minUtilization: 0.5, conflict: true });
    expect(g?.serviceLevel?.message).toContain('minUtilization 0.5');
    // 9 runs expected (95 %), the busy bot starts 3 in 10 minutes, a warm bot 4: 2 asked; busy 1 ÷ 0.5 = 2 bots at most: 1
    expect(createdIn(result, 'g', 'warm')).toBe(1);
  });
});

describe('learning the outlook', () => {
  it('forecasts from the recent rate or the same window of earlier days of the same kind, the higher', () => {
    // a Tuesday 08:50: on the earlier weekdays 10 runs came at 09:00; the recent rate is 1 run in 20 min
    const now = Date.parse('2025-04-01T08:50:00.000Z');
    const day = 24 * 60 * MIN;
    const times: number[] = [now - 5 * MIN];
    for (let d = 1; d <= 7; d += 1) {
      const at = now - d * day;
      const weekend = [0, 6].includes(new Date(at).getUTCDay());
      if (!weekend) for (let i = 0; i < 10; i += 1) times.push(at + 10 * MIN + i * 1000);
    }
    times.sort((a, b) => a - b);
    const count = sortedCounter(times);
    expect(expectedArrivals(count, now, 15 * MIN)).toBe(10);
    // the window missing the peak: the recent rate scaled to the window
    expect(expectedArrivals(count, now, 5 * MIN)).toBeCloseTo(0.25);
    const o = outlookOf({ provisionMs: [8, 9, 10, 11, 20].map((m) => m * MIN), runMs: [2, 4].map((m) => m * MIN), count }, now);
    expect(o.provisionMinutes).toBe(20); // the 90th percentile
    expect(o.runMinutes).toBe(3); // the mean
    expect(o.expectedArrivals).toBe(10);
    expect(quantileOf([], 0.5)).toBeUndefined();
  });
});

describe('expected start times', () => {
  it('each run in dispatch order takes the bot that frees first', () => {
    const estimates = expectedStarts({
      now: NOW,
      queued: [
        { id: 'r1', runMinutes: 5 },
        { id: 'r2', runMinutes: 5 },
        { id: 'r3', runMinutes: 5 },
        { id: 'r4', runMinutes: 5 },
      ],
      bots: [
        { state: 'Busy', since: secondsAgo(60), runMinutes: 3 },
        { state: 'Provisioning', since: secondsAgo(240) },
      ],
      creating: 0,
      provisionMinutes: 10,
    });
    const at = (m: number) => new Date(NOW_MS + m * MIN).toISOString();
    expect(estimates).toEqual([
      { id: 'r1', expectedStartAt: at(2) },
      { id: 'r2', expectedStartAt: at(6) },
      { id: 'r3', expectedStartAt: at(7) },
      { id: 'r4', expectedStartAt: at(11) },
    ]);
  });

  it('counts the bots the plan creates; gives no time when no bot will come', () => {
    const one = expectedStarts({ now: NOW, queued: [{ id: 'r1', runMinutes: 5 }], bots: [], creating: 1, provisionMinutes: 12 });
    expect(one[0]?.expectedStartAt).toBe(new Date(NOW_MS + 12 * MIN).toISOString());
    expect(expectedStarts({ now: NOW, queued: [{ id: 'r1', runMinutes: 5 }], bots: [], creating: 0, provisionMinutes: 12 })).toEqual([{ id: 'r1' }]);
    // a run past its typical end: half of what it has run so far is expected to remain
    const late = expectedStarts({
      now: NOW,
      queued: [{ id: 'r1', runMinutes: 5 }],
      bots: [{ state: 'Busy', since: secondsAgo(20 * 60), runMinutes: 5 }],
      creating: 0,
      provisionMinutes: 12,
    });
    expect(late[0]?.expectedStartAt).toBe(new Date(NOW_MS + 10 * MIN).toISOString());
  });
});
