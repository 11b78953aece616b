/**
 * Loads a deployment package's entry points the way the Node.js worker does, with the real `@azure/functions` and
 * `durable-functions` of the package's own node_modules, under a recorder of the metadata the worker sends the host
 * (the local host's `@azure/functions-core` stand-in). Run as its own process: `node --import tsx package-loader.ts
 * <package dir>`; prints one JSON line: the functions registered and the entry points that failed to load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FunctionRegistry } from '../../local/host/function-registry.js';
import { installFunctionsCoreStandIn } from '../../local/host/functions-core-standin.js';

export interface LoadedFunction {
  name: string;
  trigger: string;
  route?: string;
  methods?: string[];
  schedule?: string;
}

export interface PackageLoad {
  entries: string[];
  failures: Array<{ entry: string; error: string }>;
  functions: LoadedFunction[];
}

function entryPoints(dir: string): string[] {
  const main = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main?: string }).main ?? '';
  const folder = path.join(dir, path.dirname(main));
  const pattern = new RegExp(
    `^${path
      .basename(main)
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return readdirSync(folder)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => path.join(folder, f));
}

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? '.');
  const registry = new FunctionRegistry();
  installFunctionsCoreStandIn(registry, () => undefined);
  const entries = entryPoints(dir);
  const failures: PackageLoad['failures'] = [];
  for (const entry of entries) {
    try {
      await import(pathToFileURL(entry).href);
    } catch (err) {
      failures.push({
        entry: path.relative(dir, entry),
        error: err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err),
      });
    }
  }
  const functions = registry.all().map((fn): LoadedFunction => {
    const binding = fn.trigger.binding;
    return {
      name: fn.name,
      trigger: fn.trigger.type,
      ...(typeof binding.route === 'string' ? { route: binding.route } : {}),
      ...(Array.isArray(binding.methods) ? { methods: binding.methods.map((m) => String(m).toUpperCase()) } : {}),
      ...(typeof binding.schedule === 'string' ? { schedule: binding.schedule } : {}),
    };
  });
  const load: PackageLoad = { entries: entries.map((e) => path.relative(dir, e)), failures, functions };
  process.stdout.write(`${JSON.stringify(load)}\n`);
}

await main();
