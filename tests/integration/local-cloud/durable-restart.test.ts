import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableTestHost } from './durable-host.js';

let host: DurableTestHost;

beforeAll(async () => {
  // Timers beyond 1 s become chains of 400 ms timers (the library's long-timer protocol, which the Azure
  // Storage provider uses beyond 6 days): the restart below then interrupts a chain.
  host = await DurableTestHost.start('restarts', { DURABLE_MAX_SHORT_TIMER_MS: '1000', DURABLE_LONG_TIMER_INTERVAL_MS: '400' });
});

afterAll(async () => {
  await host?.close();
});

describe('the local Durable extension across a host crash', () => {
  it('resumes timers, delivers events and re-runs unfinished activities after a SIGKILL', async () => {
    const timer = await host.startId('WaitForTimer', 2_000);
    const event = await host.startId('WaitForEvent');
    const timerThenEvent = await host.startId('TimerThenEvent', 1_500);
    const slow = await host.startId('WaitForSlowActivity', 1_500);
    for (const id of [timer, event, timerThenEvent, slow]) await host.waitFor(id, (s) => s.runtimeStatus === 'Running');
    // Raised before the crash, while its orchestration still waits for a timer.
    expect(await host.raise(timerThenEvent, 'Resume', 'raised before the crash')).toBe(202);

    await host.stopHost('SIGKILL');
    await host.startHost();
    expect(host.logs.join('\n')).toMatch(/task hub restarts ready \([1-9]\d* instances with messages, 1 activities to resume\)/);

    const timerDone = await host.waitForFinish(timer, 10_000);
    expect(timerDone).toMatchObject({ runtimeStatus: 'Completed', output: 'timer fired' });

    expect((await host.status(event))?.runtimeStatus).toBe('Running');
    expect(await host.raise(event, 'Resume', { after: 'restart' })).toBe(202);
    expect(await host.waitForFinish(event)).toMatchObject({ runtimeStatus: 'Completed', output: { resumed: { after: 'restart' } } });

    expect(await host.waitForFinish(timerThenEvent)).toMatchObject({ runtimeStatus: 'Completed', output: { resumed: 'raised before the crash' } });
    expect(await host.waitForFinish(slow)).toMatchObject({ runtimeStatus: 'Completed', output: 'slept 1500 ms' });
  });

  it('chains timers longer than the maximum timer duration and fires the last at the requested time', async () => {
    const started = Date.now();
    const done = await host.waitForFinish(await host.startId('WaitForTimer', 2_200), 10_000, true);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 'timer fired' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_200);
    const segments = (done.history ?? []).filter((e) => e.EventType === 'TimerFired');
    expect(segments.length).toBeGreaterThanOrEqual(4); // 400 + 400 + 400 (+ …) ms, then the rest
  });

  it('keeps finished instances readable after a restart', async () => {
    const id = await host.startId('FanOutFanIn', 3);
    await host.waitForFinish(id);
    await host.stopHost('SIGTERM');
    await host.startHost();
    expect(await host.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: { count: 3, sum: 6 } });
  });
});
