import { describe, expect, it } from 'vitest';
import { planTarget as plan } from '../../../../domain/planner/plan.js';
import { summarise } from '../../../../domain/planner/summarise.js';
import type { PlannerInput } from '../../../../domain/planner/planner-input.js';
import type { ReleaseReason, UnservedReason } from '../../../../domain/planner/reasons.js';
import { aBot, aGroup, anEnvironment, createdByGroup, createdIn, drainedIn, releasedIn, unservedOf } from './builders.js';

const MINUTE = 60;
const HOUR = 3600;

describe('on-demand bots', () => {
  it.each<[string, PlannerInput, Record<string, number>]>([
    ['a waiting run and no bot gets a bot', anEnvironment().withGroups(aGroup('g1').withQueued(1)).build(), { g1: 1 }],
    ['one bot per waiting run', anEnvironment().withGroups(aGroup('g1').withQueued(3)).build(), { g1: 3 }],
    ['idle bots take waiting runs first', anEnvironment().withGroups(aGroup('g1').withQueued(5).withReady(2)).build(), { g1: 3 }],
    ['bots provisioning count as coming', anEnvironment().withGroups(aGroup('g1').withQueued(5).withProvisioning(2)).build(), { g1: 3 }],
    ['busy bots do not take waiting runs', anEnvironment().withGroups(aGroup('g1').withQueued(3).withBusy(3)).build(), { g1: 3 }],
    ['High and Normal runs both count', anEnvironment().withGroups(aGroup('g1').withQueued(2).withHighQueued(2)).build(), { g1: 4 }],
    ['never above maxBots', anEnvironment().withGroups(aGroup('g1').withMaxBots(3).withQueued(5)).build(), { g1: 3 }],
    ['never above maxBots, busy bots included', anEnvironment().withGroups(aGroup('g1').withMaxBots(3).withBusy(2).withQueued(5)).build(), { g1: 1 }],
    ['never above the capacity', anEnvironment().withCapacity(4).withGroups(aGroup('g1').withQueued(10)).build(), { g1: 4 }],
    ['the capacity counts every group', anEnvironment().withCapacity(4).withGroups(aGroup('g1').withQueued(10), aGroup('g2').withBusy(3)).build(), { g1: 1 }],
    ['a trial plan runs 2 bots at most', anEnvironment().onTrial().withCapacity(10).withGroups(aGroup('g1').withQueued(5)).build(), { g1: 2 }],
    [
      'a trial plan counts busy bots of other groups',
      anEnvironment().onTrial().withCapacity(10).withGroups(aGroup('g1').withQueued(5), aGroup('g2').withBusy(1)).build(),
      { g1: 1 },
    ],
    ['no capacity, no bot', anEnvironment().withCapacity(0).withGroups(aGroup('g1').withQueued(5)).build(), {}],
    ['no run, no committed bot: no bot', anEnvironment().withGroups(aGroup('g1')).build(), {}],
    [
      'bots leaving do not hold a slot',
      anEnvironment()
        .withCapacity(2)
        .withGroups(aGroup('g1').withQueued(2).withBotsIn('Deprovisioning', 2).withBotsIn('Failed', 1).withBotsIn('Deleted', 1))
        .build(),
      { g1: 2 },
    ],
    ['a draining bot holds its slot', anEnvironment().withCapacity(2).withGroups(aGroup('g1').withQueued(2).withDraining(1)).build(), { g1: 1 }],
  ])('%s', (_name, input, expected) => {
    expect(createdByGroup(plan(input))).toEqual(expected);
  });

  it('creates from the group’s current image, with the reason', () => {
    const p = plan(anEnvironment().withGroups(aGroup('g1').onImage('img-9', '2.1').withQueued(2)).build());
    expect(p.decisions).toEqual([
      { kind: 'create', groupId: 'g1', count: 2, imageId: 'img-9', imageVersion: '2.1', reason: 'demand', message: expect.stringContaining('2 run(s) wait') },
    ]);
  });
});

describe('committed bots', () => {
  it.each<[string, PlannerInput, { committed: number; demand: number }]>([
    ['kept warm with no run', anEnvironment().withGroups(aGroup('g1').withCommitted(2)).build(), { committed: 2, demand: 0 }],
    ['topped up to committed', anEnvironment().withGroups(aGroup('g1').withCommitted(2).withReady(1)).build(), { committed: 1, demand: 0 }],
    ['busy bots count as committed ones', anEnvironment().withGroups(aGroup('g1').withCommitted(2).withBusy(2)).build(), { committed: 0, demand: 0 }],
    [
      'committed bots serve runs: no bot on top of them for the same runs',
      anEnvironment().withGroups(aGroup('g1').withCommitted(2).withQueued(3)).build(),
      { committed: 2, demand: 1 },
    ],
    [
      'a woken cold group gets its committed bots back',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withCommitted(2)
            .idleFor(4 * HOUR)
            .withQueued(1),
        )
        .build(),
      { committed: 2, demand: 0 },
    ],
    [
      'a cold group keeps none',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withCommitted(2)
            .idleFor(4 * HOUR),
        )
        .build(),
      { committed: 0, demand: 0 },
    ],
    [
      'a group in maintenance keeps its committed bots warm',
      anEnvironment().withGroups(aGroup('g1').withCommitted(2).inMaintenance().withQueued(4)).build(),
      { committed: 2, demand: 0 },
    ],
    [
      'guaranteed even when other groups fill the free slots',
      anEnvironment().withCapacity(4).withGroups(aGroup('g1').withCommitted(2), aGroup('g2').withQueued(10)).build(),
      { committed: 2, demand: 0 },
    ],
    ['not when the environment is switched off', anEnvironment().switchedOff().withGroups(aGroup('g1').withCommitted(2)).build(), { committed: 0, demand: 0 }],
  ])('%s', (_name, input, expected) => {
    const p = plan(input);
    expect({ committed: createdIn(p, 'g1', 'committed'), demand: createdIn(p, 'g1', 'demand') }).toEqual(expected);
  });

  it.each<[string, PlannerInput, Record<string, number>, string[]]>([
    [
      'an idle bot above another group’s committed bots goes back for them',
      anEnvironment().withCapacity(4).withGroups(aGroup('g1').withCommitted(2), aGroup('g2').withBusy(2).withReady(2).withQueued(2)).build(),
      { g1: 2 },
      ['g2-b03', 'g2-b04'],
    ],
    [
      'busy bots are not taken: the committed group waits for them',
      anEnvironment().withCapacity(4).withGroups(aGroup('g1').withCommitted(2), aGroup('g2').withBusy(4)).build(),
      {},
      [],
    ],
    [
      'slots committed to a cold group are not shared',
      anEnvironment()
        .withCapacity(4)
        .withGroups(
          aGroup('g1')
            .withCommitted(3)
            .idleFor(5 * HOUR),
          aGroup('g2').withQueued(5),
        )
        .build(),
      { g2: 1 },
      [],
    ],
  ])('%s', (_name, input, created, released) => {
    const p = plan(input);
    expect(createdByGroup(p)).toEqual(created);
    expect(releasedIn(p, 'g2', 'idle-surplus')).toEqual(released);
  });
});

describe('idle release', () => {
  it.each<[string, PlannerInput, string[]]>([
    [
      'an uncommitted bot idle past the timeout goes',
      anEnvironment()
        .withGroups(aGroup('g1').withReady(1, 16 * MINUTE))
        .build(),
      ['g1-b01'],
    ],
    [
      'exactly at the timeout it goes',
      anEnvironment()
        .withGroups(aGroup('g1').withReady(1, 15 * MINUTE))
        .build(),
      ['g1-b01'],
    ],
    [
      'before the timeout it stays',
      anEnvironment()
        .withGroups(aGroup('g1').withReady(1, 14 * MINUTE))
        .build(),
      [],
    ],
    [
      'committed bots never time out',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withCommitted(2)
            .withReady(2, 2 * HOUR)
            .idleFor(2 * HOUR),
        )
        .build(),
      [],
    ],
    [
      'bots above committed time out',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withCommitted(1)
            .withReady(3, 20 * MINUTE)
            .idleFor(20 * MINUTE),
        )
        .build(),
      ['g1-b01', 'g1-b02'],
    ],
    [
      'an idle bot a waiting run needs stays',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withQueued(1)
            .withReady(1, 20 * MINUTE),
        )
        .build(),
      [],
    ],
    ['the timeout is a setting', anEnvironment().withSettings({ botIdleTimeoutSeconds: 30 }).withGroups(aGroup('g1').withReady(1, 31)).build(), ['g1-b01']],
    [
      'the longest idle goes first',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withQueued(1)
            .withBot(aBot('a').idle(16 * MINUTE))
            .withBot(aBot('b').idle(20 * MINUTE)),
        )
        .build(),
      ['b'],
    ],
    [
      'bots of an older image go first',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .onImage('img-1', '2')
            .withQueued(1)
            .withBot(aBot('a').idle(20 * MINUTE))
            .withBot(
              aBot('b')
                .idle(16 * MINUTE)
                .onImageVersion('1'),
            ),
        )
        .build(),
      ['b'],
    ],
  ])('%s', (_name, input, released) => {
    expect(releasedIn(plan(input), 'g1', 'idle-timeout')).toEqual(released);
  });

  it.each<[string, PlannerInput, string[], Record<string, number>]>([
    [
      'surplus idle bots go back to the pool for a starved group',
      anEnvironment()
        .withCapacity(3)
        .withGroups(aGroup('g1').withReady(3, 2 * MINUTE), aGroup('g2').withQueued(2))
        .build(),
      ['g1-b01', 'g1-b02'],
      { g2: 2 },
    ],
    [
      'free slots are used before surplus is taken',
      anEnvironment()
        .withCapacity(5)
        .withGroups(aGroup('g1').withReady(3, 2 * MINUTE), aGroup('g2').withQueued(2))
        .build(),
      [],
      { g2: 2 },
    ],
    [
      'surplus nobody needs waits for its timeout',
      anEnvironment()
        .withCapacity(3)
        .withGroups(aGroup('g1').withReady(3, 2 * MINUTE), aGroup('g2'))
        .build(),
      [],
      {},
    ],
    [
      'idle bots a group needs for its own runs stay when the other group has a bot',
      anEnvironment().withCapacity(4).withGroups(aGroup('g1').withReady(3).withQueued(3), aGroup('g2').withBusy(1).withQueued(2)).build(),
      [],
      {},
    ],
    [
      'a group with waiting runs and no bot takes an idle bot from the best-served group',
      anEnvironment().withCapacity(4).withGroups(aGroup('g1').withBusy(3).withReady(1).withQueued(5), aGroup('g2').withQueued(1)).build(),
      ['g1-b04'],
      { g2: 1 },
    ],
    [
      'but not a group’s only bot while its own runs waited as long',
      anEnvironment().withCapacity(1).withGroups(aGroup('g1').withReady(1).withQueued(5, 600), aGroup('g2').withQueued(1, 600)).build(),
      [],
      {},
    ],
    [
      'a group’s only bot goes to a group whose oldest run waited longer (groups take turns)',
      anEnvironment().withCapacity(1).withGroups(aGroup('g1').withReady(1).withQueued(5, 60), aGroup('g2').withQueued(1, 600)).build(),
      ['g1-b01'],
      { g2: 1 },
    ],
    [
      'a group with a bot takes only surplus, not bots others need',
      anEnvironment().withCapacity(3).withGroups(aGroup('g1').withReady(2).withQueued(5, 60), aGroup('g2').withBusy(1).withQueued(5, 600)).build(),
      [],
      {},
    ],
    [
      'nor one of its committed bots',
      anEnvironment().withCapacity(3).withGroups(aGroup('g1').withCommitted(3).withReady(3).withQueued(3), aGroup('g2').withQueued(1)).build(),
      [],
      {},
    ],
  ])('%s', (_name, input, released, created) => {
    const p = plan(input);
    expect(releasedIn(p, 'g1', 'idle-surplus')).toEqual(released);
    expect(createdByGroup(p)).toEqual(created);
  });

  it('says which group a surplus bot goes to', () => {
    const p = plan(anEnvironment().withCapacity(1).withGroups(aGroup('g1').withReady(1, MINUTE), aGroup('g2').withQueued(1)).build());
    expect(p.decisions[0]).toMatchObject({ kind: 'release', groupId: 'g1', botId: 'g1-b01', reason: 'idle-surplus', forGroupId: 'g2' });
  });
});

describe('deferred handover: a busy bot goes after its run to a group with waiting runs and no bot', () => {
  /** handover releases as `group/bot→beneficiary`, and how many bots each group gets now */
  const handovers = (p: ReturnType<typeof plan>) =>
    p.decisions.flatMap((d) => (d.kind === 'release' && d.reason === 'handover' ? [`${d.groupId}/${d.botId}→${d.forGroupId ?? '?'}`] : []));
  const backlog = () =>
    aGroup('claims')
      .withBusy(4)
      .withQueued(36, 30 * MINUTE);

  it.each<[string, PlannerInput, string[], Record<string, number>]>([
    [
      'a starved group gets one busy bot of the backlogged group, after its run; nothing is created now',
      anEnvironment()
        .withCapacity(4)
        .withGroups(backlog(), aGroup('audit').withQueued(1, 5 * MINUTE))
        .build(),
      ['claims/claims-b01→audit'],
      {},
    ],
    [
      'the bot busy the longest goes (its run likely ends first)',
      anEnvironment()
        .withCapacity(3)
        .withGroups(
          aGroup('audit').withQueued(1),
          aGroup('claims').withQueued(9).withBot(aBot('x').busyFor(60)).withBot(aBot('y').busyFor(900)).withBot(aBot('z').busyFor(300)),
        )
        .build(),
      ['claims/y→audit'],
      {},
    ],
    [
      'a bot of an older image before that (it would be drained anyway)',
      anEnvironment()
        .withCapacity(2)
        .withGroups(
          aGroup('audit').withQueued(1),
          aGroup('claims').onImage('img-1', '2').withQueued(9).withBot(aBot('x').busyFor(900)).withBot(aBot('y').busyFor(60).onImageVersion('1')),
        )
        .build(),
      ['claims/y→audit'],
      {},
    ],
    [
      'none while a slot is free: the starved group gets a bot now',
      anEnvironment().withCapacity(5).withGroups(backlog(), aGroup('audit').withQueued(1)).build(),
      [],
      { audit: 1 },
    ],
    [
      'none while a slot is free, even one a release frees now',
      anEnvironment()
        .withCapacity(4)
        .withGroups(
          aGroup('claims')
            .withBusy(3)
            .withReady(1, 20 * MINUTE),
          aGroup('audit').withQueued(1),
        )
        .build(),
      [],
      { audit: 1 },
    ],
    [
      'none while an idle bot may be taken: that one goes now',
      anEnvironment().withCapacity(4).withGroups(aGroup('claims').withBusy(3).withReady(1).withQueued(9), aGroup('audit').withQueued(1)).build(),
      [],
      { audit: 1 },
    ],
    [
      'none while a bot is already leaving for it (asked by an earlier plan)',
      anEnvironment().withCapacity(4).withGroups(aGroup('claims').withBusy(3).withLeaving(1).withQueued(36), aGroup('audit').withQueued(1)).build(),
      [],
      {},
    ],
    [
      'one per starved group, the best-served group giving first',
      anEnvironment()
        .withCapacity(5)
        .withGroups(
          aGroup('a').withBusy(2).withQueued(9),
          aGroup('b').withBusy(3).withQueued(9),
          aGroup('s1').withQueued(1, 600),
          aGroup('s2').withQueued(1, 300),
        )
        .build(),
      ['a/a-b01→s2', 'b/b-b01→s1'],
      {},
    ],
    [
      'a bot already leaving stands for one starved group (the longest waiting); the next gets its own handover',
      anEnvironment()
        .withCapacity(5)
        .withGroups(aGroup('a').withBusy(4).withLeaving(1).withQueued(9), aGroup('s1').withQueued(1, 600), aGroup('s2').withQueued(1, 300))
        .build(),
      ['a/a-b01→s2'],
      {},
    ],
    [
      'never below the donor’s committed bots',
      anEnvironment().withCapacity(4).withGroups(aGroup('claims').withCommitted(4).withBusy(4).withQueued(36), aGroup('audit').withQueued(1)).build(),
      [],
      {},
    ],
    [
      'only above them',
      anEnvironment().withCapacity(4).withGroups(aGroup('claims').withCommitted(3).withBusy(4).withQueued(36), aGroup('audit').withQueued(1)).build(),
      ['claims/claims-b01→audit'],
      {},
    ],
    [
      'bots already leaving do not count towards the donor’s committed bots',
      anEnvironment()
        .withCapacity(4)
        .withGroups(aGroup('claims').withCommitted(3).withBusy(3).withLeaving(1).withQueued(36), aGroup('s1').withQueued(1), aGroup('s2').withQueued(1))
        .build(),
      [],
      {},
    ],
    [
      'a group’s only bot not while its own runs waited as long',
      anEnvironment().withCapacity(1).withGroups(aGroup('claims').withBusy(1).withQueued(5, 600), aGroup('audit').withQueued(1, 600)).build(),
      [],
      {},
    ],
    [
      'a group’s only bot when the starved group waited longer (groups take turns)',
      anEnvironment().withCapacity(1).withGroups(aGroup('claims').withBusy(1).withQueued(5, 60), aGroup('audit').withQueued(1, 600)).build(),
      ['claims/claims-b01→audit'],
      {},
    ],
    [
      'a group’s only bot when it has nothing queued',
      anEnvironment().withCapacity(1).withGroups(aGroup('claims').withBusy(1), aGroup('audit').withQueued(1)).build(),
      ['claims/claims-b01→audit'],
      {},
    ],
    [
      'not for a group holding a bot, busy or leaving',
      anEnvironment().withCapacity(4).withGroups(aGroup('claims').withBusy(3).withQueued(9), aGroup('audit').withLeaving(1).withQueued(2)).build(),
      [],
      {},
    ],
    [
      'not from a group in maintenance (its bots go idle after their run, and then go)',
      anEnvironment().withCapacity(4).withGroups(aGroup('claims').inMaintenance().withBusy(4).withQueued(9), aGroup('audit').withQueued(1)).build(),
      [],
      {},
    ],
    ['not for a group in maintenance', anEnvironment().withCapacity(4).withGroups(backlog(), aGroup('audit').inMaintenance().withQueued(1)).build(), [], {}],
    ['not for a group at maxBots 0', anEnvironment().withCapacity(4).withGroups(backlog(), aGroup('audit').withMaxBots(0).withQueued(1)).build(), [], {}],
    [
      'not when the environment is switched off',
      anEnvironment().switchedOff().withCapacity(4).withGroups(backlog(), aGroup('audit').withQueued(1)).build(),
      [],
      {},
    ],
    [
      'not while the slots are held for a cold group’s committed bots and nobody else can give',
      anEnvironment()
        .withCapacity(4)
        .withGroups(
          aGroup('claims').withCommitted(3).withBusy(3).withQueued(9),
          aGroup('cold')
            .withCommitted(1)
            .idleFor(5 * HOUR),
          aGroup('audit').withQueued(1),
        )
        .build(),
      [],
      {},
    ],
  ])('%s', (_name, input, expected, created) => {
    const p = plan(input);
    expect(handovers(p)).toEqual(expected);
    expect(createdByGroup(p)).toEqual(created);
  });

  it('says which group the bot goes to and why, frees no slot in this plan, and reports the starved group unserved', () => {
    const p = plan(
      anEnvironment()
        .withCapacity(4)
        .withGroups(backlog(), aGroup('audit').withQueued(1, 5 * MINUTE))
        .build(),
    );
    expect(p.decisions).toEqual([
      {
        kind: 'release',
        groupId: 'claims',
        botId: 'claims-b01',
        reason: 'handover',
        forGroupId: 'audit',
        message: expect.stringMatching(/^Group audit has runs waiting and no bot.*finishes its current run, then goes.*group audit\.$/),
      },
    ]);
    expect(summarise(p)).toBe(
      'env-1 @2025-03-01T12:00:00.000Z limit 4: 4/4 → 3/4 bots; release claims/claims-b01(handover→audit); unserved audit 1(environment-capacity-exhausted) claims 36(environment-capacity-exhausted)',
    );
    expect(p.groups.find((g) => g.groupId === 'claims')).toMatchObject({ before: 4, released: 1, created: 0, after: 3 });
    expect(unservedOf(p, 'audit')).toMatchObject({ waitingRuns: 1, reason: 'environment-capacity-exhausted' });
  });

  it('once the bot has gone, the next plan gives its slot to the starved group', () => {
    const p = plan(
      anEnvironment()
        .withCapacity(4)
        .withGroups(
          aGroup('claims')
            .withBusy(3)
            .withQueued(35, 30 * MINUTE),
          aGroup('audit').withQueued(1, 25 * MINUTE),
        )
        .build(),
    );
    expect(createdByGroup(p)).toEqual({ audit: 1 });
    expect(handovers(p)).toEqual([]);
  });

  it('a deleted group still releases every bot, those already leaving included', () => {
    const p = plan(anEnvironment().withGroups(aGroup('g1').deleted().withBusy(1).withLeaving(1).withLeaving(1, 'Ready')).build());
    expect(releasedIn(p, 'g1', 'group-deleted')).toEqual(['g1-b01', 'g1-b02', 'g1-b03']);
  });
});

describe('bots already leaving (a release pending from an earlier plan)', () => {
  it.each<[string, PlannerInput, Record<string, number>, string[]]>([
    ['hold their slot: nothing is created in it', anEnvironment().withCapacity(2).withGroups(aGroup('g1').withLeaving(1).withQueued(3)).build(), { g1: 1 }, []],
    [
      'take no run: an idle one covers no waiting run',
      anEnvironment().withCapacity(5).withGroups(aGroup('g1').withLeaving(1, 'Ready').withQueued(1)).build(),
      { g1: 1 },
      [],
    ],
    [
      'are not released again for an idle timeout',
      anEnvironment()
        .withGroups(aGroup('g1').withBot(aBot('a').idle(HOUR).leaving()))
        .build(),
      {},
      [],
    ],
    [
      'are not handed over to a starved group',
      anEnvironment().withCapacity(2).withGroups(aGroup('g1').withLeaving(2).withQueued(9), aGroup('g2').withQueued(1)).build(),
      {},
      [],
    ],
    [
      'leave the idle bots the group needs alone',
      anEnvironment().withCapacity(3).withGroups(aGroup('g1').withLeaving(1, 'Ready').withReady(1).withQueued(1), aGroup('g2').withBusy(1)).build(),
      {},
      [],
    ],
  ])('%s', (_name, input, created, released) => {
    const p = plan(input);
    expect(createdByGroup(p)).toEqual(created);
    expect(p.decisions.flatMap((d) => (d.kind === 'release' ? [d.botId] : []))).toEqual(released);
  });

  it('are not drained for an image change', () => {
    const p = plan(
      anEnvironment()
        .withGroups(aGroup('g1').onImage('img-1', '2').withBot(aBot('a').busy().onImageVersion('1').leaving()))
        .build(),
    );
    expect(drainedIn(p, 'g1')).toEqual([]);
  });

  it('count in the bots before and after the plan', () => {
    const p = plan(anEnvironment().withCapacity(4).withGroups(aGroup('g1').withLeaving(1).withBusy(1).withQueued(1)).build());
    expect(p.groups[0]).toMatchObject({ before: 2, running: 2, created: 1, after: 3 });
  });
});

describe('groups that keep no bots', () => {
  it.each<[string, PlannerInput, ReleaseReason, string[]]>([
    [
      'a deleted group releases everything, busy bots too',
      anEnvironment().withGroups(aGroup('g1').deleted().withReady(1).withBusy(1).withProvisioning(1).withDraining(1).withBotsIn('Failed', 1)).build(),
      'group-deleted',
      ['g1-b01', 'g1-b02', 'g1-b03', 'g1-b04'],
    ],
    [
      'a cold group releases idle and provisioning bots, committed ones included',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withCommitted(2)
            .idleFor(3 * HOUR)
            .withReady(2, HOUR)
            .withProvisioning(1),
        )
        .build(),
      'group-cold',
      ['g1-b01', 'g1-b02', 'g1-b03'],
    ],
    [
      'the teardown is a setting',
      anEnvironment().withSettings({ groupIdleTeardownHours: 0.5 }).withGroups(aGroup('g1').withCommitted(1).idleFor(HOUR).withReady(1)).build(),
      'group-cold',
      ['g1-b01'],
    ],
    [
      'a group idle for less is not cold',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .withCommitted(2)
            .idleFor(2 * HOUR)
            .withReady(2, 2 * HOUR),
        )
        .build(),
      'group-cold',
      [],
    ],
    [
      'a group with a busy bot is not cold',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .idleFor(4 * HOUR)
            .withBusy(1)
            .withReady(1, 10 * MINUTE),
        )
        .build(),
      'group-cold',
      [],
    ],
  ])('%s', (_name, input, reason, released) => {
    const p = plan(input);
    expect(releasedIn(p, 'g1')).toEqual(released);
    expect(releasedIn(p, 'g1', reason)).toEqual(released);
  });
});

describe('switch off and maintenance', () => {
  it.each<[string, PlannerInput, { created: number; released: string[] }]>([
    ['switched off: no bot for runs', anEnvironment().switchedOff().withGroups(aGroup('g1').withQueued(3)).build(), { created: 0, released: [] }],
    [
      'switched off: committed warm bots stay',
      anEnvironment().switchedOff().withGroups(aGroup('g1').withCommitted(2).withReady(2, HOUR).idleFor(HOUR)).build(),
      { created: 0, released: [] },
    ],
    [
      'switched off: idle bots above committed still time out',
      anEnvironment()
        .switchedOff()
        .withGroups(
          aGroup('g1')
            .withQueued(2)
            .withReady(2, 20 * MINUTE),
        )
        .build(),
      { created: 0, released: ['g1-b01', 'g1-b02'] },
    ],
    ['maintenance: no bot for runs', anEnvironment().withGroups(aGroup('g1').inMaintenance().withQueued(3)).build(), { created: 0, released: [] }],
    [
      'maintenance: running runs finish',
      anEnvironment().withGroups(aGroup('g1').inMaintenance().withBusy(2).withQueued(3)).build(),
      { created: 0, released: [] },
    ],
    [
      'maintenance: idle bots above committed time out',
      anEnvironment()
        .withGroups(
          aGroup('g1')
            .inMaintenance()
            .withCommitted(1)
            .withQueued(3)
            .withReady(2, 20 * MINUTE),
        )
        .build(),
      { created: 0, released: ['g1-b01'] },
    ],
  ])('%s', (_name, input, expected) => {
    const p = plan(input);
    expect({ created: createdIn(p, 'g1'), released: releasedIn(p, 'g1') }).toEqual(expected);
  });
});

describe('fair share of the uncommitted capacity', () => {
  it.each<[string, PlannerInput, Record<string, number>]>([
    [
      'every group with waiting runs gets a bot before any gets a second',
      anEnvironment().withCapacity(3).withGroups(aGroup('g1').withQueued(9), aGroup('g2').withQueued(9), aGroup('g3').withQueued(9)).build(),
      { g1: 1, g2: 1, g3: 1 },
    ],
    [
      'a tie goes to the oldest waiting run',
      anEnvironment().withCapacity(2).withGroups(aGroup('g1').withQueued(5, 60), aGroup('g2').withQueued(5, 600), aGroup('g3').withQueued(5, 300)).build(),
      { g2: 1, g3: 1 },
    ],
    [
      'then to the most High runs',
      anEnvironment().withCapacity(1).withGroups(aGroup('g1').withQueued(5, 60), aGroup('g2').withQueued(1, 60).withHighQueued(2)).build(),
      { g2: 1 },
    ],
    ['then to the id', anEnvironment().withCapacity(1).withGroups(aGroup('g2').withQueued(5, 60), aGroup('g1').withQueued(5, 60)).build(), { g1: 1 }],
    [
      'the group with the fewest bots is served first (water-filling)',
      anEnvironment().withCapacity(6).withGroups(aGroup('g1').withBusy(3).withQueued(9), aGroup('g2').withBusy(1).withQueued(9)).build(),
      { g2: 2 },
    ],
    [
      'capacity beyond an even share goes to whoever still wants it',
      anEnvironment().withCapacity(8).withGroups(aGroup('g1').withQueued(1), aGroup('g2').withQueued(9)).build(),
      { g1: 1, g2: 7 },
    ],
    [
      'committed bots count in the allocation',
      anEnvironment().withCapacity(6).withGroups(aGroup('g1').withCommitted(3).withReady(3).withQueued(9), aGroup('g2').withQueued(9)).build(),
      { g2: 3 },
    ],
    [
      'a group in maintenance takes no share',
      anEnvironment().withCapacity(2).withGroups(aGroup('g1').inMaintenance().withQueued(9), aGroup('g2').withQueued(9)).build(),
      { g2: 2 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(createdByGroup(plan(input))).toEqual(expected);
  });
});

describe('image change drains', () => {
  const newImage = () => aGroup('g1').onImage('img-1', '2');
  it.each<[string, PlannerInput, string[], boolean | undefined]>([
    [
      'one idle bot of the older image at a time, the longest idle first',
      anEnvironment()
        .withGroups(
          newImage()
            .withCommitted(3)
            .withBot(aBot('a').idle(60).onImageVersion('1'))
            .withBot(aBot('b').idle(600).onImageVersion('1'))
            .withBot(aBot('c').idle(600)),
        )
        .build(),
      ['b'],
      false,
    ],
    [
      'idle bots before busy ones',
      anEnvironment()
        .withGroups(newImage().withCommitted(2).withBot(aBot('a').busy().onImageVersion('1')).withBot(aBot('b').idle(60).onImageVersion('1')))
        .build(),
      ['b'],
      false,
    ],
    [
      'a busy bot drains after its run',
      anEnvironment()
        .withGroups(newImage().withBot(aBot('a').busy().onImageVersion('1')))
        .build(),
      ['a'],
      true,
    ],
    [
      'a change of image, not only of version',
      anEnvironment()
        .withGroups(newImage().withCommitted(1).withBot(aBot('a').idle(60).onImageVersion('2', 'img-0')))
        .build(),
      ['a'],
      false,
    ],
    [
      'none while a bot is draining',
      anEnvironment()
        .withGroups(newImage().withCommitted(2).withBot(aBot('a').draining().onImageVersion('1')).withBot(aBot('b').idle(60).onImageVersion('1')))
        .build(),
      [],
      undefined,
    ],
    [
      'none while a bot is provisioning (a drained bot reprovisions)',
      anEnvironment()
        .withGroups(newImage().withCommitted(2).withBot(aBot('a').provisioning()).withBot(aBot('b').idle(60).onImageVersion('1')))
        .build(),
      [],
      undefined,
    ],
    [
      'an idle bot a waiting run needs is not drained: a busy one is',
      anEnvironment()
        .withGroups(newImage().withQueued(1).withBot(aBot('a').busy().onImageVersion('1')).withBot(aBot('b').idle(60).onImageVersion('1')))
        .build(),
      ['a'],
      true,
    ],
    [
      'an idle bot a waiting run needs is not drained',
      anEnvironment()
        .withGroups(newImage().withQueued(1).withBot(aBot('b').idle(60).onImageVersion('1')))
        .build(),
      [],
      undefined,
    ],
    [
      'in maintenance too',
      anEnvironment()
        .withGroups(newImage().inMaintenance().withCommitted(1).withBot(aBot('a').idle(60).onImageVersion('1')))
        .build(),
      ['a'],
      false,
    ],
    [
      'not when switched off',
      anEnvironment()
        .switchedOff()
        .withGroups(newImage().withCommitted(1).withBot(aBot('a').idle(60).onImageVersion('1')))
        .build(),
      [],
      undefined,
    ],
    [
      'an idle surplus bot of the older image is released, not drained',
      anEnvironment()
        .withGroups(
          newImage().withBot(
            aBot('a')
              .idle(20 * MINUTE)
              .onImageVersion('1'),
          ),
        )
        .build(),
      [],
      undefined,
    ],
    ['bots of the current image are left alone', anEnvironment().withGroups(newImage().withCommitted(2).withReady(2)).build(), [], undefined],
  ])('%s', (_name, input, drained, busy) => {
    const p = plan(input);
    expect(drainedIn(p, 'g1')).toEqual(drained);
    const drain = p.decisions.find((d) => d.kind === 'drain');
    expect(drain?.kind === 'drain' ? drain.busy : undefined).toBe(busy);
  });

  it('names both images', () => {
    const p = plan(
      anEnvironment()
        .withGroups(aGroup('g1').onImage('img-1', '2').withCommitted(1).withBot(aBot('a').idle(60).onImageVersion('1')))
        .build(),
    );
    expect(p.decisions).toContainEqual(
      expect.objectContaining({
        kind: 'drain',
        botId: 'a',
        reason: 'image-change',
        fromImageId: 'img-1',
        fromImageVersion: '1',
        toImageId: 'img-1',
        toImageVersion: '2',
      }),
    );
  });
});

describe('limits lowered below the bots alive', () => {
  it.each<[string, PlannerInput, string[], number]>([
    [
      'maxBots lowered: idle bots above it go now',
      anEnvironment().withGroups(aGroup('g1').withMaxBots(2).withQueued(4).withReady(4)).build(),
      ['g1-b01', 'g1-b02'],
      0,
    ],
    [
      'maxBots lowered below busy bots: nothing to release, nothing created',
      anEnvironment().withGroups(aGroup('g1').withMaxBots(2).withQueued(4).withBusy(4)).build(),
      [],
      0,
    ],
    ['capacity lowered: idle bots go', anEnvironment().withCapacity(2).withGroups(aGroup('g1').withQueued(4).withReady(3)).build(), ['g1-b01'], 0],
    ['capacity lowered below busy bots: nothing created', anEnvironment().withCapacity(2).withGroups(aGroup('g1').withQueued(4).withBusy(3)).build(), [], 0],
    ['trial: more than 2 bots alive', anEnvironment().onTrial().withGroups(aGroup('g1').withCommitted(2).withReady(3)).build(), ['g1-b01'], 0],
  ])('%s', (_name, input, released, created) => {
    const p = plan(input);
    expect(releasedIn(p, 'g1', 'over-limit')).toEqual(released);
    expect(createdIn(p, 'g1')).toBe(created);
  });
});

describe('unserved runs and their reason', () => {
  it.each<[string, PlannerInput, UnservedReason | undefined, number]>([
    ['served', anEnvironment().withGroups(aGroup('g1').withQueued(2)).build(), undefined, 0],
    ['group at maxBots', anEnvironment().withGroups(aGroup('g1').withMaxBots(2).withQueued(5)).build(), 'group-at-max-bots', 3],
    ['group at maxBots, busy', anEnvironment().withGroups(aGroup('g1').withMaxBots(2).withBusy(2).withQueued(1)).build(), 'group-at-max-bots', 1],
    ['environment capacity exhausted', anEnvironment().withCapacity(3).withGroups(aGroup('g1').withQueued(5)).build(), 'environment-capacity-exhausted', 2],
    [
      'capacity used by another group',
      anEnvironment().withCapacity(2).withGroups(aGroup('g1').withQueued(1), aGroup('g2').withBusy(2)).build(),
      'environment-capacity-exhausted',
      1,
    ],
    [
      'capacity committed to a cold group',
      anEnvironment()
        .withCapacity(2)
        .withGroups(
          aGroup('g1').withQueued(1),
          aGroup('g2')
            .withCommitted(2)
            .idleFor(9 * HOUR),
        )
        .build(),
      'environment-capacity-exhausted',
      1,
    ],
    ['trial limit', anEnvironment().onTrial().withGroups(aGroup('g1').withQueued(5)).build(), 'trial-limit', 3],
    ['group in maintenance', anEnvironment().withGroups(aGroup('g1').inMaintenance().withReady(1).withQueued(2)).build(), 'group-in-maintenance', 2],
    ['group deleted', anEnvironment().withGroups(aGroup('g1').deleted().withQueued(2)).build(), 'group-deleted', 2],
    ['switch off', anEnvironment().switchedOff().withGroups(aGroup('g1').withReady(1).withQueued(2)).build(), 'switch-off', 2],
    [
      'runs covered by idle and provisioning bots are not unserved',
      anEnvironment().withCapacity(2).withGroups(aGroup('g1').withReady(1).withProvisioning(1).withQueued(2)).build(),
      undefined,
      0,
    ],
  ])('%s', (_name, input, reason, waiting) => {
    const u = unservedOf(plan(input), 'g1');
    expect(u?.reason).toBe(reason);
    expect(u?.waitingRuns ?? 0).toBe(waiting);
  });

  it('reports how long the oldest run waited', () => {
    const p = plan(anEnvironment().withCapacity(0).withGroups(aGroup('g1').withQueued(1, 125)).build());
    expect(p.unserved).toEqual([
      { groupId: 'g1', waitingRuns: 1, oldestWaitSeconds: 125, reason: 'environment-capacity-exhausted', message: expect.any(String) },
    ]);
  });
});
