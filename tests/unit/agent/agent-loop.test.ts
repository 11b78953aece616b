import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentLoop } from '../../../agent/agent-loop.js';
import { CredentialRevokedError, type AgentApiClient } from '../../../agent/api-client.js';
import type { QueueListener } from '../../../agent/queue-listener.js';
import type { ClaimResponse } from '../../../shared/agent-protocol.js';

/** A fake API that answers claims from a script, then revokes the credential (which ends the loop). */
function aScriptedAgent(claims: ClaimResponse[], messages: number) {
  const calls: string[] = [];
  let left = messages;
  const api = {
    heartbeat: async () => {
      calls.push('heartbeat');
      return { botId: 'b', cancelRequested: false, nextHeartbeatMs: 120_000 };
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
  const loop = new AgentLoop(api, queue, async () => ({ outcome: 'Succeeded', outputs: {}, durationMs: 1, logs: [] }) as never, () => undefined);
  return { loop, calls };
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
});
