import path from 'node:path';
import { freePort, startAzurite, type AzuriteInstance } from '../../../local/stack/azurite.js';
import { HostProcess } from '../../../local/stack/host-process.js';

const APP_DIR = path.resolve(import.meta.dirname, '../../fixtures/durable-app');
const FINISHED = new Set(['Completed', 'Failed', 'Terminated']);

/** A status as the real DurableClient returns it through the fixture's status route. */
export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history?: Array<Record<string, unknown>>;
}

function isStatus(value: unknown): value is InstanceStatus {
  return typeof value === 'object' && value !== null && 'runtimeStatus' in value && typeof value.runtimeStatus === 'string';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The fixture function app on the local host (a child process), against its own Azurite, driven over
 * HTTP through the app's durable-client routes: nothing in between is mocked.
 */
export class DurableTestHost {
  readonly logs: string[] = [];
  #host: HostProcess | undefined;

  private constructor(
    readonly azurite: AzuriteInstance,
    readonly port: number,
    readonly taskHub: string,
    private readonly settings: Record<string, string>,
  ) {}

  /** Azurite, then the host; `settings` are extra app settings for the host. */
  static async start(taskHub: string, settings: Record<string, string> = {}): Promise<DurableTestHost> {
    const azurite = await startAzurite();
    const host = new DurableTestHost(azurite, await freePort(), taskHub, settings);
    await host.startHost();
    return host;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async startHost(): Promise<void> {
    this.#host = new HostProcess({
      appDir: APP_DIR,
      env: {
        PORT: String(this.port),
        AzureWebJobsStorage: this.azurite.connectionString,
        DURABLE_TASK_HUB: this.taskHub,
        WEBSITE_HOSTNAME: `127.0.0.1:${this.port}`,
        ...this.settings,
      },
      log: (line) => this.logs.push(line),
      startTimeoutMs: 30_000,
    });
    await this.#host.start();
  }

  /** SIGKILL simulates a crash: nothing is flushed, in-flight work is lost mid-way. */
  async stopHost(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.#host?.stop(signal);
    this.#host = undefined;
  }

  async close(): Promise<void> {
    await this.stopHost();
    await this.azurite.stop();
  }

  /** Starts an orchestration through the fixture's starter; answers the check-status payload. */
  async start(name: string, input?: unknown, instanceId?: string): Promise<{ status: number; body: Record<string, string> }> {
    const res = await fetch(`${this.baseUrl}/api/orchestrators/${name}${instanceId ? `/${instanceId}` : ''}`, {
      method: 'POST',
      ...(input === undefined ? {} : { body: JSON.stringify(input) }),
    });
    const body: unknown = await res.json().catch(() => ({}));
    const record: Record<string, string> = {};
    if (typeof body === 'object' && body !== null) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') record[k] = v;
    return { status: res.status, body: record };
  }

  async startId(name: string, input?: unknown, instanceId?: string): Promise<string> {
    const started = await this.start(name, input, instanceId);
    if (started.status !== 202 || !started.body.id) throw new Error(`starting ${name} answered ${started.status}`);
    return started.body.id;
  }

  async status(instanceId: string, history = false): Promise<InstanceStatus | undefined> {
    const res = await fetch(`${this.baseUrl}/api/status/${encodeURIComponent(instanceId)}${history ? '?history=true' : ''}`);
    if (res.status === 404) return undefined;
    const body: unknown = await res.json();
    if (!isStatus(body)) throw new Error(`status route answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  }

  /** Polls the status every 100 ms until `done` holds or `timeoutMs` passes. */
  async waitFor(instanceId: string, done: (s: InstanceStatus) => boolean, timeoutMs = 10_000, history = false): Promise<InstanceStatus> {
    const until = Date.now() + timeoutMs;
    let last: InstanceStatus | undefined;
    while (Date.now() < until) {
      last = await this.status(instanceId, history);
      if (last && done(last)) return last;
      await sleep(100);
    }
    throw new Error(
      `instance ${instanceId} did not get there within ${timeoutMs} ms; last status: ${JSON.stringify(last)}\n${this.logs.slice(-20).join('\n')}`,
    );
  }

  waitForFinish(instanceId: string, timeoutMs = 10_000, history = false): Promise<InstanceStatus> {
    return this.waitFor(instanceId, (s) => FINISHED.has(s.runtimeStatus), timeoutMs, history);
  }

  async raise(instanceId: string, eventName: string, data: unknown): Promise<number> {
    const res = await fetch(`${this.baseUrl}/api/instances/${encodeURIComponent(instanceId)}/events/${eventName}`, {
      method: 'POST',
      body: JSON.stringify(data),
    });
    return res.status;
  }

  /**
   * Start → Completed in ms: started through the app's starter (the real DurableClient), then the
   * extension's status endpoint polled every 2 ms so that polling adds little to the measurement.
   */
  async timeToCompletion(name: string, input?: unknown): Promise<number> {
    const t0 = performance.now();
    const id = await this.startId(name, input);
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const res = await fetch(`${this.baseUrl}/runtime/webhooks/durabletask/instances/${id}`);
      const body: unknown = await res.json();
      if (isStatus(body) && FINISHED.has(body.runtimeStatus)) {
        if (body.runtimeStatus !== 'Completed') throw new Error(`${name} ended ${body.runtimeStatus}`);
        return performance.now() - t0;
      }
      await sleep(2);
    }
    throw new Error(`${name} did not complete`);
  }

  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response> {
    return fetch(`${this.baseUrl}${pathAndQuery}`, init);
  }
}

/** A property of a JSON object value (undefined for anything else). */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Object.entries(value).find(([k]) => k === key)?.[1] : undefined;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
