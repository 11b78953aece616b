import type { FunctionInvoker } from './function-invoker.js';
import type { FunctionRegistry } from './function-registry.js';
import type { HostRouteHandler } from './http-server.js';

/** What the local host offers to the parts that plug into it (timers, Durable Functions, admin routes). */
export interface HostExtensionContext {
  registry: FunctionRegistry;
  invoker: FunctionInvoker;
  addHostRoute(prefix: string, handler: HostRouteHandler): void;
  /** e.g. http://127.0.0.1:7071 */
  baseUrl: string;
  /** app settings (environment variables) */
  settings: NodeJS.ProcessEnv;
  log(line: string): void;
}

export interface HostExtension {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
