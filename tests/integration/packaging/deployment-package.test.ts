import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstMatch, inHostOrder, type OrderedRoute } from '../../../local/host/route-order.js';
import { compileRouteTemplate } from '../../../local/host/route-template.js';
import { buildDeploymentPackage, type DeploymentPackage } from '../../../packaging/build-package.js';
import { azdPackageFiles, coreToolsPackageFiles } from '../../../packaging/package-rules.js';
import type { LoadedFunction, PackageLoad } from '../../support/package-loader.js';
import { appSettings } from '../../unit/infra/infra-model.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
/** The zip azd uploads; measured at 28.6 MiB (Node 20, the dependencies of package-lock.json, OpenTelemetry included). */
const MAX_ZIP_BYTES = 40 * 1024 * 1024;

let outDir = '';
let pkg: DeploymentPackage;
let load: PackageLoad;

/** The worker's view of the package: loaded in a process of its own, from the package folder, with its node_modules. */
function loadPackage(dir: string): PackageLoad {
  const out = execFileSync(
    process.execPath,
    ['--import', path.join(repoRoot, 'node_modules/tsx/dist/esm/index.mjs'), path.join(repoRoot, 'tests/support/package-loader.ts'), dir],
    {
      cwd: dir,
      encoding: 'utf8',
      // no app settings: registration must not depend on them (the host indexes functions before any invocation)
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as PackageLoad;
}

/** A URL path a template answers: every parameter filled with a GUID, a catch-all with two segments. */
function samplePath(prefix: string, template: string): string {
  const filled = template.replace(/\{\*[^}]+\}/g, 'any/thing').replace(/\{[^}]+\}/g, '0f8fad5b-d9cb-469f-a165-70867728950e');
  return `/${prefix}/${filled}`;
}

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'deploy-package-'));
  pkg = await buildDeploymentPackage(repoRoot, outDir);
  load = loadPackage(pkg.dir);
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('the deployment package (npm run package), as azd and Core Tools build and the worker loads it', () => {
  it('is the same set of files under azd rules (remoteBuild: false) and Core Tools rules', () => {
    expect(pkg.files.length).toBeGreaterThan(100);
    expect(coreToolsPackageFiles(pkg.dir)).toEqual(azdPackageFiles(pkg.dir, { remoteBuild: false }));
    expect(pkg.files).toEqual(azdPackageFiles(pkg.dir, { remoteBuild: false }));
  });

  it('loads every entry point with the real @azure/functions and durable-functions of its own node_modules', () => {
    expect(load.failures).toEqual([]);
    expect(load.entries).toEqual(
      expect.arrayContaining(['dist/functions/api.js', 'dist/functions/bots.js', 'dist/functions/run-watchdog.js', 'dist/functions/timers.js']),
    );
    expect(load.functions.length).toBeGreaterThan(40);
  });

  it('holds no test, local-cloud, benchmark, simulator, agent or source file', () => {
    const own = pkg.files.filter((f) => !f.startsWith('node_modules/'));
    const outside = own.filter(
      (f) =>
        !/^(host\.json|package\.json|dist\/(functions|orchestrations|domain|app|adapters|api|composition|protocol|infra)\/|dist\/console\/(index\.html|console\.js|console\.css)$)/.test(
          f,
        ),
    );
    expect(outside).toEqual([]);
    // the bot agent is its own top-level folder; `api/routes/agent/` is the server's agent surface and belongs here
    const developmentOrAgent = (f: string) => /(^|\/)(tests|local|bench|simulator)\//.test(f) || /^(dist\/)?agent\//.test(f);
    expect(own.filter((f) => /\.ts$/.test(f) || developmentOrAgent(f) || /\.test\.js$/.test(f))).toEqual([]);
  });

  it('holds the production dependencies and no dev-only package', () => {
    const prod = new Set(
      execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((line) => path.relative(repoRoot, line)),
    );
    const packaged = pkg.files.filter((f) => f.startsWith('node_modules/') && f.endsWith('/package.json')).map((f) => path.dirname(f));
    const packageDirs = packaged.filter((dir) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+$/.test(dir));
    expect(packageDirs.filter((dir) => !prod.has(dir))).toEqual([]);
    const devOnly = Object.keys(
      (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies,
    ).filter((name) => !prod.has(`node_modules/${name}`));
    expect(devOnly.filter((name) => packageDirs.includes(`node_modules/${name}`))).toEqual([]);
    expect(readdirSync(path.join(pkg.dir, 'node_modules'))).toEqual(expect.arrayContaining(['@azure', 'durable-functions', 'zod', 'jose']));
  });

  it("reaches every HTTP route and method under the host's matching order (function name, first match)", () => {
    const prefix = (JSON.parse(readFileSync(path.join(pkg.dir, 'host.json'), 'utf8')) as { extensions: { http: { routePrefix: string } } }).extensions.http
      .routePrefix;
    const http = load.functions.filter((f) => f.trigger.toLowerCase() === 'httptrigger');
    const ordered = inHostOrder(
      http.map((fn): OrderedRoute<LoadedFunction> => {
        const compiled = compileRouteTemplate(`${prefix}/${fn.route ?? fn.name}`);
        return { name: fn.name, template: compiled.template, methods: new Set(fn.methods ?? []), match: (p) => compiled.match(p), target: fn };
      }),
    );
    const answeredBy = http.flatMap((fn) =>
      (fn.methods ?? []).map((method) => ({
        route: `${method} ${fn.route}`,
        expected: fn.name,
        actual: firstMatch(ordered, method, samplePath(prefix, fn.route ?? fn.name))?.route.name,
      })),
    );
    expect(answeredBy.length).toBeGreaterThan(40);
    expect(answeredBy.filter((a) => a.actual !== a.expected)).toEqual([]);
  });

  it('holds the web console, whose catch-all route shadows no API route, and no local sign-in', () => {
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/console/index.html', 'dist/console/console.js', 'dist/console/console.css']));
    const prefix = (JSON.parse(readFileSync(path.join(pkg.dir, 'host.json'), 'utf8')) as { extensions: { http: { routePrefix: string } } }).extensions.http
      .routePrefix;
    const http = load.functions.filter((f) => f.trigger.toLowerCase() === 'httptrigger');
    const ordered = inHostOrder(
      http.map((fn): OrderedRoute<LoadedFunction> => {
        const compiled = compileRouteTemplate(`${prefix}/${fn.route ?? fn.name}`);
        return { name: fn.name, template: compiled.template, methods: new Set(fn.methods ?? []), match: (p) => compiled.match(p), target: fn };
      }),
    );
    const consoleFn = http.find((f) => f.name === 'console');
    expect(consoleFn?.methods).toEqual(['GET']);
    for (const asset of ['', 'index.html', 'console.js', 'config.json'])
      expect(firstMatch(ordered, 'GET', `/${prefix}/console/${asset}`)?.route.name).toBe('console');
    // every other route, at a path it serves, is answered by its own function, never by the console's catch-all
    const shadowed = http
      .filter((fn) => fn.name !== 'console')
      .flatMap((fn) =>
        (fn.methods ?? []).map((method) => ({ fn: fn.name, by: firstMatch(ordered, method, samplePath(prefix, fn.route ?? fn.name))?.route.name })),
      )
      .filter((a) => a.by === 'console');
    expect(shadowed).toEqual([]);
    // the local sign-in is the local host's (local/console/), not the app's: here no function answers it but the catch-all
    expect(http.filter((f) => /sign-?in/i.test(`${f.name} ${f.route ?? ''}`))).toEqual([]);
    expect(firstMatch(ordered, 'GET', `/${prefix}/local/sign-in`)?.route.name).toBe('z_noRoute');
    expect(firstMatch(ordered, 'POST', `/${prefix}/local/sign-in`)?.route.name).toBe('z_noRoute');
    expect(pkg.files.filter((f) => /sign-in|mint-?token|token-issuer/i.test(f) && !f.startsWith('node_modules/'))).toEqual([]);
  });

  it('resolves every timer schedule from an app setting the Bicep sets', () => {
    const timers = load.functions.filter((f) => f.trigger.toLowerCase() === 'timertrigger');
    expect(timers.length).toBeGreaterThanOrEqual(3);
    const settings = appSettings();
    for (const timer of timers) {
      const setting = /^%([A-Za-z0-9_]+)%$/.exec(timer.schedule ?? '')?.[1];
      expect(setting, `${timer.name}: the schedule ${timer.schedule} is not an app setting reference`).toBeDefined();
      expect(settings.has(setting ?? ''), `${timer.name}: ${setting} is not set by infra/main.bicep`).toBe(true);
    }
  });

  it('stays under its size bound', () => {
    expect(pkg.zipBytes).toBeLessThan(MAX_ZIP_BYTES);
  });
});
