import type { LocalCloud } from '../local/stack/local-cloud.js';
import type { ClaimResponse, HeartbeatResponse } from '../protocol/agent-protocol.js';
import type { BotIdentity } from '../app/bots/bot-credentials.js';
import type { AppClients } from '../composition/root/clients.js';

/**
 * A bot's agent as the benches play it: the agent HTTP API (`/api/agent/...`) with the bot's own credential, issued
 * by the control plane's signing key as provisioning issues it. The wake-up on the group queue is received and
 * completed by the caller (the agent is a competing consumer of its group queue: docs/agent.md).
 */
export class BenchAgent {
  private constructor(
    private readonly baseUrl: string,
    readonly identity: BotIdentity,
    private readonly token: string,
  ) {}

  static async of(cloud: LocalCloud, deps: AppClients, identity: BotIdentity): Promise<BenchAgent> {
    return new BenchAgent(cloud.baseUrl, identity, await deps.botCredentials.issue(identity, deps.now()));
  }

  private async post<T>(route: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/agent/${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`agent ${route}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  claim(): Promise<ClaimResponse> {
    return this.post('claim', {});
  }

  /** with `cancelWaitMs`, held by the control plane as a busy agent's heartbeat is (agent/agent-loop.ts) */
  heartbeat(runId?: string, cancelWaitMs?: number): Promise<HeartbeatResponse> {
    return this.post('heartbeat', { ...(runId === undefined ? {} : { runId }), ...(cancelWaitMs === undefined ? {} : { cancelWaitMs }) });
  }

  finish(runId: string): Promise<{ runId: string; state: string; changed: boolean }> {
    return this.post(`runs/${runId}/finish`, { outcome: 'Succeeded', outputs: { x: '1' }, durationMs: 60_000 });
  }
}
