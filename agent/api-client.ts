import {
  AGENT_PATHS,
  type ClaimResponse,
  type FinishRequest,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type QueueCredentialResponse,
} from '../protocol/agent-protocol.js';

/** The control plane refused the bot's credential (401): the bot was torn down or reprovisioned; the agent stops. */
export class CredentialRevokedError extends Error {
  constructor() {
    super('The control plane refused the bot credential.');
    this.name = 'CredentialRevokedError';
  }
}

export class AgentApiError extends Error {
  constructor(
    readonly status: number,
    path: string,
  ) {
    super(`POST ${path} answered ${status}`);
    this.name = 'AgentApiError';
  }
}

/** The agent surface (`/api/agent/...`) over HTTP, with the bot credential as bearer. Never logs bodies (a claim carries the account). */
export class AgentApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credential: string,
  ) {}

  async #post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(30_000);
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.credential}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await res.text();
    if (res.status === 401) throw new CredentialRevokedError();
    if (res.status !== 200) throw new AgentApiError(res.status, path);
    return JSON.parse(text) as T;
  }

  /** `signal`: a held busy heartbeat is given up when its run ends. */
  heartbeat(request: HeartbeatRequest, signal?: AbortSignal): Promise<HeartbeatResponse> {
    return this.#post(AGENT_PATHS.heartbeat, request, signal);
  }

  queueCredential(): Promise<QueueCredentialResponse> {
    return this.#post(AGENT_PATHS.queueCredential, {});
  }

  claim(): Promise<ClaimResponse> {
    return this.#post(AGENT_PATHS.claim, {});
  }

  /** 4xx other than 401 is final (the run ended without this agent, or is another bot's); the caller retries the rest. */
  async finish(runId: string, request: FinishRequest): Promise<'done' | 'refused'> {
    try {
      await this.#post(AGENT_PATHS.finish(runId), request);
      return 'done';
    } catch (err) {
      if (err instanceof AgentApiError && err.status < 500) return 'refused';
      throw err;
    }
  }
}
