import { loadApp } from './app-loader.js';
import { adminRoutes, executionCountRoute, memoryRoute } from './admin-routes.js';
import { FunctionInvoker } from './function-invoker.js';
import { FunctionRegistry } from './function-registry.js';
import { installFunctionsCoreStandIn } from './functions-core-standin.js';
import type { HostExtension } from './host-extension.js';
import { readHostJson } from './host-json.js';
import { HttpHost } from './http-server.js';
import { TimerScheduler } from './timer-scheduler.js';

const DURABLE_BINDINGS = new Set(['orchestrationtrigger', 'activitytrigger', 'entitytrigger', 'durableclient']);

function usesDurableFunctions(registry: FunctionRegistry): boolean {
  return registry.all().some((fn) => Object.values(fn.metadata.bindings).some((b) => DURABLE_BINDINGS.has(String(b.type).toLowerCase())));
}

/**
 * The local Functions host: a child process of the local cloud's supervisor. It loads the app exactly as
 * the Node.js worker does and serves it on http://127.0.0.1:$PORT/api. Every piece of state lives in
 * the emulators, so the supervisor may kill and restart it at any time.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const appDir = process.env.FUNCTION_APP_DIR ?? process.cwd();
  const port = Number(process.env.PORT ?? 7071);
  const host = '127.0.0.1';
  const hostJson = readHostJson(appDir, process.env);
  const log = (line: string) => process.stdout.write(`[host] ${line}\n`);

  const registry = new FunctionRegistry();
  installFunctionsCoreStandIn(registry, (level, category, message) => {
    if (level !== 'debug' && level !== 'trace') log(`${category}/${level}: ${message}`);
  });
  const invoker = new FunctionInvoker(
    registry,
    (e) => {
      if (e.level !== 'debug' && e.level !== 'trace') log(`${e.functionName} ${e.level}: ${e.message}`);
    },
    { functionTimeoutMs: hostJson.functionTimeoutMs },
  );
  const httpHost = new HttpHost(registry, invoker, {
    host,
    port,
    routePrefix: hostJson.routePrefix,
    maxRequestBodyBytes: 100 * 1024 * 1024,
    log,
  });
  const baseUrl = `http://${host}:${port}`;
  // as the real host does; the Durable client builds its management URLs from it
  process.env.WEBSITE_HOSTNAME ??= `${host}:${port}`;

  await loadApp(appDir);
  const extensions: HostExtension[] = [];
  if (usesDurableFunctions(registry)) {
    // Loaded only when the app has Durable functions, as the host loads only the extensions an app binds to.
    const { createDurableExtension } = await import('../durable/extension.js');
    extensions.push(
      createDurableExtension({
        registry,
        invoker,
        addHostRoute: (p, h) => httpHost.addHostRoute(p, h),
        baseUrl,
        settings: hostJson.durableTaskHub ? { ...process.env, DURABLE_TASK_HUB: hostJson.durableTaskHub } : process.env,
        log,
      }),
    );
  }
  extensions.push(new TimerScheduler(registry, invoker, process.env, log));
  httpHost.mapHttpFunctions();
  httpHost.addHostRoute('/admin/functions', adminRoutes(registry, invoker, log));
  httpHost.addHostRoute('/admin/host/executions', executionCountRoute(invoker));
  httpHost.addHostRoute('/admin/host/memory', memoryRoute());
  for (const extension of extensions) await extension.start();
  await httpHost.listen();

  log(`${registry.all().length} functions, ${httpHost.routes().length} HTTP routes, listening on ${baseUrl} (${Date.now() - started} ms)`);
  process.send?.({ type: 'ready', port, functions: registry.all().map((f) => f.name) });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await httpHost.close();
    for (const extension of extensions.reverse()) await extension.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`[host] failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
