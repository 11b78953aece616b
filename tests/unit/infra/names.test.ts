import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtNames, callSpans, declarationExpression, hashToken, type BuiltName, type Value } from './bicep-eval.js';
import { readBicep, repoRoot, type BicepFile } from './bicep-source.js';
import { appSettings, bodyEntries, declaration, declarationsOf, MAIN, numericDecorator } from './infra-model.js';

/**
 * The environment name is azd's (AZURE_ENV_NAME): 1-64 letters, digits and - ( ) _ . (EnvironmentNameRegexp of
 * azure-dev, cli/azd/pkg/environment/environment.go). Every name the template builds from it must be valid for
 * its resource type for any such name, and environments deployed before (names of letters, digits and hyphens,
 * up to 20 characters) must keep their resource names and DEPLOYMENT_ID.
 */
const AZD_ENVIRONMENT_NAME = /^[a-zA-Z0-9\-()_.]{1,64}$/;

interface NameRule {
  min: number;
  max: number;
  pattern: RegExp;
  /** extra rule, as a message when broken */
  extra?: (name: string) => string | undefined;
}

/** Naming rules of the resource types the template creates (Azure resource naming rules). */
const RULES: Record<string, NameRule> = {
  'Microsoft.ManagedIdentity/userAssignedIdentities': { min: 3, max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/ },
  'Microsoft.OperationalInsights/workspaces': { min: 4, max: 63, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  'Microsoft.Insights/components': { min: 1, max: 260, pattern: /^[^%&\\?/#<>*]*[^%&\\?/#<>*. ]$/ },
  'Microsoft.Storage/storageAccounts': { min: 3, max: 24, pattern: /^[a-z0-9]+$/ },
  'Microsoft.Storage/storageAccounts/blobServices/containers': { min: 3, max: 63, pattern: /^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/ },
  'Microsoft.DocumentDB/databaseAccounts': { min: 3, max: 44, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/ },
  'Microsoft.ServiceBus/namespaces': {
    min: 6,
    max: 50,
    pattern: /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/,
    extra: (name) => (/-(sb|mgmt)$/i.test(name) ? 'must not end with -sb or -mgmt' : undefined),
  },
  'Microsoft.KeyVault/vaults': { min: 3, max: 24, pattern: /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*[A-Za-z0-9]$/ },
  'Microsoft.Web/sites': { min: 2, max: 60, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  'Microsoft.Web/serverfarms': { min: 1, max: 60, pattern: /^[A-Za-z0-9-]+$/ },
  'Microsoft.Network/virtualNetworks': { min: 2, max: 64, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/ },
  'Microsoft.Network/networkSecurityGroups': { min: 1, max: 80, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/ },
  'Microsoft.Network/natGateways': { min: 1, max: 80, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/ },
  'Microsoft.Network/publicIPAddresses': { min: 1, max: 80, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/ },
  // nested deployments (module names)
  deployment: { min: 1, max: 64, pattern: /^[-\w.()]+$/ },
};

function violation(built: BuiltName): string | undefined {
  const rule = RULES[built.type];
  if (!rule) return undefined;
  const { name } = built;
  if (name.length < rule.min || name.length > rule.max)
    return `${built.where}: '${name}' has ${name.length} characters, ${built.type} allows ${rule.min}-${rule.max}`;
  if (!rule.pattern.test(name)) return `${built.where}: '${name}' is not a valid ${built.type} name (${rule.pattern})`;
  const extra = rule.extra?.(name);
  return extra ? `${built.where}: '${name}' ${extra}` : undefined;
}

/** Deterministic pseudo-random names over azd's alphabet. */
function randomNames(count: number, seed: number, alphabet: string, maxLength: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  return Array.from({ length: count }, () => {
    const length = 1 + (next() % maxLength);
    return Array.from({ length }, () => alphabet[next() % alphabet.length]).join('');
  });
}

const AZD_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-()_.';
const LEGACY_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-';

const SAMPLE_NAMES = [
  'hostedrpa',
  'hostedrpa-prod',
  'HostedRPA-Prod',
  'a',
  'Z',
  '1',
  '-',
  '_',
  '.',
  '()',
  '---',
  '_-_',
  '(prod)',
  'my_env.v2(test)',
  'dev.',
  '-dev-',
  '__dev__',
  'a'.repeat(20),
  'a'.repeat(21),
  'a'.repeat(64),
  '9'.repeat(64),
  '-'.repeat(64),
  '(._)'.repeat(16),
  `${'a'.repeat(19)}_b`,
  `${'a'.repeat(19)}-${'b'.repeat(44)}`,
  `${'a'.repeat(19)}(${'b'.repeat(44)}`,
  `${'a'.repeat(18)}..${'b'.repeat(44)}`,
  `${'a-'.repeat(32)}`,
  'Prod.Team_A(EU)-north-1234567890',
  ...randomNames(300, 42, AZD_ALPHABET, 64),
  ...randomNames(100, 7, '-_.()ab', 64),
];

/** uniqueString stand-ins: a hash, and worst cases for rules on the first character. */
const TOKENS: Array<(args: string[]) => string> = [hashToken, () => '2345672345672', () => 'abcdefghijklm'];

const main = readBicep(MAIN);

function namesFor(environmentName: string, uniqueString: (args: string[]) => string) {
  return builtNames(main, new Map<string, () => Value>([['environmentName', () => environmentName]]), uniqueString);
}

describe('environmentName: any azd environment name deploys', () => {
  it('samples are azd environment names', () => {
    for (const name of SAMPLE_NAMES) expect(name, name).toMatch(AZD_ENVIRONMENT_NAME);
  });

  it("accepts azd's full range of lengths (1-64)", () => {
    const param = declaration(main, 'param', 'environmentName');
    expect(numericDecorator(main, param, 'minLength')).toBe(1);
    expect(numericDecorator(main, param, 'maxLength')).toBe(64);
  });

  it('builds every resource name valid for its type, whatever the environment name', () => {
    const problems = new Set<string>();
    const seenTypes = new Set<string>();
    for (const uniqueString of TOKENS) {
      for (const environmentName of SAMPLE_NAMES) {
        let names: BuiltName[];
        try {
          names = namesFor(environmentName, uniqueString).names;
        } catch (e) {
          problems.add(`${environmentName}: ${(e as Error).message}`);
          continue;
        }
        for (const built of names) {
          seenTypes.add(built.type);
          const problem = violation(built);
          if (problem) problems.add(`environment '${environmentName}': ${problem}`);
        }
      }
    }
    expect([...problems].slice(0, 20)).toEqual([]);
    // the evaluator really reached the names (a name it cannot compute is skipped, so check it is not all of them)
    const expected = Object.keys(RULES);
    expect(
      expected.filter((t) => !seenTypes.has(t)),
      'resource types whose names were not evaluated',
    ).toEqual([]);
  });

  it('computes the example of docs/deploy.md', () => {
    const guide = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
    const example = /`([^`]+)` gives `func-([a-z0-9-]+)-<hash>`/.exec(guide);
    expect(example, 'docs/deploy.md: Environment name example').not.toBeNull();
    const app = namesFor(example![1] as string, () => 'abcdefghijklm').names.find((n) => n.type === 'Microsoft.Web/sites');
    expect(app?.name).toBe(`func-${example![2]}-abcdefghijklm`);
  });

  it('gives distinct names to environments whose short forms are alike (the token hashes the full name)', () => {
    const a = namesFor('team_a', hashToken).names.find((n) => n.type === 'Microsoft.Web/sites');
    const b = namesFor('team.a', hashToken).names.find((n) => n.type === 'Microsoft.Web/sites');
    expect(a?.name).toBeDefined();
    expect(a?.name).not.toBe(b?.name);
  });

  it('keeps the resource names and DEPLOYMENT_ID of environments deployed before (letters, digits, hyphens, up to 20)', () => {
    const legacy = ['hostedrpa', 'HostedRPA-Prod', '-x-', 'a--b', 'a'.repeat(20), ...randomNames(200, 3, LEGACY_ALPHABET, 20)];
    const deploymentIdSetting = appSettings().get('DEPLOYMENT_ID')?.value;
    expect(deploymentIdSetting).toBeDefined();
    for (const environmentName of legacy) {
      const { names, scope } = namesFor(environmentName, hashToken);
      const token = hashToken([
        `/subscriptions/00000000-1111-2222-3333-444444444444`,
        `/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-hostedrpa-prod`,
        environmentName,
      ]);
      const lower = environmentName.toLowerCase();
      // the names the template gave before: <prefix>-<toLower(environmentName)>-<token>
      const before: Record<string, string | string[]> = {
        // the app's identity, and the bots' identity added with the agent package
        'Microsoft.ManagedIdentity/userAssignedIdentities': [`id-${lower}-${token}`, `id-bots-${lower}-${token}`],
        'Microsoft.OperationalInsights/workspaces': `log-${lower}-${token}`,
        'Microsoft.Insights/components': `appi-${lower}-${token}`,
        'Microsoft.Web/sites': `func-${lower}-${token}`,
        'Microsoft.Web/serverfarms': `plan-${lower}-${token}`,
        'Microsoft.Network/virtualNetworks': `bots-${lower}-${token}-vnet`,
        'Microsoft.Storage/storageAccounts': `st${token}`,
        'Microsoft.KeyVault/vaults': `kv-${token}`,
        'Microsoft.DocumentDB/databaseAccounts': `cosmos-${token}`,
        'Microsoft.ServiceBus/namespaces': `sb-${token}`,
      };
      for (const [type, name] of Object.entries(before)) {
        expect(
          names.filter((n) => n.type === type).map((n) => n.name),
          `${environmentName}: ${type}`,
        ).toEqual([name].flat());
      }
      expect(scope.evaluate(deploymentIdSetting as string), `${environmentName}: DEPLOYMENT_ID`).toBe(`${lower}-${token}`);
    }
  });

  it('keeps DEPLOYMENT_ID a short tag value of lower-case letters, digits and hyphens, for any environment name', () => {
    const setting = appSettings().get('DEPLOYMENT_ID')?.value as string;
    for (const environmentName of SAMPLE_NAMES) {
      const value = namesFor(environmentName, hashToken).scope.evaluate(setting);
      expect(typeof value).toBe('string');
      // short form (at most 20) + '-' + token (13)
      expect(value as string, environmentName).toMatch(/^[a-z0-9-]{15,34}$/);
    }
  });
});

/** References to `environmentName` in a file's masked code, minus those inside uniqueString(...) arguments. */
function rawReferences(file: BicepFile, from: number, to: number): number[] {
  const spans = callSpans(file.masked, 'uniqueString');
  return [...file.masked.slice(from, to).matchAll(/\benvironmentName\b/g)]
    .map((m) => from + (m.index as number))
    .filter((at) => !spans.some(([s, e]) => at >= s && at < e));
}

describe('environmentName: no resource name is built from the raw name', () => {
  it('is used raw only in the azd-env-name tag, in uniqueString, and in vars that only other vars read', () => {
    const vars = declarationsOf(main, 'var');
    // vars computed from the raw name (outside uniqueString)
    const rawVars = new Set(vars.filter((v) => rawReferences(main, v.start, v.start + v.masked.length).length > 0).map((v) => v.name));
    // the azd-env-name tag is the one place the full name must go (azd finds the environment's resources by it)
    const tagVar = vars.find((v) => /'azd-env-name'\s*:\s*environmentName\b/.test(v.code));
    expect(tagVar, 'an azd-env-name tag set to environmentName').toBeDefined();
    rawVars.delete(tagVar!.name);
    expect(rawVars.size, 'the sanitising vars').toBeGreaterThan(0);

    for (const decl of declarationsOf(main, 'resource').concat(declarationsOf(main, 'module'), declarationsOf(main, 'output'))) {
      expect(rawReferences(main, decl.start, decl.start + decl.masked.length), `${decl.kind} ${decl.name} uses environmentName`).toEqual([]);
      for (const raw of rawVars)
        expect(decl.masked, `${decl.kind} ${decl.name} uses ${raw}, which is not sanitised yet`).not.toMatch(new RegExp(`\\b${raw}\\b`));
    }
  });

  it('builds names from the short form: its expression takes, lower-cases and replaces ( ) _ .', () => {
    // the var resources use in their names is computed (through other vars) with these functions
    const identity = declarationsOf(main, 'resource').find((r) => r.target?.startsWith('Microsoft.ManagedIdentity/userAssignedIdentities@'));
    const name = bodyEntries(main, identity!).find((e) => e.key === 'name')?.value ?? '';
    const used = [...name.matchAll(/\$\{\s*([A-Za-z_]\w*)\s*\}/g)].map((m) => m[1] as string).filter((v) => v !== 'resourceToken');
    expect(used).toHaveLength(1);
    const chain = new Set<string>();
    const visit = (v: string) => {
      if (chain.has(v)) return;
      chain.add(v);
      const decl = declarationsOf(main, 'var').find((d) => d.name === v);
      for (const m of (declarationExpression(decl!) ?? '').matchAll(/\b(env[A-Za-z0-9_]*)\b/g))
        if (declarationsOf(main, 'var').some((d) => d.name === m[1])) visit(m[1] as string);
    };
    visit(used[0] as string);
    const text = [...chain].map((v) => declarationExpression(declarationsOf(main, 'var').find((d) => d.name === v)!)).join('\n');
    expect(text).toMatch(/\btake\(/);
    expect(text).toMatch(/\btoLower\(environmentName\)/);
    for (const c of ['(', ')', '_', '.']) expect(text, `replaces '${c}'`).toContain(`'${c}', '-'`);
  });
});
