import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/**
 * The layering rule's check (.dependency-cruiser.cjs) through dependency-cruiser's API: `npm run lint:layers` runs it
 * on the repository, tests/unit/architecture/layers.test.ts on fixtures too. The API, not the `depcruise` command:
 * the command refuses Node 20 (its engines field), the API runs on it.
 *
 * Known violations (.dependency-cruiser-known-violations.json) are the ones too costly to remove yet: they are
 * reported, and only a violation not listed there fails. dependency-cruiser's own baseline does not cover folder
 * rules (cycles between folders), so the comparison is made here, by rule and by the two ends of the dependency.
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const KNOWN_VIOLATIONS_FILE = join(REPO_ROOT, '.dependency-cruiser-known-violations.json');
/** Every folder of TypeScript the rules speak of (console/ is a separate browser build with its own tsconfig). */
export const CHECKED_FOLDERS = [
  'domain',
  'app',
  'adapters',
  'api',
  'composition',
  'protocol',
  'functions',
  'orchestrations',
  'agent',
  'local',
  'tests',
  'bench',
  'simulator',
  'packaging',
];

export interface LayerViolation {
  rule: string;
  from: string;
  to: string;
}

function repoConfig(): IConfiguration {
  const require = createRequire(import.meta.url);
  return require(join(REPO_ROOT, '.dependency-cruiser.cjs')) as IConfiguration;
}

/** The violations of the repository's rules in `folders` (relative to `baseDir`), each once, sorted. */
export async function layerViolations(baseDir = REPO_ROOT, folders = CHECKED_FOLDERS): Promise<LayerViolation[]> {
  const config = repoConfig();
  const { output } = await cruise(
    folders,
    { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden ?? [] }, outputType: 'json' },
    undefined,
    { tsConfig: extractTSConfig(join(REPO_ROOT, 'tsconfig.json')) },
  );
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  const seen = new Map<string, LayerViolation>();
  for (const v of result.summary.violations) {
    if (v.rule.severity !== 'error') continue;
    const violation = { rule: v.rule.name, from: v.from, to: v.to };
    seen.set(keyOf(violation), violation);
  }
  return [...seen.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

function keyOf(v: LayerViolation): string {
  return `${v.rule} ${v.from} → ${v.to}`;
}

export function describeViolation(v: LayerViolation): string {
  return keyOf(v);
}

export function readKnownViolations(file = KNOWN_VIOLATIONS_FILE): LayerViolation[] {
  return JSON.parse(readFileSync(file, 'utf8')) as LayerViolation[];
}

/** What fails (`fresh`: not in the baseline) and what the baseline may drop (`gone`: listed, no longer found). */
export function againstBaseline(found: readonly LayerViolation[], known: readonly LayerViolation[]): { fresh: LayerViolation[]; gone: LayerViolation[] } {
  const knownKeys = new Set(known.map(keyOf));
  const foundKeys = new Set(found.map(keyOf));
  return { fresh: found.filter((v) => !knownKeys.has(keyOf(v))), gone: known.filter((v) => !foundKeys.has(keyOf(v))) };
}
