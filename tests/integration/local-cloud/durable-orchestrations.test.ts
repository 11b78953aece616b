import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableTestHost, field } from './durable-host.js';

// The real durable-functions library and the real DurableClient, on the local host, against Azurite.
let host: DurableTestHost;

beforeAll(async () => {
  host = await DurableTestHost.start('canaries');
});

afterAll(async () => {
  await host?.close();
});

describe('orchestrations on the local Durable extension', () => {
  it('runs activity → durable timer → external event → continueAsNew to the expected output', async () => {
    const id = await host.startId('CanaryFlow', { name: 'Ada', timerMs: 300 });
    // Raised before the orchestrator waits for it: the library keeps it until it does.
    expect(await host.raise(id, 'Approve', { by: 'alice' })).toBe(202);
    const secondRound = await host.waitFor(id, (s) => JSON.stringify(s.customStatus) === JSON.stringify({ round: 2, stage: 'waiting' }));
    expect(secondRound.runtimeStatus).toBe('Running');
    expect(await host.raise(id, 'Approve', { by: 'bob' })).toBe(202);
    const done = await host.waitForFinish(id);
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output).toEqual({ rounds: 2, log: ['round 1: Hello Ada, approved by alice', 'round 2: Hello Ada, approved by bob'] });
    expect(done.customStatus).toEqual({ round: 2, stage: 'done' });
  });

  it('carries events that were raised but not consumed over to the next execution', async () => {
    const id = await host.startId('CarryOverEvents', []);
    await host.raise(id, 'Item', 'first');
    await host.raise(id, 'Item', 'second');
    const done = await host.waitForFinish(id);
    expect(done.output).toEqual(['first', 'second']);
  });

  it('lets the orchestrator catch an activity failure', async () => {
    const done = await host.waitForFinish(await host.startId('CatchFailure'));
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output).toMatchObject({ caught: true });
    expect(String(field(done.output, 'message'))).toContain("Activity function 'Fail' failed: activity failed on purpose: boom");
  });

  it('retries an activity with back-off until it succeeds, and fails once the attempts are used up', async () => {
    const ok = await host.waitForFinish(await host.startId('RetryFlaky', { key: 'twice', maxAttempts: 3, succeedOnAttempt: 3 }), 10_000, true);
    expect(ok.output).toEqual({ result: 'succeeded on attempt 3' });
    const attempts = (ok.history ?? []).filter((e) => e.FunctionName === 'Flaky').map((e) => e.EventType);
    expect(attempts).toEqual(['TaskFailed', 'TaskFailed', 'TaskCompleted']);
    // Back-off: 100 ms, then 200 ms (coefficient 2) before the attempts after the failures.
    const fired = (ok.history ?? []).filter((e) => e.EventType === 'TimerFired');
    expect(fired).toHaveLength(2);

    const exhausted = await host.waitForFinish(await host.startId('RetryFlaky', { key: 'never', maxAttempts: 2, succeedOnAttempt: 5 }));
    expect(String(field(exhausted.output, 'error'))).toContain('flaky failure 2');
  });

  it('resolves Task.any with the external event when it comes first', async () => {
    const id = await host.startId('RaceEventAndTimer', 60_000);
    await host.waitFor(id, (s) => s.runtimeStatus === 'Running');
    await host.raise(id, 'Go', { fast: true });
    const done = await host.waitForFinish(id);
    expect(done.output).toEqual({ winner: 'event', data: { fast: true } });
  });

  it('resolves Task.any with the durable timer when no event comes', async () => {
    const done = await host.waitForFinish(await host.startId('RaceEventAndTimer', 300));
    expect(done.output).toEqual({ winner: 'timer' });
  });

  it('fans out 10 activities and fans in their results with Task.all', async () => {
    const done = await host.waitForFinish(await host.startId('FanOutFanIn', 10));
    expect(done.output).toEqual({ count: 10, sum: 90 });
  });

  it('runs sub-orchestrations, passing back their output and their failure', async () => {
    const id = await host.startId('ParentOrchestration', { n: 21 });
    const done = await host.waitForFinish(id);
    expect(done.runtimeStatus).toBe('Completed');
    expect(field(done.output, 'fromChild')).toEqual({ doubled: 42, parent: id });
    expect(String(field(done.output, 'failure'))).toContain('child failed on purpose');
    const child = await host.status(`${id}-failing-child`);
    expect(child?.runtimeStatus).toBe('Failed');
  });

  it('retries a failing sub-orchestration, each attempt under a new child instance', async () => {
    const id = await host.startId('RetrySubOrchestration', { key: 'child', maxAttempts: 3, succeedOnAttempt: 2 });
    const done = await host.waitForFinish(id);
    expect(done.runtimeStatus).toBe('Completed');
    expect(field(done.output, 'result')).toBe('succeeded on attempt 2');
    const first = await host.status(`${id}:0000`);
    expect(first?.runtimeStatus).toBe('Failed');
    expect(field(done.output, 'instanceId')).toBe(`${id}:0002`);
  });

  it('fails an orchestrator whose replay does not reproduce its earlier actions', async () => {
    const done = await host.waitForFinish(await host.startId('NonDeterministic'));
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toMatch(/Non-Deterministic workflow detected.*CallActivity 'Hello'.*CallActivity 'Double'/);
  });

  it('calls and signals entities from an orchestration, and from the client', async () => {
    const done = await host.waitForFinish(await host.startId('EntityCounterFlow', 'from-orchestration'));
    expect(done.output).toEqual({ value: 7 });

    expect(await host.fetch('/api/entities/Counter/from-client').then((r) => r.json())).toEqual({ entityExists: false });
    for (const amount of [3, 4]) {
      const signalled = await host.fetch('/api/entities/Counter/from-client/add', { method: 'POST', body: JSON.stringify(amount) });
      expect(signalled.status).toBe(202);
    }
    const until = Date.now() + 10_000;
    let state: unknown;
    while (Date.now() < until) {
      state = await host.fetch('/api/entities/Counter/from-client').then((r) => r.json());
      if (JSON.stringify(state) === JSON.stringify({ entityExists: true, entityState: 7 })) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toEqual({ entityExists: true, entityState: 7 });
  });
});
