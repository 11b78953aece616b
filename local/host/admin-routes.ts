import v8 from 'node:v8';
import vm from 'node:vm';
import type { HostRouteHandler } from './http-server.js';
import type { FunctionInvoker } from './function-invoker.js';
import type { FunctionRegistry } from './function-registry.js';
import { timerTriggerPayload } from './timer-scheduler.js';

const PREFIX = '/admin/functions/';
const DURABLE_TRIGGERS = new Set(['orchestrationtrigger', 'activitytrigger', 'entitytrigger']);

/**
 * `POST /admin/functions/{name}` with `{"input": "..."}` runs any non-HTTP function once, as the
 * Functions host's admin API does (answers 202; with `?wait=true`, 200 or 500 once it has run). `GET /admin/functions` lists what is registered.
 */
export function adminRoutes(registry: FunctionRegistry, invoker: FunctionInvoker, log: (line: string) => void): HostRouteHandler {
  return async (req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (req.method === 'GET' && (path === '/admin/functions' || path === PREFIX)) {
      const list = registry.all().map((f) => ({ name: f.name, trigger: f.trigger.type }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(list));
      return;
    }
    const name = decodeURIComponent(path.slice(PREFIX.length));
    const fn = path.startsWith(PREFIX) ? registry.get(name) : undefined;
    if (req.method !== 'POST' || !fn) {
      res.writeHead(404);
      res.end();
      return;
    }
    const triggerType = fn.trigger.type.toLowerCase();
    if (triggerType === 'httptrigger' || DURABLE_TRIGGERS.has(triggerType)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(
        triggerType === 'httptrigger' ? 'HTTP functions are called through their route.' : 'Durable functions are started through the Durable client API.',
      );
      return;
    }
    let input: unknown;
    try {
      input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { input?: unknown }).input : undefined;
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('The body must be JSON: {"input": "..."}.');
      return;
    }
    const isTimer = fn.trigger.type.toLowerCase() === 'timertrigger';
    const trigger = isTimer
      ? { json: timerTriggerPayload(false, undefined, undefined) }
      : { string: typeof input === 'string' ? input : JSON.stringify(input ?? null) };
    const invocation = invoker.invoke(fn.name, { trigger });
    if (new URL(req.url ?? '/', 'http://local').searchParams.get('wait') === 'true') {
      // Local extension for tests and scripts: answer once the invocation has finished.
      try {
        await invocation;
        res.writeHead(200);
      } catch (err) {
        log(`admin invocation of ${fn.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        res.writeHead(500);
      }
      res.end();
      return;
    }
    // The host answers 202 as soon as the invocation is queued; its outcome goes to the log.
    res.writeHead(202);
    res.end();
    invocation.catch((err: unknown) => {
      log(`admin invocation of ${fn.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
}

/**
 * `GET /admin/host/executions`: the executions each function started since the host started. A local extension (the
 * real host has no such route): it stands in for Azure Monitor's Function Execution Count, which the benches compare
 * against the cost goals.
 */
export function executionCountRoute(invoker: FunctionInvoker): HostRouteHandler {
  return async (req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(invoker.executions()));
  };
}

/**
 * `GET /admin/host/memory` (local only, no real host has it): the process's `process.memoryUsage()`, so that a soak
 * can tell the JS heap from the rest of its resident memory. `?gc=1` runs a full garbage collection first: the heap
 * in use is then what is live, the measure of a leak (a collection pauses the host, so a soak asks for it rarely).
 */
export function memoryRoute(): HostRouteHandler {
  return async (req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return;
    }
    if (new URL(req.url ?? '/', 'http://host').searchParams.get('gc') === '1') fullGc()();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(process.memoryUsage()));
  };
}

let gc: (() => void) | undefined;

/** V8's `gc()`, without starting the host with --expose-gc (which would change how every test runs it). */
function fullGc(): () => void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  return gc;
}
