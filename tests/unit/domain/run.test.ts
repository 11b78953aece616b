import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Membership } from '../../../domain/access-rules.js';
import type { Role } from '../../../domain/roles.js';
import {
  byDispatchKey,
  canReadRun,
  canSubmitRun,
  claimedBy,
  deadlineVerdict,
  dispatchKeyOf,
  ended,
  firstWatchdogWake,
  MAX_OUTPUTS_BYTES,
  movedToTop,
  queuedAtOfDispatchKey,
  queuedRun,
  timedOut,
  withPriority,
  type RunDocument,
  type RunPriority,
} from '../../../domain/run.js';

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const MIN = 60_000;

function aRun(overrides: Partial<RunDocument> = {}, now = at(0)): RunDocument {
  const run = queuedRun(
    {
      id: 'run-1',
      environmentId: 'env',
      groupId: 'group',
      connectionId: 'conn',
      desktopFlow: { id: 'flow', name: 'Flow', version: 3, definitionHash: 'hash-of-v3' },
      inputs: {},
      priority: 'Normal',
      timeoutMinutes: 60,
      submittedBy: 'alice',
    },
    now,
  );
  const merged = { ...run, ...overrides };
  return { ...merged, dispatchKey: dispatchKeyOf(merged) };
}

describe('a queued run', () => {
  it('references the flow version it was submitted with and carries no copy of its definition', () => {
    const run = aRun();
    expect(run).toMatchObject({ desktopFlowId: 'flow', desktopFlowName: 'Flow', desktopFlowVersion: 3, definitionHash: 'hash-of-v3' });
    expect(run).not.toHaveProperty('definition');
  });
});

describe('dispatch order: one sortable key', () => {
  interface Spec {
    id: string;
    priority: RunPriority;
    queuedMs: number;
    movedMs: number | undefined;
  }
  const spec = fc.record({
    id: fc.uuid(),
    priority: fc.constantFrom<RunPriority>('High', 'Normal'),
    queuedMs: fc.integer({ min: 0, max: 10 * 24 * 60 * MIN }),
    movedMs: fc.option(fc.integer({ min: 0, max: 20 * 24 * 60 * MIN }), { nil: undefined }),
  });

  /** The rule in words: moved runs first (the latest move first), then High before Normal, then first queued first. */
  function expected(a: Spec, b: Spec): number {
    if (a.movedMs !== undefined || b.movedMs !== undefined) {
      if (a.movedMs === undefined) return 1;
      if (b.movedMs === undefined) return -1;
      if (a.movedMs !== b.movedMs) return b.movedMs - a.movedMs;
      return a.id < b.id ? -1 : 1;
    }
    if (a.priority !== b.priority) return a.priority === 'High' ? -1 : 1;
    if (a.queuedMs !== b.queuedMs) return a.queuedMs - b.queuedMs;
    return a.id < b.id ? -1 : 1;
  }

  it('sorts like the rule, for any mix of priorities, times and moves', () => {
    fc.assert(
      fc.property(fc.uniqueArray(spec, { selector: (s) => s.id, minLength: 1, maxLength: 30 }), (specs) => {
        const runs = specs.map((s) =>
          aRun({
            id: s.id,
            priority: s.priority,
            queuedAt: at(s.queuedMs).toISOString(),
            ...(s.movedMs === undefined ? {} : { movedToTopAt: at(s.movedMs).toISOString() }),
          }),
        );
        const byKey = [...runs].sort(byDispatchKey).map((r) => r.id);
        const byRule = [...specs].sort(expected).map((s) => s.id);
        expect(byKey).toEqual(byRule);
      }),
    );
  });

  it('puts running runs before every queued one (the queue view lists them first), in the order they started', () => {
    const queued = withPriority(aRun({ id: 'q' }), 'High', at(1));
    const top = movedToTop(aRun({ id: 't' }), at(5));
    const late = claimedBy(aRun({ id: 'r2' }), 'bot-2', at(9));
    const early = claimedBy(aRun({ id: 'r1' }), 'bot-1', at(3));
    expect([queued, top, late, early].sort(byDispatchKey).map((r) => r.id)).toEqual(['r1', 'r2', 't', 'q']);
  });

  it('changes the key, not the queue, when the priority changes or the run moves to the top', () => {
    const run = aRun();
    expect(withPriority(run, 'High', at(1)).dispatchKey < run.dispatchKey).toBe(true);
    expect(movedToTop(run, at(1)).dispatchKey < withPriority(run, 'High', at(1)).dispatchKey).toBe(true);
  });

  it('gives back a queued run’s queue time from its key, of either priority; a moved or running run’s key holds none', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const run = aRun({ id: s.id, priority: s.priority, queuedAt: at(s.queuedMs).toISOString() });
        expect(queuedAtOfDispatchKey(run.dispatchKey)).toBe(run.queuedAt);
      }),
    );
    expect(queuedAtOfDispatchKey(movedToTop(aRun(), at(5)).dispatchKey)).toBeUndefined();
    expect(queuedAtOfDispatchKey(claimedBy(aRun(), 'bot-1', at(3)).dispatchKey)).toBeUndefined();
  });
});

describe('claim and finish transitions', () => {
  it('claims: Running on the bot, one more attempt, cancel flag cleared', () => {
    const run = claimedBy(aRun({ attempt: 1 }), 'bot-7', at(MIN));
    expect(run).toMatchObject({ state: 'Running', botId: 'bot-7', attempt: 2, startedAt: at(MIN).toISOString(), cancelRequested: false });
  });

  it('ends with outputs, or fails with OutputsTooLarge above 64 KiB (keeping none)', () => {
    const running = claimedBy(aRun(), 'bot', at(0));
    expect(ended(running, 'Succeeded', { outputs: { a: '1' } }, at(MIN))).toMatchObject({
      state: 'Succeeded',
      outputs: { a: '1' },
      endedAt: at(MIN).toISOString(),
    });
    expect(ended(running, 'Succeeded', {}, at(MIN))).not.toHaveProperty('error');
    const big = ended(running, 'Succeeded', { outputs: { a: 'x'.repeat(MAX_OUTPUTS_BYTES) } }, at(MIN));
    expect(big.state).toBe('Failed');
    expect(big.error?.code).toBe('OutputsTooLarge');
    expect(big).not.toHaveProperty('outputs');
    expect(ended(running, 'Failed', {}, at(MIN)).error?.code).toBe('DesktopFlowFailed');
  });

  it('times a running run out and tells its bot to stop', () => {
    const run = timedOut(claimedBy(aRun(), 'bot', at(0)), { code: 'RunTimeout', message: 'late' }, at(61 * MIN));
    expect(run).toMatchObject({ state: 'TimedOut', cancelRequested: true, error: { code: 'RunTimeout' } });
    expect(timedOut(aRun(), { code: 'NoCandidateMachine', message: 'nobody' }, at(MIN)).cancelRequested).toBe(false);
  });
});

describe('deadlines', () => {
  const Q = 360; // QUEUED_RUN_TIMEOUT_MINUTES default

  it('first wakes at the queued deadline or the run timeout, whichever comes first', () => {
    expect(firstWatchdogWake(at(0).toISOString(), 1440, Q)).toBe(at(Q * MIN).toISOString());
    expect(firstWatchdogWake(at(0).toISOString(), 30, Q)).toBe(at(30 * MIN).toISOString());
  });

  it.each([
    ['queued, before its deadline', { state: 'Queued' as const }, 10 * MIN, { kind: 'wakeAt', at: at(70 * MIN).toISOString() }],
    ['queued, close to its deadline', { state: 'Queued' as const }, 350 * MIN, { kind: 'wakeAt', at: at(Q * MIN).toISOString() }],
    ['queued too long', { state: 'Queued' as const }, Q * MIN, { kind: 'timeOut', error: { code: 'NoCandidateMachine' } }],
    [
      'running, before its timeout',
      { state: 'Running' as const, startedAt: at(5 * MIN).toISOString() },
      30 * MIN,
      { kind: 'wakeAt', at: at(65 * MIN).toISOString() },
    ],
    ['running too long', { state: 'Running' as const, startedAt: at(5 * MIN).toISOString() }, 65 * MIN, { kind: 'timeOut', error: { code: 'RunTimeout' } }],
    ['ended', { state: 'Succeeded' as const }, 999 * MIN, { kind: 'ended' }],
  ])('%s', (_, overrides, nowMs, verdict) => {
    expect(deadlineVerdict(aRun(overrides), at(nowMs), Q)).toMatchObject(verdict);
  });

  it('never oversleeps a running deadline, whenever the run starts, without being told it started', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1440 }),
        fc.integer({ min: 1, max: 720 }),
        fc.integer({ min: 0, max: 720 * MIN }),
        (timeoutMinutes, queuedTimeoutMinutes, startMs) => {
          const startsAt = startMs < queuedTimeoutMinutes * MIN ? startMs : undefined;
          let now = Date.parse(firstWatchdogWake(at(0).toISOString(), timeoutMinutes, queuedTimeoutMinutes)) - T0;
          for (let wake = 0; wake < 2000; wake++) {
            const run = aRun(
              startsAt !== undefined && now >= startsAt ? { state: 'Running', startedAt: at(startsAt).toISOString(), timeoutMinutes } : { timeoutMinutes },
            );
            const verdict = deadlineVerdict(run, at(now), queuedTimeoutMinutes);
            if (verdict.kind === 'timeOut') {
              const deadline = startsAt !== undefined && run.state === 'Running' ? startsAt + timeoutMinutes * MIN : queuedTimeoutMinutes * MIN;
              expect(now).toBe(deadline);
              return;
            }
            if (verdict.kind !== 'wakeAt') throw new Error('a queued or running run has a next wake-up');
            const next = Date.parse(verdict.at) - T0;
            expect(next).toBeGreaterThan(now);
            now = next;
          }
          throw new Error('the watchdog never decided');
        },
      ),
    );
  });
});

describe('who may submit and read runs', () => {
  const member = (roles: Role[], userId = 'u', active = true): Membership => ({ userId, roles, active });
  const own = { ownerId: 'u' };
  const others = { ownerId: 'someone' };

  it.each<[Role[], boolean, boolean]>([
    [['SystemAdministrator'], true, true],
    [['EnvironmentMaker'], true, false],
    [['DesktopFlowsMachineOwner'], true, false],
    [['BasicUser'], true, false],
    [['DesktopFlowsMachineImageAdmin'], false, false],
  ])('%j: through an own connection %s, through another one %s', (roles, viaOwn, viaOthers) => {
    expect(canSubmitRun(member(roles), own)).toBe(viaOwn);
    expect(canSubmitRun(member(roles), others)).toBe(viaOthers);
  });

  it('refuses deactivated members', () => {
    expect(canSubmitRun(member(['SystemAdministrator'], 'u', false), own)).toBe(false);
    expect(canReadRun(member(['SystemAdministrator'], 'u', false), { submittedBy: 'u' }, undefined)).toBe(false);
  });

  it('lets the submitter, group managers, SystemAdministrators and group users read a run', () => {
    const group = { ownerId: 'owner', shares: [{ userId: 'user', permission: 'User' as const }] };
    expect(canReadRun(member(['BasicUser'], 'alice'), { submittedBy: 'alice' }, group)).toBe(true);
    expect(canReadRun(member(['BasicUser'], 'user'), { submittedBy: 'alice' }, group)).toBe(true);
    expect(canReadRun(member(['EnvironmentMaker'], 'owner'), { submittedBy: 'alice' }, group)).toBe(true);
    expect(canReadRun(member(['SystemAdministrator'], 'admin'), { submittedBy: 'alice' }, undefined)).toBe(true);
    expect(canReadRun(member(['BasicUser'], 'stranger'), { submittedBy: 'alice' }, group)).toBe(false);
    // the group is gone: only the submitter and SystemAdministrators
    expect(canReadRun(member(['BasicUser'], 'user'), { submittedBy: 'alice' }, undefined)).toBe(false);
  });
});
