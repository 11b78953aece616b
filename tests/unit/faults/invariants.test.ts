import { describe, expect, it } from 'vitest';
import { queuedRun, type RunDocument } from '../../../domain/run.js';
import { conservation, everyAcceptedRunEnded, noRunOnTwoBots, withinLimits } from '../../faults/invariants.js';

/** The fault suite's checkers must be able to fail: each is fed a history that breaks its invariant, and one that keeps it. */

function aRun(id: string, overrides: Partial<RunDocument> = {}): RunDocument {
  const run = queuedRun(
    {
      id,
      environmentId: 'env',
      groupId: 'g',
      connectionId: 'c',
      desktopFlow: { id: 'f', name: 'Flow', version: 1, definitionHash: 'h' },
      inputs: {},
      priority: 'Normal',
      timeoutMinutes: 60,
      submittedBy: 'alice',
    },
    new Date('2026-03-01T08:00:00Z'),
  );
  return { ...run, ...overrides };
}

const claimed = (runId: string, botId: string) => `run.claimed runId=${runId} groupId=g environmentId=env botId=${botId} attempt=1`;
const finished = (runId: string, botId: string) => `run.finished runId=${runId} groupId=g environmentId=env botId=${botId} changed=true`;
const requeued = (runId: string, botId: string) => `run.requeued runId=${runId} groupId=g environmentId=env botId=${botId} reason=BotLost`;
/** the line `functions/timers.ts` writes for the orphan sweep's botLost action */
const sweptLost = (botId: string, runId?: string) =>
  `maintenance.botLost environmentId=env reason=VmMissing groupId=g botId=${botId}${runId ? ` runId=${runId}` : ''}`;

describe('fault invariants: no run on two bots at once', () => {
  const handedOver = aRun('r1', { state: 'Succeeded', botId: 'B', attempt: 2 });

  it('holds when the first bot lost the run (lifecycle requeue, or the orphan sweep naming the run) before the second claimed it', () => {
    expect(noRunOnTwoBots([claimed('r1', 'A'), requeued('r1', 'A'), claimed('r1', 'B'), finished('r1', 'B')], [handedOver]).violations).toEqual([]);
    expect(noRunOnTwoBots([claimed('r1', 'A'), sweptLost('A', 'r1'), claimed('r1', 'B'), finished('r1', 'B')], [handedOver]).violations).toEqual([]);
  });

  it('fails when a second bot holds the run and the first never lost it', () => {
    expect(noRunOnTwoBots([claimed('r1', 'A'), claimed('r1', 'B'), finished('r1', 'B')], [handedOver]).violations).toHaveLength(1);
  });

  it('does not let a bot declared lost without this run excuse it', () => {
    const logs = [claimed('r1', 'A'), sweptLost('A'), sweptLost('A', 'r2'), claimed('r1', 'B'), finished('r1', 'B')];
    expect(noRunOnTwoBots(logs, [handedOver]).violations).toEqual([expect.stringMatching(/claimed by A and later held by B/)]);
  });

  it('fails when two bots finished the run, when a bot gets a run back, and when attempt undercounts', () => {
    const twice = noRunOnTwoBots([claimed('r1', 'A'), requeued('r1', 'A'), claimed('r1', 'B'), finished('r1', 'A'), finished('r1', 'B')], [handedOver]);
    expect(twice.violations).toEqual([expect.stringMatching(/finished by A and B/)]);
    const back = noRunOnTwoBots(
      [claimed('r1', 'A'), requeued('r1', 'A'), claimed('r1', 'B'), requeued('r1', 'B'), claimed('r1', 'A')],
      [aRun('r1', { state: 'Running', botId: 'A', attempt: 3 })],
    );
    expect(back.violations).toEqual([expect.stringMatching(/went back to a bot it had left/)]);
    const undercounted = noRunOnTwoBots(
      [claimed('r1', 'A'), requeued('r1', 'A'), claimed('r1', 'B')],
      [aRun('r1', { state: 'Running', botId: 'B', attempt: 1 })],
    );
    expect(undercounted.violations).toEqual([expect.stringMatching(/attempt 1 but 2 bots/)]);
  });
});

describe('fault invariants: runs accounted for and bots within limits', () => {
  it('every accepted run ended: a missing or still running run is a violation', () => {
    const runs = [aRun('r1', { state: 'Succeeded' }), aRun('r2', { state: 'Running' })];
    expect(everyAcceptedRunEnded(['r1', 'r2', 'r3'], runs).violations).toEqual([
      expect.stringMatching(/r2 is still Running/),
      expect.stringMatching(/r3 was accepted/),
    ]);
    expect(everyAcceptedRunEnded(['r1'], [aRun('r1', { state: 'TimedOut' })]).violations).toEqual([]);
  });

  it('submitted = ended + in flight at every sample', () => {
    const sample = { at: 0, accepted: 3, ended: 1, inFlight: 2, missing: 0, slots: new Map<string, number>() };
    expect(conservation([sample]).violations).toEqual([]);
    expect(conservation([{ ...sample, inFlight: 1, missing: 1 }]).violations).toHaveLength(1);
  });

  it('no group above maxBots, no environment above its capacity', () => {
    const limits = {
      capacity: 3,
      maxBots: new Map([
        ['g', 2],
        ['h', 2],
      ]),
    };
    const ok = {
      at: 0,
      accepted: 0,
      ended: 0,
      inFlight: 0,
      missing: 0,
      slots: new Map([
        ['g', 2],
        ['h', 1],
      ]),
    };
    expect(withinLimits([ok], limits).violations).toEqual([]);
    expect(withinLimits([{ ...ok, slots: new Map([['g', 3]]) }], limits).violations).toEqual([expect.stringMatching(/maxBots 2/)]);
    expect(
      withinLimits(
        [
          {
            ...ok,
            slots: new Map([
              ['g', 2],
              ['h', 2],
            ]),
          },
        ],
        limits,
      ).violations,
    ).toEqual([expect.stringMatching(/capacity 3/)]);
  });
});
