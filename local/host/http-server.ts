import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RpcHttpData, RpcTypedData } from './core-types.js';
import type { FunctionInvoker } from './function-invoker.js';
import type { FunctionRegistry, RegisteredFunction } from './function-registry.js';
import { firstMatch, inHostOrder, type OrderedRoute } from './route-order.js';
import { compileRouteTemplate } from './route-template.js';

/** A handler the host itself serves beside the app's functions (admin routes, Durable webhooks). */
export type HostRouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => Promise<void>;

export interface HttpHostOptions {
  host: string;
  port: number;
  routePrefix: string;
  /** the host refuses larger bodies with 413 before any function sees them (Azure: 100 MB) */
  maxRequestBodyBytes: number;
  log: (line: string) => void;
}

const MAX_BODY_DEFAULT = 100 * 1024 * 1024;
/** Kestrel defaults (KestrelServerLimits.MaxRequestLineSize, MaxRequestHeadersTotalSize) */
const MAX_REQUEST_LINE_BYTES = 8 * 1024;
const MAX_HEADERS_BYTES = 32 * 1024;

export class HttpHost {
  #routes: OrderedRoute<RegisteredFunction>[] = [];
  readonly #hostRoutes: Array<{ prefix: string; handler: HostRouteHandler }> = [];
  #server: http.Server | undefined;

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly invoker: FunctionInvoker,
    private readonly options: HttpHostOptions,
  ) {}

  addHostRoute(prefix: string, handler: HostRouteHandler): void {
    this.#hostRoutes.push({ prefix, handler });
  }

  /**
   * Collects every httpTrigger registration into the routing table (call after the app is loaded), in the real
   * host's order: by function name, first match wins (see route-order.ts).
   */
  mapHttpFunctions(): void {
    const routes: OrderedRoute<RegisteredFunction>[] = [];
    for (const fn of this.registry.byTriggerType('httpTrigger')) {
      const binding = fn.trigger.binding;
      const template = typeof binding.route === 'string' && binding.route.length > 0 ? binding.route : fn.name;
      const prefix = this.options.routePrefix ? `${this.options.routePrefix}/` : '';
      const methods = Array.isArray(binding.methods) ? binding.methods.map((m) => String(m).toUpperCase()) : [];
      const compiled = compileRouteTemplate(prefix + template);
      routes.push({ name: fn.name, template: compiled.template, methods: new Set(methods), match: (path) => compiled.match(path), target: fn });
    }
    this.#routes = inHostOrder(routes);
  }

  routes(): Array<{ name: string; methods: string[]; template: string }> {
    return this.#routes.map((r) => ({ name: r.name, methods: [...r.methods], template: r.template }));
  }

  async listen(): Promise<number> {
    // Kestrel's limits in front of the Functions host: headers 32 KB in all (431), request line 8 KB (414)
    const server = http.createServer({ maxHeaderSize: MAX_HEADERS_BYTES }, (req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.options.log(`host error on ${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 65_000;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (`${req.method ?? ''} ${req.url ?? ''} HTTP/1.1`.length > MAX_REQUEST_LINE_BYTES) {
      req.resume();
      res.writeHead(414, { connection: 'close' });
      res.end();
      return;
    }
    const body = await readBody(req, this.options.maxRequestBodyBytes || MAX_BODY_DEFAULT);
    if (body === 'too-large') {
      res.writeHead(413, { connection: 'close' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `${this.options.host}:${this.options.port}`}`);
    const hostRoute = this.#hostRoutes.find((r) => url.pathname === r.prefix || url.pathname.startsWith(r.prefix.endsWith('/') ? r.prefix : `${r.prefix}/`));
    if (hostRoute) {
      await hostRoute.handler(req, res, body);
      return;
    }
    const found = firstMatch(this.#routes, (req.method ?? 'GET').toUpperCase(), url.pathname);
    if (!found) {
      res.writeHead(404);
      res.end();
      return;
    }
    await this.#invokeHttpFunction(found.route.target, req, res, url, found.params, body);
  }

  async #invokeHttpFunction(
    fn: RegisteredFunction,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    params: Record<string, string>,
    body: Buffer,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const rpcRequest: RpcHttpData = {
      method: req.method ?? 'GET',
      url: url.toString(),
      headers,
      query: Object.fromEntries(url.searchParams),
      params,
      body: { bytes: body },
    };
    let response;
    try {
      response = await this.invoker.invoke(fn.name, {
        trigger: { http: rpcRequest },
        triggerMetadata: { Query: { json: JSON.stringify(rpcRequest.query) }, Headers: { json: JSON.stringify(headers) } },
      });
    } catch (err) {
      // As the Functions host does: an unhandled exception is a bare 500, its details only in the log.
      this.options.log(`function ${fn.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      res.writeHead(500);
      res.end();
      return;
    }
    writeHttpResponse(res, response.returnValue?.http ?? undefined);
  }
}

function writeHttpResponse(res: http.ServerResponse, rpc: RpcHttpData | undefined): void {
  if (!rpc) {
    res.writeHead(204);
    res.end();
    return;
  }
  const status = Number(rpc.statusCode ?? 200) || 200;
  res.statusCode = status;
  for (const [key, value] of Object.entries(rpc.headers ?? {})) {
    res.setHeader(key, value);
  }
  res.end(typedDataToBuffer(rpc.body ?? undefined));
}

function typedDataToBuffer(data: RpcTypedData | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (typeof data.string === 'string') return Buffer.from(data.string);
  if (typeof data.json === 'string') return Buffer.from(data.json);
  return Buffer.alloc(0);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
