import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentLoop, BUSY_CANCEL_WAIT_MS, BUSY_FIRST_HEARTBEAT_MS, type RunExecutor } from '../../../agent/agent-loop.js';
import { CredentialRevokedError, type AgentApiClient } from '../../../agent/api-client.js';
import type { QueueListener } from '../../../agent/queue-listener.js';
import type { ClaimResponse, FinishRequest, HeartbeatRequest } from '../../../protocol/agent-protocol.js';

/** A fake API that answers claims from a script, then revokes the credential (which ends the loop). */
function aScriptedAgent(
  claims: ClaimResponse[],
  messages: number,
  execute: RunExecutor = async () => ({ outcome: 'Succeeded', outputs: {}, durationMs: 1, logs: [] }),
) {
  const calls: string[] = [];
  const heartbeats: HeartbeatRequest[] = [];
  const finished: FinishRequest[] = [];
  let left = messages;
  const api = {
    heartbeat: async (request: HeartbeatRequest) => {
      calls.push('heartbeat');
      heartbeats.push(request);
      // a busy heartbeat is answered as a held one would be once its run was cancelled
      return { botId: 'b', cancelRequested: request.runId !== undefined, nextHeartbeatMs: 120_000 };
    },
    finish: async (_runId: string, request: FinishRequest) => {
      calls.push('finish');
      finished.push(request);
      return 'done';
    },
    claim: async () => {
      calls.push('claim');
      const next = claims.shift();
      if (!next) throw new CredentialRevokedError();
      return next;
    },
  } as unknown as AgentApiClient;
  const queue = {
    next: async () => {
      calls.push('receive');
      if (left === 0) throw new CredentialRevokedError();
      left--;
      return { messageId: `m${left}` };
    },
    complete: async () => void calls.push('complete'),
    abandon: async () => void calls.push('abandon'),
    close: async () => undefined,
  } as unknown as QueueListener;
  const loop = new AgentLoop(api, queue, execute, () => undefined);
  return { loop, calls, heartbeats, finished };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the agent loop', () => {
  it('completes a wake-up whose claim answers none', async () => {
    const { loop, calls } = aScriptedAgent([{ none: 'NothingQueued' }, { none: 'DispatchPaused' }], 1);
    await loop.run();
    expect(calls).toEqual(['heartbeat', 'claim', 'receive', 'claim', 'complete', 'receive']);
  });

  it('gives a wake-up back to the group when its bot is leaving, and receives no more', async () => {
    const { loop, calls } = aScriptedAgent([{ none: 'NothingQueued' }, { none: 'ReleaseRequested' }], 3);
    vi.useFakeTimers();
    const running = loop.run();
    await vi.advanceTimersByTimeAsync(100);
    loop.stop();
    await vi.advanceTimersByTimeAsync(10_000); // the leaving agent's heartbeat-only wait
    await running;
    expect(calls).toEqual(['heartbeat', 'claim', 'receive', 'claim', 'abandon']);
  });

  const assigned: ClaimResponse = {
    assignedRun: { runId: 'r1', definition: { steps: [] }, inputs: {}, timeoutMinutes: 5, account: { username: 'u', password: 'p' } },
    resumed: false,
  };

  it('waits on its queue again as soon as its run is finished, without an idle heartbeat', async () => {
    const { loop, calls } = aScriptedAgent([assigned], 1);
    vi.useFakeTimers();
    let done = false;
    const running = loop.run().then(() => {
      done = true;
    });
    // before, the busy heartbeat's 5 s sleep held the agent after each run: here no timer has to fire at all
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['heartbeat', 'claim', 'finish', 'receive', 'claim', 'abandon']);
    expect(done).toBe(true);
    await running;
  });

  it('cancels its run when a held busy heartbeat answers cancelRequested', async () => {
    const untilCancelled: RunExecutor = async (_run, cancelled) => {
      while (!cancelled()) await new Promise((r) => setTimeout(r, 10));
      return { outcome: 'Cancelled', outputs: {}, durationMs: 1, logs: [] };
    };
    const { loop, heartbeats, finished } = aScriptedAgent([assigned], 0, untilCancelled);
    vi.useFakeTimers();
    const running = loop.run();
    await vi.advanceTimersByTimeAsync(BUSY_FIRST_HEARTBEAT_MS + 50);
    expect(heartbeats.at(-1)).toMatchObject({ runId: 'r1', cancelWaitMs: BUSY_CANCEL_WAIT_MS });
    expect(finished).toMatchObject([{ outcome: 'Cancelled' }]);
    await running;
  });
});
