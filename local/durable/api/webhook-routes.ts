import { instanceIdProblem } from '../protocol/instance-id.js';
import type http from 'node:http';
import type { HostRouteHandler } from '../../host/http-server.js';
import { TERMINAL_STATUSES, type RuntimeStatus } from '../engine/engine-state.js';
import type { TaskHubClient } from '../runtime/task-hub-client.js';
import { managementPayload, WEBHOOK_PATH } from './client-binding.js';
import { statusPayload } from './status-view.js';

const RUNTIME_STATUSES: ReadonlySet<string> = new Set<RuntimeStatus>([
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Terminated',
  'Suspended',
]);
const DEFAULT_PAGE_SIZE = 100;

interface Request {
  method: string;
  segments: string[];
  query: URLSearchParams;
  body: string;
  origin: string;
  headers: http.IncomingHttpHeaders;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function reply(status: number, body?: unknown, headers?: Record<string, string>): Reply {
  return { status, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) };
}

/** JSON text of a request body, undefined when empty; throws on invalid JSON. */
function jsonBody(body: string): string | undefined {
  if (body.trim() === '') return undefined;
  JSON.parse(body);
  return body;
}

function flag(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  return value === null ? fallback : value.toLowerCase() === 'true';
}

function isoTime(value: string | null): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function statuses(query: URLSearchParams): RuntimeStatus[] {
  return (query.get('runtimeStatus') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is RuntimeStatus => RUNTIME_STATUSES.has(s));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Durable extension's HTTP API subset under `/runtime/webhooks/durabletask/`, with the status codes of
 * the extension's `HttpApiHandler`, so the real `DurableClient` works unchanged.
 */
export class WebhookRoutes {
  constructor(
    private readonly client: TaskHubClient,
    private readonly taskHub: string,
    private readonly log: (line: string) => void,
  ) {}

  handler(): HostRouteHandler {
    return async (req, res, body) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const segments = url.pathname
        .slice(WEBHOOK_PATH.length)
        .split('/')
        .filter((s) => s.length > 0)
        .map((s) => decodeURIComponent(s));
      const request: Request = {
        method: (req.method ?? 'GET').toUpperCase(),
        segments,
        query: url.searchParams,
        body: body.toString('utf8'),
        origin: `http://${req.headers.host ?? 'localhost'}`,
        headers: req.headers,
      };
      let result: Reply;
      try {
        result = await this.#route(request);
      } catch (err) {
        this.log(`durable API ${request.method} ${url.pathname} failed: ${err instanceof Error ? err.message : String(err)}`);
        result = reply(500, { Message: 'Something went wrong while processing your request' });
      }
      const headers: Record<string, string> = { ...result.headers };
      if (result.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(result.status, headers);
      res.end(result.body === undefined ? undefined : JSON.stringify(result.body));
    };
  }

  async #route(r: Request): Promise<Reply> {
    const [controller, first, operation, extra] = r.segments;
    if (controller === 'orchestrators' && first && r.method === 'POST') return this.#start(r, first, operation);
    if (controller === 'instances') {
      if (!first) {
        if (r.method === 'GET') return this.#list(r);
        if (r.method === 'DELETE') return this.#purgeBy(r);
        return reply(404);
      }
      if (!operation) {
        if (r.method === 'GET') return this.#status(r, first);
        if (r.method === 'DELETE') return this.#purge(first);
        return reply(404);
      }
      if (r.method !== 'POST') return reply(404);
      const reason = r.query.get('reason') ?? undefined;
      switch (operation.toLowerCase()) {
        case 'raiseevent':
          return extra ? this.#raiseEvent(r, first, extra) : reply(404);
        case 'terminate':
          return this.#control(await this.client.terminate(first, reason));
        case 'suspend':
          return this.#control(await this.client.suspend(first, reason));
        case 'resume':
          return this.#control(await this.client.resume(first, reason));
        case 'rewind':
          return reply(501, { Message: 'Rewind is not supported by the local Durable host.' });
        default:
          return reply(404);
      }
    }
    if (controller === 'entities' && first) return this.#entity(r, first, operation);
    return reply(404);
  }

  async #start(r: Request, name: string, instanceId: string | undefined): Promise<Reply> {
    let input: string | undefined;
    try {
      input = jsonBody(r.body);
    } catch {
      return reply(400, { Message: 'Invalid JSON content' });
    }
    const invalid = instanceId === undefined ? undefined : instanceIdProblem(instanceId);
    if (invalid) return reply(400, { Message: 'One or more of the arguments submitted is incorrect', ExceptionMessage: invalid });
    const started = await this.client.startNew(name, instanceId, input);
    if (started.outcome === 'unknown-function') {
      return reply(400, { Message: `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.` });
    }
    if (started.outcome === 'exists') {
      // The extension answers 500, not 409: StartNewAsync throws and HttpApiHandler does not map it (OverridableStates.cs).
      return reply(500, { Message: 'An Orchestration instance with the status Running already exists.' });
    }
    const timeoutS = Number(r.query.get('timeout'));
    const pollS = Number(r.query.get('pollingInterval'));
    if (timeoutS > 0 && pollS > 0) {
      const until = Date.now() + timeoutS * 1000;
      while (Date.now() < until) {
        const found = await this.client.get(started.instanceId, false);
        if (found?.record.runtimeStatus === 'Completed') return reply(200, JSON.parse(found.record.output ?? 'null'));
        if (found && TERMINAL_STATUSES.has(found.record.runtimeStatus))
          return reply(200, statusPayload(found.record, undefined, { showInput: true, showHistory: false, showHistoryOutput: false }));
        await sleep(Math.min(pollS * 1000, Math.max(0, until - Date.now())));
      }
    }
    const payload = managementPayload(r.origin, this.taskHub, started.instanceId);
    return reply(202, payload, { location: payload.statusQueryGetUri ?? '', 'retry-after': '10' });
  }

  async #status(r: Request, instanceId: string): Promise<Reply> {
    const options = {
      showInput: flag(r.query, 'showInput', true),
      showHistory: flag(r.query, 'showHistory', false),
      showHistoryOutput: flag(r.query, 'showHistoryOutput', false),
    };
    const found = await this.client.get(instanceId, options.showHistory);
    if (!found) return reply(404);
    const payload = statusPayload(found.record, found.history, options);
    const status = found.record.runtimeStatus;
    if (status === 'Failed' && flag(r.query, 'returnInternalServerErrorOnFailure', false)) return reply(500, payload);
    if (TERMINAL_STATUSES.has(status)) return reply(200, payload);
    return reply(202, payload, { location: `${r.origin}${WEBHOOK_PATH}/instances/${encodeURIComponent(instanceId)}`, 'retry-after': '5' });
  }

  async #list(r: Request): Promise<Reply> {
    const top = Number(r.query.get('top'));
    const continuation = r.headers['x-ms-continuation-token'];
    const token = typeof continuation === 'string' && continuation.length > 0 ? Buffer.from(continuation, 'base64').toString('utf8') : undefined;
    const createdTimeFrom = isoTime(r.query.get('createdTimeFrom'));
    const createdTimeTo = isoTime(r.query.get('createdTimeTo'));
    const prefix = r.query.get('instanceIdPrefix');
    const page = await this.client.list({
      runtimeStatus: statuses(r.query),
      pageSize: Number.isInteger(top) && top > 0 ? top : DEFAULT_PAGE_SIZE,
      ...(createdTimeFrom ? { createdTimeFrom } : {}),
      ...(createdTimeTo ? { createdTimeTo } : {}),
      ...(prefix ? { instanceIdPrefix: prefix } : {}),
      ...(token ? { continuationToken: token } : {}),
    });
    const options = { showInput: flag(r.query, 'showInput', true), showHistory: false, showHistoryOutput: false };
    const headers = page.continuationToken ? { 'x-ms-continuation-token': Buffer.from(page.continuationToken, 'utf8').toString('base64') } : undefined;
    return reply(
      200,
      page.records.map((record) => statusPayload(record, undefined, options)),
      headers,
    );
  }

  async #purge(instanceId: string): Promise<Reply> {
    const outcome = await this.client.purge(instanceId);
    if (outcome === 'not-found') return reply(404);
    if (outcome === 'not-finished') return reply(412, { Message: `Only orchestrations in a terminal state can be purged: '${instanceId}' has not finished.` });
    return reply(200, { instancesDeleted: 1 });
  }

  async #purgeBy(r: Request): Promise<Reply> {
    const createdTimeFrom = isoTime(r.query.get('createdTimeFrom'));
    if (!createdTimeFrom) return reply(400, { Message: "Please provide value for 'createdTimeFrom' parameter." });
    const createdTimeTo = isoTime(r.query.get('createdTimeTo')) ?? new Date().toISOString();
    const deleted = await this.client.purgeBy({ createdTimeFrom, createdTimeTo, runtimeStatus: statuses(r.query) });
    return deleted === 0 ? reply(404) : reply(200, { instancesDeleted: deleted });
  }

  async #raiseEvent(r: Request, instanceId: string, eventName: string): Promise<Reply> {
    let input: string | undefined;
    try {
      input = jsonBody(r.body);
    } catch {
      return reply(400, { Message: 'Invalid JSON content' });
    }
    return this.#control(await this.client.raiseEvent(instanceId, eventName, input));
  }

  #control(outcome: 'accepted' | 'not-found' | 'gone'): Reply {
    return reply(outcome === 'accepted' ? 202 : outcome === 'gone' ? 410 : 404);
  }

  async #entity(r: Request, name: string, rawKey: string | undefined): Promise<Reply> {
    const key = rawKey === '$' ? '' : rawKey;
    if (r.method === 'GET') {
      if (key === undefined) return reply(501, { Message: 'Listing entities is not supported by the local Durable host.' });
      const state = await this.client.readEntityState(name, key);
      return state === undefined ? reply(404) : reply(200, JSON.parse(state));
    }
    if ((r.method === 'POST' || r.method === 'DELETE') && key !== undefined) {
      const operation = r.method === 'DELETE' ? 'delete' : (r.query.get('op') ?? '');
      let input: string | undefined;
      try {
        input = jsonBody(r.body);
      } catch {
        return reply(400, { Message: 'Could not parse JSON content' });
      }
      await this.client.signalEntity(name, key, operation, input);
      return reply(202);
    }
    return reply(404);
  }
}
