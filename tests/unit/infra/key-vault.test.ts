import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infraFiles, readBicep, repoRoot } from './bicep-source.js';
import {
  allowedValues,
  bodyEntries,
  declaration,
  declarationsOf,
  entriesOf,
  MAIN,
  moduleFile,
  moduleParams,
  numericDecorator,
  PARAMS,
  paramDefault,
} from './infra-model.js';

/**
 * `azd down` then `azd up` must work within the Key Vault retention period: the vault name is deterministic, so
 * the soft-deleted vault must be purgeable (`azd down --purge`: no purge protection) or recoverable (createMode
 * 'recover', KEY_VAULT_CREATE_MODE). And `azd up` twice must change nothing between runs.
 */
const main = readBicep(MAIN);
const keyVaultCall = declarationsOf(main, 'module').find((m) => moduleFile(main, m)?.source.includes("'Microsoft.KeyVault/vaults@"));
const keyVaultModule = keyVaultCall ? moduleFile(main, keyVaultCall) : undefined;
const vaults = infraFiles()
  .filter((f) => f.endsWith('.bicep'))
  .map(readBicep)
  .flatMap((file) =>
    declarationsOf(file, 'resource')
      .filter((d) => d.target?.startsWith('Microsoft.KeyVault/vaults@') && !/\bexisting\s*=/.test(d.masked))
      .map((decl) => ({ file, decl })),
  );

/** The `param x = readEnvironmentVariable('NAME', 'default')` line of main.bicepparam for a param. */
function fromEnvironment(param: string): { variable: string; fallback?: string } | undefined {
  const params = readBicep(PARAMS);
  const line = new RegExp(`^param\\s+${param}\\s*=\\s*(.*)$`, 'm').exec(params.code)?.[1] ?? '';
  const match = /readEnvironmentVariable\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)/.exec(line);
  return match ? { variable: match[1] as string, fallback: match[2] } : undefined;
}

describe('Key Vault: torn down and deployed again within the retention period', () => {
  it('declares one vault, in a module main.bicep calls', () => {
    expect(vaults).toHaveLength(1);
    expect(keyVaultModule?.rel).toBe(vaults[0]?.file.rel);
  });

  it('has no purge protection, so `azd down --purge` can free the name', () => {
    for (const { file, decl } of vaults) {
      // true blocks the purge; false is refused by ARM on a vault that has it; left out, a new vault has it off
      expect(decl.code, `${file.rel} ${decl.name}`).not.toMatch(/\benablePurgeProtection\s*:/);
      expect(decl.code).toMatch(/\benableSoftDelete:\s*true\b/);
    }
    for (const rel of infraFiles()) expect(readBicep(rel).code, rel).not.toMatch(/enablePurgeProtection:\s*true/);
  });

  it("takes createMode from a param ('default' | 'recover', 'default' by default)", () => {
    const { file, decl } = vaults[0]!;
    const properties = entriesOf(
      file,
      bodyEntries(file, decl).find((e) => e.key === 'properties'),
    );
    const createMode = properties.find((e) => e.key === 'createMode')?.value;
    expect(createMode, 'properties.createMode of the vault').toMatch(/^[A-Za-z_]\w*$/);
    const param = declaration(file, 'param', createMode as string);
    expect(allowedValues(file, param)?.sort()).toEqual(['default', 'recover']);
    expect(paramDefault(file, createMode as string)).toBe("'default'");
  });

  it('main.bicep passes keyVaultCreateMode, read from KEY_VAULT_CREATE_MODE (default: default)', () => {
    const passed = moduleParams(main, keyVaultCall!);
    const { file, decl } = vaults[0]!;
    const createModeParam = entriesOf(
      file,
      bodyEntries(file, decl).find((e) => e.key === 'properties'),
    ).find((e) => e.key === 'createMode')?.value as string;
    expect(passed.find((e) => e.key === createModeParam)?.value).toBe('keyVaultCreateMode');
    const param = declaration(main, 'param', 'keyVaultCreateMode');
    expect(allowedValues(main, param)?.sort()).toEqual(['default', 'recover']);
    expect(paramDefault(main, 'keyVaultCreateMode')).toBe("'default'");
    expect(fromEnvironment('keyVaultCreateMode')).toEqual({ variable: 'KEY_VAULT_CREATE_MODE', fallback: 'default' });
  });

  it('keeps deleted vaults 7 days by default, settable for vaults created with another retention', () => {
    const { file, decl } = vaults[0]!;
    const retention = entriesOf(
      file,
      bodyEntries(file, decl).find((e) => e.key === 'properties'),
    ).find((e) => e.key === 'softDeleteRetentionInDays')?.value as string;
    expect(retention).toMatch(/^[A-Za-z_]\w*$/);
    expect(paramDefault(file, retention)).toBe('7');
    expect(moduleParams(main, keyVaultCall!).find((e) => e.key === retention)?.value).toBe('keyVaultSoftDeleteRetentionInDays');
    const param = declaration(main, 'param', 'keyVaultSoftDeleteRetentionInDays');
    expect(paramDefault(main, 'keyVaultSoftDeleteRetentionInDays')).toBe('7');
    expect(numericDecorator(main, param, 'minValue')).toBe(7);
    expect(numericDecorator(main, param, 'maxValue')).toBe(90);
    expect(fromEnvironment('keyVaultSoftDeleteRetentionInDays')).toEqual({ variable: 'KEY_VAULT_SOFT_DELETE_RETENTION_DAYS', fallback: '7' });
  });

  it('docs/deploy.md tells how to purge, recover and set the retention', () => {
    const guide = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
    expect(guide).toContain('azd down --purge');
    expect(guide).toContain('azd env set KEY_VAULT_CREATE_MODE recover');
    expect(guide).toContain('KEY_VAULT_SOFT_DELETE_RETENTION_DAYS');
    expect(guide).not.toMatch(/purge protection forbids/i);
  });
});

describe('azd up twice: nothing changes between runs', () => {
  it.each(infraFiles())('%s uses no value that changes per deployment', (rel) => {
    const code = readBicep(rel).code;
    expect(code).not.toMatch(/\butcNow\s*\(/);
    expect(code).not.toMatch(/\bnewGuid\s*\(/);
    // deployment() names differ per run when azd names the deployment with a timestamp
    expect(code).not.toMatch(/\bdeployment\(\)\s*\.\s*name\b/);
  });

  it('names role assignments and resources from stable inputs only (guid and uniqueString of ids and params)', () => {
    for (const rel of infraFiles().filter((f) => f.endsWith('.bicep'))) {
      const file = readBicep(rel);
      for (const decl of declarationsOf(file, 'resource').concat(declarationsOf(file, 'module'))) {
        const name = bodyEntries(file, decl).find((e) => e.key === 'name')?.value ?? '';
        expect(name, `${rel} ${decl.name}`).not.toMatch(/utcNow|newGuid|deployment\(\)/);
      }
    }
  });
});
