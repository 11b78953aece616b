import { AGENT_PATHS, type FinishRequest, type HeartbeatResponse } from '../shared/agent-protocol.js';
import { executeFlow, realControls } from './flow-executor.js';

export interface BotAgentOptions {
  /** e.g. http://127.0.0.1:7071/api */
  apiBaseUrl: string;
  credential: string;
  log?: (line: string) => void;
  fetch?: typeof fetch;
  /** heartbeat interval until the control plane says otherwise */
  heartbeatMs?: number;
  agentVersion?: string;
}

const FINISH_ATTEMPTS = 8;

/**
 * The reference bot agent: heartbeats, runs the desktop flow its bot was assigned, reports the outcome, and
 * stops a run when the control plane says it was cancelled. The local stack runs one per simulated bot.
 */
export class BotAgent {
  #stopped = false;
  #current: { runId: string; cancelled: boolean } | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly options: BotAgentOptions) {}

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#current) this.#current.cancelled = true;
    this.#wake?.();
    await this.#loop;
  }

  async #call<T>(path: string, body: unknown): Promise<{ status: number; body: T | undefined }> {
    const fetchImpl = this.options.fetch ?? fetch;
    const res = await fetchImpl(`${this.options.apiBaseUrl}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.credential}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as T) : undefined };
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #run(): Promise<void> {
    let interval = this.options.heartbeatMs ?? 1_000;
    while (!this.#stopped) {
      try {
        const { status, body } = await this.#call<HeartbeatResponse>(AGENT_PATHS.heartbeat, { runId: this.#current?.runId, agentVersion: this.options.agentVersion ?? 'reference-1' });
        if (status === 401 || status === 403) {
          this.options.log?.(`agent: credential refused (${status}); stopping`);
          return;
        }
        if (status === 200 && body) {
          interval = body.nextHeartbeatMs;
          if (body.cancelRequested && this.#current) this.#current.cancelled = true;
          if (body.assignedRun?.definition && !this.#current) void this.#execute(body.assignedRun.runId, body.assignedRun.definition);
        }
      } catch (err) {
        this.options.log?.(`agent: heartbeat failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await this.#sleep(interval);
    }
  }

  async #execute(runId: string, definition: Parameters<typeof executeFlow>[0]): Promise<void> {
    const current = { runId, cancelled: false };
    this.#current = current;
    try {
      const result = await executeFlow(definition, realControls(() => current.cancelled));
      if (this.#stopped && result.outcome === 'Cancelled') return; // the bot is going away: its lifecycle recovers the run
      const finish: FinishRequest = { outcome: result.outcome, outputs: result.outputs, durationMs: result.durationMs, ...('error' in result ? { error: result.error } : {}) };
      await this.#report(runId, finish);
    } finally {
      this.#current = undefined;
      this.#wake?.();
    }
  }

  /** Bounded retries: a finish that the control plane refuses (4xx) is final; network errors and 5xx are retried. */
  async #report(runId: string, finish: FinishRequest): Promise<void> {
    for (let attempt = 1; attempt <= FINISH_ATTEMPTS; attempt++) {
      try {
        const { status } = await this.#call(AGENT_PATHS.finish(runId), finish);
        if (status < 500) {
          if (status >= 400) this.options.log?.(`agent: finish of run ${runId} refused (${status})`);
          return;
        }
      } catch (err) {
        this.options.log?.(`agent: finish of run ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5_000)));
    }
  }
}
