import Module, { createRequire } from 'node:module';
import type { FunctionRegistry } from './function-registry.js';
import type { FunctionCallback, FunctionMetadata, HookCallback, ProgrammingModel, RpcLogCategory, RpcLogLevel } from './core-types.js';

const CORE_MODULE = '@azure/functions-core';
const STAND_IN_FILENAME = '/__local_host__/@azure/functions-core.js';

class Disposable {
  static from(...likes: { dispose: () => unknown }[]): Disposable {
    return new Disposable(() => likes.forEach((l) => l.dispose()));
  }
  #onDispose: (() => unknown) | undefined;
  constructor(onDispose: () => unknown) {
    this.#onDispose = onDispose;
  }
  dispose(): void {
    this.#onDispose?.();
    this.#onDispose = undefined;
  }
}

export type CoreLog = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

function buildStandIn(registry: FunctionRegistry, log: CoreLog) {
  return {
    version: 'local-host',
    hostVersion: '4.0.0-local',
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
      registry.register(metadata, callback);
      return new Disposable(() => undefined);
    },
    registerHook(name: string, callback: HookCallback): Disposable {
      return new Disposable(registry.addHook(name, callback));
    },
    setProgrammingModel(model: ProgrammingModel): void {
      registry.programmingModel = model;
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return registry.programmingModel;
    },
    log,
    Disposable,
  };
}

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
  _cache: Record<string, unknown>;
}

/**
 * Makes `require('@azure/functions-core')` answer with the local host's stand-in, so that
 * `app.http`, `app.timer` and `df.app.*` register with this host exactly as with the real worker.
 * Refuses when the real module can be resolved: the stand-in must never shadow the worker's.
 */
export function installFunctionsCoreStandIn(registry: FunctionRegistry, log: CoreLog): void {
  const internals = Module as unknown as ModuleInternals;
  if (internals._cache[STAND_IN_FILENAME]) {
    throw new Error('The local host stand-in for @azure/functions-core is already installed in this process.');
  }
  const require = createRequire(import.meta.url);
  let realOneResolves = true;
  try {
    require.resolve(CORE_MODULE);
  } catch {
    realOneResolves = false;
  }
  if (realOneResolves) {
    throw new Error(`${CORE_MODULE} is provided by a real Functions worker here; the local host must not replace it.`);
  }
  const standIn = new Module(STAND_IN_FILENAME);
  standIn.filename = STAND_IN_FILENAME;
  standIn.loaded = true;
  standIn.exports = buildStandIn(registry, log);
  internals._cache[STAND_IN_FILENAME] = standIn;
  const original = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return request === CORE_MODULE ? STAND_IN_FILENAME : original.call(this, request, ...rest);
  };
}
