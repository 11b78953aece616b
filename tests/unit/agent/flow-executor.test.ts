import { describe, expect, it } from 'vitest';
import { executeFlow, type ExecutionControls } from '../../../agent/flow-executor.js';

function virtualClock(cancelAtMs?: number): ExecutionControls & { elapsed(): number } {
  let now = 0;
  return {
    now: () => now,
    elapsed: () => now,
    cancelled: () => cancelAtMs !== undefined && now >= cancelAtMs,
    sleep: async (ms, isCancelled) => {
      const until = now + ms;
      while (now < until && !isCancelled()) now = Math.min(until, now + 100);
    },
  };
}

describe('the reference agent executes flow definitions', () => {
  it('waits, collects outputs and succeeds', async () => {
    const clock = virtualClock();
    const result = await executeFlow({ steps: [{ wait: { ms: 500 } }, { output: { name: 'invoice', value: '42' } }, { output: { name: 'status', value: 'posted' } }] }, clock);
    expect(result).toEqual({ outcome: 'Succeeded', outputs: { invoice: '42', status: 'posted' }, durationMs: 500 });
  });

  it('stops at a fail step with its message, keeping earlier outputs', async () => {
    const result = await executeFlow({ steps: [{ output: { name: 'a', value: '1' } }, { fail: { message: 'Portal unreachable' } }, { output: { name: 'b', value: '2' } }] }, virtualClock());
    expect(result).toMatchObject({ outcome: 'Failed', outputs: { a: '1' }, error: { code: 'DesktopFlowFailed', message: 'Portal unreachable' } });
  });

  it('stops a long wait soon after a cancel', async () => {
    const clock = virtualClock(1_000);
    const result = await executeFlow({ steps: [{ wait: { ms: 60_000 } }, { output: { name: 'never', value: 'x' } }] }, clock);
    expect(result.outcome).toBe('Cancelled');
    expect(clock.elapsed()).toBeLessThanOrEqual(1_100);
    expect(result.outputs).toEqual({});
  });

  it('succeeds with no steps at all', async () => {
    expect((await executeFlow({ steps: [] }, virtualClock())).outcome).toBe('Succeeded');
  });
});
