import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { againstBaseline, describeViolation, layerViolations, readKnownViolations, REPO_ROOT, type LayerViolation } from './layer-check.js';

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
    violations = await layerViolations(FIXTURE, ['shared', 'local', 'functions', 'agent']);
  }, CRUISE_MS);

  it('domain-is-pure: the domain imports no SDK, no Node I/O and nothing outside itself; zod and node:crypto pass', () => {
    expect(named(violations, 'domain-is-pure').sort()).toEqual([
      'shared/domain/imports-an-sdk.ts → @azure/cosmos',
      'shared/domain/reaches-the-store.ts → shared/store/thing.ts',
      'shared/domain/reads-files.ts → fs',
    ]);
  });

  it('production-not-to-development: production code imports no local cloud, tests, bench, simulator or packaging', () => {
    expect(named(violations, 'production-not-to-development')).toEqual(['shared/uses-the-local-cloud.ts → local/dev-only.ts']);
  });

  it('shared-not-to-hosts: shared/ never reaches up into functions/ or orchestrations/; the composition root may', () => {
    expect(named(violations, 'shared-not-to-hosts')).toEqual(['shared/reaches-up-to-functions.ts → functions/host.ts']);
  });

  it('only-hosts-import-the-root: nothing but functions/ imports the composition root', () => {
    expect(named(violations, 'only-hosts-import-the-root')).toEqual(['shared/imports-the-root.ts → shared/composition/root/binds-the-host-allowed.ts']);
  });

  it('agent-only-through-protocol and server-not-to-agent: the two sides meet only in shared/agent-protocol.ts', () => {
    expect(named(violations, 'agent-only-through-protocol')).toEqual(['agent/reaches-into-the-server.ts → shared/store/thing.ts']);
    expect(named(violations, 'server-not-to-agent')).toEqual(['shared/reaches-into-the-agent.ts → agent/speaks-the-protocol-allowed.ts']);
  });

  it('no-cycles-between-shared-folders: two folders of shared/ that import each other', () => {
    expect(named(violations, 'no-cycles-between-shared-folders').sort()).toEqual(['shared/a → shared/b', 'shared/b → shared/a']);
  });

  it('reports nothing else: the files named *-allowed import what the rule allows', () => {
    expect(violations.filter((v) => v.from.includes('-allowed')).map(describeViolation)).toEqual([]);
    expect(violations).toHaveLength(10);
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
