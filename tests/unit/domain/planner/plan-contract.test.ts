import { describe, expect, it } from 'vitest';
import { planTarget as plan } from '../../../../domain/planner/plan.js';
import type { PlannerInput } from '../../../../domain/planner/planner-input.js';
import { summarise } from '../../../../domain/planner/summarise.js';
import { aBot, aGroup, anEnvironment, NOW } from './builders.js';

/** What callers rely on: determinism, JSON-friendly output, a canonical order, and a one-line summary. */

const busyEnvironment = (): PlannerInput =>
  anEnvironment('env-7')
    .withCapacity(6)
    .withGroups(
      aGroup('g1').withCommitted(1).withQueued(4).withBusy(1),
      aGroup('g2')
        .withReady(2, 20 * 60)
        .withBotsIn('Failed', 1),
      aGroup('g3').onImage('img-1', '2').withCommitted(1).withBot(aBot('old').idle(30).onImageVersion('1')),
      aGroup('g4').deleted().withReady(1).withQueued(1),
      aGroup('g5').withMaxBots(1).withBusy(1).withQueued(3),
    )
    .build();

function shuffled(input: PlannerInput): PlannerInput {
  return { ...input, groups: [...input.groups].reverse().map((g) => ({ ...g, bots: [...g.bots].reverse() })) };
}

describe('plan contract', () => {
  it('gives the same plan for the same input, in any order', () => {
    const input = busyEnvironment();
    expect(plan(structuredClone(input))).toEqual(plan(input));
    expect(plan(shuffled(input))).toEqual(plan(input));
  });

  it('does not touch its input', () => {
    const input = busyEnvironment();
    const copy = structuredClone(input);
    plan(input);
    expect(input).toEqual(copy);
  });

  it('answers plain JSON that survives a round trip', () => {
    const p = plan(busyEnvironment());
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('lists releases, then drains, then creates, each by group and bot', () => {
    const p = plan(busyEnvironment());
    expect(p.decisions.map((d) => `${d.kind} ${d.groupId} ${d.kind === 'create' ? d.count : d.botId} ${d.reason}`)).toEqual([
      'release g2 g2-b01 idle-timeout',
      'release g2 g2-b02 idle-timeout',
      'release g4 g4-b01 group-deleted',
      'drain g3 old image-change',
      'create g1 3 demand',
    ]);
  });

  it('accounts for every group', () => {
    const p = plan(busyEnvironment());
    expect(p.groups.map((g) => [g.groupId, g.condition, g.before, g.after])).toEqual([
      ['g1', 'active', 1, 4],
      ['g2', 'active', 2, 0],
      ['g3', 'active', 1, 1],
      ['g4', 'deleted', 1, 0],
      ['g5', 'active', 1, 1],
    ]);
    expect(p.totals).toEqual({ before: 6, after: 6, created: 3, released: 3, drained: 1 });
    expect(p.limit).toBe(6);
    expect(p.at).toBe(NOW);
    expect(p.environmentId).toBe('env-7');
  });

  it('gives every decision and unserved group a reason and a sentence', () => {
    const p = plan(busyEnvironment());
    for (const d of [...p.decisions, ...p.unserved]) {
      expect(d.reason).toMatch(/^[a-z-]+$/);
      expect(d.message.length).toBeGreaterThan(10);
    }
    expect(p.unserved.map((u) => [u.groupId, u.reason, u.waitingRuns])).toEqual([
      ['g1', 'environment-capacity-exhausted', 1],
      ['g4', 'group-deleted', 1],
      ['g5', 'group-at-max-bots', 3],
    ]);
  });

  it('summarises a plan in one line', () => {
    const line = summarise(plan(busyEnvironment()));
    expect(line).toBe(
      `env-7 @${NOW} limit 6: 6/6 → 6/6 bots; create g1+3(demand); release g2/g2-b01(idle-timeout) g2/g2-b02(idle-timeout) g4/g4-b01(group-deleted); ` +
        'drain g3/old(idle); unserved g1 1(environment-capacity-exhausted) g4 1(group-deleted) g5 3(group-at-max-bots)',
    );
    expect(line).not.toContain('\n');
  });

  it('summarises a quiet plan', () => {
    expect(summarise(plan(anEnvironment().withCapacity(2).build()))).toBe(`env-1 @${NOW} limit 2: 0/2 → 0/2 bots; no change`);
  });

  it('names the group a surplus bot goes to in the summary', () => {
    const p = plan(anEnvironment().withCapacity(1).withGroups(aGroup('g1').withReady(1, 60), aGroup('g2').withQueued(1)).build());
    expect(summarise(p)).toContain('g1/g1-b01(idle-surplus→g2)');
  });

  it('takes malformed counts and instants as nothing rather than failing', () => {
    const input = anEnvironment().withGroups(aGroup('g1').withQueued(2).withReady(1)).build();
    const g = input.groups[0];
    if (g === undefined) throw new Error('fixture');
    const broken: PlannerInput = {
      ...input,
      groups: [{ ...g, maxBots: Number.NaN, queued: { high: -3, normal: 2.7 }, bots: g.bots.map((b) => ({ ...b, since: 'not a date' })) }],
    };
    const p = plan(broken);
    expect(p.decisions.filter((d) => d.kind === 'create')).toEqual([]);
    expect(p.groups[0]).toMatchObject({ maxBots: 0, queued: 2 });
  });
});
