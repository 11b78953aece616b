import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { againstBaseline, CHECKED_FOLDERS, describeViolation, layerViolations, readKnownViolations, REPO_ROOT, type LayerViolation } from './layer-check.js';

/**
 * The layering rule (.dependency-cruiser.cjs) fails on a wrong import: a fixture tree (tests/fixtures/layers) makes
 * each mistake once, and the rule names it; the real tree has only the known violations.
 */

const FIXTURE = join(REPO_ROOT, 'tests/fixtures/layers');
const CRUISE_MS = 60_000;

function named(violations: readonly LayerViolation[], rule: string): string[] {
  return violations.filter((v) => v.rule === rule).map((v) => `${v.from} → ${v.to.replace(/^.*node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1')}`);
}

describe('the layering rule on a tree of wrong imports', () => {
  let violations: LayerViolation[] = [];
  beforeAll(async () => {
    violations = await layerViolations(
      FIXTURE,
      CHECKED_FOLDERS.filter((folder) => existsSync(join(FIXTURE, folder))),
    );
  }, CRUISE_MS);

  it('domain-is-pure: the domain imports no SDK, no Node I/O and nothing outside itself; zod and node:crypto pass', () => {
    expect(named(violations, 'domain-is-pure').sort()).toEqual([
      'domain/imports-an-sdk.ts → @azure/cosmos',
      'domain/reaches-a-port.ts → app/ports/thing.ts',
      'domain/reads-files.ts → fs',
    ]);
  });

  it('app-imports-inward: a use case is handed its adapters, never imports one, nor the composition root or a host', () => {
    expect(named(violations, 'app-imports-inward').sort()).toEqual([
      'app/reaches-up-to-functions.ts → functions/host.ts',
      'app/uses-an-adapter.ts → adapters/implements-a-port-allowed.ts',
    ]);
  });

  it('adapters-import-inward and api-imports-inward: adapters know no route; routes reach adapters only through ports', () => {
    expect(named(violations, 'adapters-import-inward')).toEqual(['adapters/knows-a-route.ts → api/route-allowed.ts']);
    expect(named(violations, 'api-imports-inward')).toEqual(['api/calls-an-adapter.ts → adapters/implements-a-port-allowed.ts']);
  });

  it('composition-not-to-functions and only-functions-import-the-composition: the root hands out, functions/ registers', () => {
    expect(named(violations, 'composition-not-to-functions')).toEqual(['composition/registers-in-a-host.ts → functions/host.ts']);
    expect(named(violations, 'only-functions-import-the-composition').sort()).toEqual([
      'app/reaches-the-composition.ts → composition/root.ts',
      'orchestrations/reaches-the-root.ts → composition/root.ts',
    ]);
  });

  it('production-not-to-development: production code imports no local cloud, tests, bench, simulator or packaging', () => {
    expect(named(violations, 'production-not-to-development')).toEqual(['app/uses-the-local-cloud.ts → local/dev-only.ts']);
  });

  it('agent-only-through-protocol, server-not-to-agent, protocol-is-standalone: the two sides meet only in protocol/', () => {
    expect(named(violations, 'agent-only-through-protocol')).toEqual(['agent/reaches-into-the-server.ts → app/ports/thing.ts']);
    expect(named(violations, 'server-not-to-agent')).toEqual(['app/reaches-into-the-agent.ts → agent/speaks-the-protocol-allowed.ts']);
    expect(named(violations, 'protocol-is-standalone')).toEqual(['protocol/imports-the-app.ts → app/ports/thing.ts']);
  });

  it('no-cycles-between-app-folders: two folders of app/ that import each other', () => {
    expect(named(violations, 'no-cycles-between-app-folders').sort()).toEqual(['app/a → app/b', 'app/b → app/a']);
  });

  it('app-folders-in-order: a folder of app/ imports no folder ranked above it, nor a resource module at the top of app/', () => {
    expect(named(violations, 'app-folders-in-order').sort()).toEqual([
      'app/runs/reaches-a-top-level-module.ts → app/uses-the-domain-allowed.ts',
      'app/runs/reaches-up-to-groups.ts → app/groups/group-view.ts',
    ]);
  });

  it('reports nothing else: the files named *-allowed import what the rule allows', () => {
    expect(violations.filter((v) => v.from.includes('-allowed')).map(describeViolation)).toEqual([]);
    expect(violations).toHaveLength(18);
  });
});

describe('the layering rule on the repository', () => {
  it('finds only the known violations, and every known one still exists', { timeout: CRUISE_MS }, async () => {
    const { fresh, gone } = againstBaseline(await layerViolations(), readKnownViolations());
    expect(fresh.map(describeViolation)).toEqual([]);
    expect(gone.map(describeViolation)).toEqual([]);
  });
});

describe('againstBaseline', () => {
  const a = { rule: 'r', from: 'x', to: 'y' };
  const b = { rule: 'r', from: 'y', to: 'x' };
  it('fails what is new and lists what was fixed', () => {
    expect(againstBaseline([a], [b])).toEqual({ fresh: [a], gone: [b] });
    expect(againstBaseline([a, b], [b, a])).toEqual({ fresh: [], gone: [] });
  });
});
