import { describe, expect, it } from 'vitest';
import type { BotDocument } from '../../../domain/bot.js';
import { runPlanningRound } from '../../../app/bots/planning-round.js';
import { clientFor } from '../../support/api-client.js';
import { createEnvironment } from '../../support/fixtures.js';
import { aBotRecord, aGroupWithoutController, HOUR, MINUTE, sweepServices, TestClock } from '../../support/maintenance-fixtures.js';

// Cold groups: the controller's planning round (run in this process, against the shared cloud's Cosmos) with a
// clock the test moves. GROUP_IDLE_TEARDOWN_HOURS is 3 (the default). The orphan sweep keeps controllers of
// environments with live bots running, so this round happens even when no run wakes the controller. The
// environment's real controller is stopped (aGroupWithoutController): the rounds here are the only ones.

const noQueue = async () => undefined;

describe('cold groups', () => {
  it('a group with no run for GROUP_IDLE_TEARDOWN_HOURS keeps no bots, committed ones included', async () => {
    const admin = await clientFor({ userId: 'cold-groups-admin', platformAdmin: true });
    const env = await createEnvironment(admin, { capacity: 3 });
    const group = await aGroupWithoutController(admin, env.id, { maxBots: 3, committedBots: 1 });
    const clock = new TestClock();
    const deps = sweepServices([env.id], clock);
    const committed = await aBotRecord(deps, env.id, group.id, 'Ready');
    await aBotRecord(deps, env.id, group.id, 'Ready'); // uncommitted: released at its idle timeout

    clock.advance(3 * HOUR - 10 * MINUTE);
    const warm = await runPlanningRound(deps, env.id, noQueue);
    // within the idle window only the uncommitted bot (idle past BOT_IDLE_TIMEOUT_SECONDS) goes
    expect(warm.plan?.decisions.map((d) => [d.kind, d.reason])).toEqual([['release', 'idle-timeout']]);
    expect(warm.plan?.groups[0]).toMatchObject({ condition: 'active', target: 1 });

    clock.advance(20 * MINUTE);
    const cold = await runPlanningRound(deps, env.id, noQueue);
    expect(cold.plan?.groups[0]).toMatchObject({ condition: 'cold', target: 0, after: 0 });
    const released = cold.plan?.decisions.filter((d) => d.kind === 'release').map((d) => (d.kind === 'release' ? d.botId : ''));
    expect(released).toContain(committed.id);
    expect(cold.signals.filter((s) => s.event === 'Release').map((s) => s.botId)).toContain(committed.id);
    const record = await deps.botStore.get<BotDocument>(env.id, committed.id);
    expect(record?.releaseRequested).toBeDefined();
  });

  it('measures idleness from the end of the last run: a bot that went idle recently keeps the group warm', async () => {
    const admin = await clientFor({ userId: 'cold-groups-admin', platformAdmin: true });
    const env = await createEnvironment(admin, { capacity: 2 });
    const group = await aGroupWithoutController(admin, env.id, { maxBots: 2, committedBots: 1 });
    const clock = new TestClock();
    const deps = sweepServices([env.id], clock);
    // its last run started 2.5 h ago (lastRunStartedAt is refreshed at most hourly) and ended an hour ago
    const wentIdle = new Date(clock.now().getTime() + 2 * HOUR).toISOString();
    const bot = await aBotRecord(deps, env.id, group.id, 'Ready', { since: wentIdle });
    clock.advance(3 * HOUR + 10 * MINUTE);
    const round = await runPlanningRound(deps, env.id, noQueue);
    expect(round.plan?.groups[0]).toMatchObject({ condition: 'active', after: 1 });
    expect(round.plan?.decisions).toEqual([]);
    clock.advance(2 * HOUR);
    const later = await runPlanningRound(deps, env.id, noQueue);
    expect(later.plan?.decisions.map((d) => (d.kind === 'release' ? [d.botId, d.reason] : []))).toEqual([[bot.id, 'group-cold']]);
  });
});
