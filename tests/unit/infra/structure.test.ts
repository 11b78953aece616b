import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balanceProblems, declarations, exists, infraFiles, jsonLoads, mask, readBicep, repoRoot, resolveModulePath } from './bicep-source.js';
import { bodyEntries, declarationsOf, MAIN, moduleFile, moduleParams, PARAMS } from './infra-model.js';

/**
 * What the Bicep compiler would catch first, checked on the text since the compiler cannot run here: lexical
 * soundness, module paths and their params and outputs, the parameters file, API versions.
 */
const files = infraFiles();
const bicepFiles = files.filter((f) => f.endsWith('.bicep'));

describe('infra/ Bicep structure', () => {
  it('has main.bicep, main.bicepparam and modules', () => {
    expect(files).toContain(MAIN);
    expect(files).toContain(PARAMS);
    expect(bicepFiles.length).toBeGreaterThan(5);
  });

  it.each(files)('%s: strings and comments end, braces, brackets and parentheses balance', (rel) => {
    const source = readFileSync(join(repoRoot, rel), 'utf8');
    expect(balanceProblems(mask(source))).toEqual([]);
  });

  it.each(bicepFiles)('%s: every local module path exists', (rel) => {
    const file = readBicep(rel);
    for (const module of declarationsOf(file, 'module')) {
      expect(module.target, `module ${module.name} has no path`).toBeDefined();
      if (/^(br|ts)[:/]/.test(module.target!)) {
        expect(module.target, 'registry modules are pinned to a version').toMatch(/:\d+\.\d+\.\d+$/);
        continue;
      }
      const path = resolveModulePath(file, module.target!);
      expect(exists(path!), `module ${module.name}: ${path} does not exist`).toBe(true);
    }
  });

  it.each(bicepFiles)('%s: module calls pass every required param and only declared ones', (rel) => {
    const file = readBicep(rel);
    for (const module of declarationsOf(file, 'module')) {
      const target = moduleFile(file, module);
      if (!target) continue;
      const declared = declarationsOf(target, 'param');
      const passed = moduleParams(file, module).map((e) => e.key);
      for (const p of passed)
        expect(
          declared.map((d) => d.name),
          `${module.name} passes ${p}, which ${target.rel} does not declare`,
        ).toContain(p);
      for (const p of declared.filter((d) => !d.hasDefault))
        expect(passed, `${module.name} misses required param ${p.name} of ${target.rel}`).toContain(p.name);
    }
  });

  it.each(bicepFiles)('%s: module outputs used exist', (rel) => {
    const file = readBicep(rel);
    const modules = new Map(declarationsOf(file, 'module').map((m) => [m.name, m]));
    // `m.outputs.x`, and the safe (`m.?outputs.x`) and null-forgiving (`m!.outputs.x`) forms
    for (const match of file.code.matchAll(/\b([A-Za-z_]\w*)\s*!?\s*\.\??\s*outputs\s*\.\??\s*([A-Za-z_]\w*)/g)) {
      const module = modules.get(match[1] as string);
      expect(module, `${match[0]}: no module ${match[1]}`).toBeDefined();
      const target = moduleFile(file, module!);
      if (!target) continue;
      expect(
        declarationsOf(target, 'output').map((o) => o.name),
        `${match[0]}: ${target.rel} has no output ${match[2]}`,
      ).toContain(match[2]);
    }
  });

  it.each(bicepFiles)('%s: conditional resources and modules are read with .? or ! only (BCP318)', (rel) => {
    // reading a property of a resource or module declared `= if (...)` is a possible null dereference: Bicep warns
    // (BCP318), and ARM fails the deployment when the condition is false and the expression is evaluated
    const file = readBicep(rel);
    const conditional = declarations(file).filter((d) => (d.kind === 'resource' || d.kind === 'module') && /^[^=]*=\s*if\s*\(/.test(d.masked));
    for (const decl of conditional) {
      // code, not masked: an interpolation inside a string counts too
      const unsafe = [...file.code.matchAll(new RegExp(`\\b${decl.name}\\s*(\\.(?!\\?)|\\[(?!\\?))`, 'g'))].filter(
        (m) => m.index < decl.start || m.index >= decl.start + decl.masked.length,
      );
      expect(
        unsafe.map((m) => `line ${file.source.slice(0, m.index).split('\n').length}: ${decl.name}${m[1]}`),
        `${rel}: ${decl.kind} ${decl.name} is conditional; use ${decl.name}.?x (with a ?? fallback), ${decl.name}!.x, or resourceId() and dependsOn`,
      ).toEqual([]);
    }
  });

  it.each(bicepFiles)('%s: every loadJsonContent file exists', (rel) => {
    for (const load of jsonLoads(readBicep(rel))) expect(exists(load.path), load.path).toBe(true);
  });

  it.each(bicepFiles)('%s: names are declared once, resources use a released API version', (rel) => {
    const file = readBicep(rel);
    const names = declarations(file)
      .filter((d) => d.kind !== 'output') // outputs have a namespace of their own
      .map((d) => d.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    for (const resource of declarationsOf(file, 'resource')) expect(resource.target, resource.name).toMatch(/^[A-Za-z.]+\/[A-Za-z./]+@\d{4}-\d{2}-\d{2}$/);
  });

  it('main.bicepparam gives every param main.bicep has no default for, and only params it declares', () => {
    const main = readBicep(MAIN);
    const params = readBicep(PARAMS);
    expect(params.code).toMatch(/^\s*(\/\/.*\n|\s)*using\s+'main\.bicep'/);
    const given = [...params.masked.matchAll(/^param\s+([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1] as string);
    const declared = declarationsOf(main, 'param');
    for (const p of declared.filter((d) => !d.hasDefault)) expect(given, `main.bicepparam does not give ${p.name}`).toContain(p.name);
    for (const g of given)
      expect(
        declared.map((d) => d.name),
        `main.bicepparam gives ${g}, which main.bicep does not declare`,
      ).toContain(g);
  });

  it('deploys at resource group scope, as az deployment group create and azd expect', () => {
    expect(readBicep(MAIN).code).toMatch(/^targetScope\s*=\s*'resourceGroup'/m);
  });

  it('main.bicep outputs what docs/deploy.md and README use', () => {
    const outputs = declarationsOf(readBicep(MAIN), 'output').map((o) => o.name);
    expect(outputs).toEqual(expect.arrayContaining(['FUNCTION_APP_NAME', 'API_BASE_URL', 'KEY_VAULT_URI', 'COSMOS_ENDPOINT', 'SERVICEBUS_NAMESPACE']));
    const guide = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
    for (const output of outputs) expect(guide, `docs/deploy.md does not mention output ${output}`).toContain(output);
  });

  it('azure.yaml deploys the api service as a JS function app from the folder npm run package stages, with its node_modules', () => {
    const yaml = readFileSync(join(repoRoot, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/^services:\s*\n\s+api:\s*\n/m);
    expect(yaml).toMatch(/^\s+project:\s*\.\s*$/m);
    expect(yaml).toMatch(/^\s+language:\s*js\s*$/m);
    expect(yaml).toMatch(/^\s+host:\s*function\s*$/m);
    expect(yaml).toMatch(/prepackage:[\s\S]*run:\s*npm ci && npm run package/);
    // the staged folder (packaging/build-package.ts), uploaded as it is: nothing is built on the server
    expect(yaml).toMatch(/^\s+dist:\s*\.deploy\/package\s*$/m);
    expect(yaml).toMatch(/^\s+remoteBuild:\s*false\s*$/m);
    expect(yaml).toMatch(/^\s+path:\s*infra\s*$/m);
    // azd finds the app by this tag
    const site = declarationsOf(readBicep('infra/modules/function-app.bicep'), 'resource').find((r) => r.target?.startsWith('Microsoft.Web/sites@'));
    expect(site?.code).toMatch(/'azd-service-name':\s*'api'/);
  });
});

describe('infra/ hardening', () => {
  /** `key: value` pairs that must appear in the body of every resource of a type. */
  const REQUIRED: Array<[type: string, settings: Record<string, string>]> = [
    [
      'Microsoft.Storage/storageAccounts',
      { allowSharedKeyAccess: 'false', allowBlobPublicAccess: 'false', minimumTlsVersion: "'TLS1_2'", supportsHttpsTrafficOnly: 'true' },
    ],
    ['Microsoft.DocumentDB/databaseAccounts', { disableLocalAuth: 'true', minimalTlsVersion: "'Tls12'" }],
    // SAS on only for the bots' Listen-only queue tokens (service-bus.bicep; checked below)
    ['Microsoft.ServiceBus/namespaces', { disableLocalAuth: 'false', minimumTlsVersion: "'1.2'" }],
    // no purge protection: azd down --purge must be able to free the vault's name (key-vault.test.ts)
    ['Microsoft.KeyVault/vaults', { enableRbacAuthorization: 'true', enableSoftDelete: 'true' }],
    ['Microsoft.Insights/components', { DisableLocalAuth: 'true' }],
    ['Microsoft.Web/sites', { httpsOnly: 'true', minTlsVersion: "'1.2'" }],
  ];

  it.each(REQUIRED)('%s is hardened', (type, settings) => {
    const resources = bicepFiles.flatMap((rel) => {
      const file = readBicep(rel);
      return declarationsOf(file, 'resource')
        .filter((d) => d.target?.startsWith(`${type}@`) && !/\bexisting\s*=/.test(d.masked))
        .map((d) => ({ file, d }));
    });
    expect(resources.length, `no ${type} is declared`).toBeGreaterThan(0);
    for (const { file, d } of resources) {
      for (const [key, value] of Object.entries(settings))
        expect(d.code, `${file.rel} ${d.name}: ${key}`).toMatch(new RegExp(`\\b${key}:\\s*${value.replace(/[.']/g, (c) => `\\${c}`)}\\s*(\\n|$)`));
    }
  });

  it('runs the function app on Flex Consumption with Node 20 or later, as a user-assigned identity', () => {
    const file = readBicep('infra/modules/function-app.bicep');
    const plan = declarationsOf(file, 'resource').find((r) => r.target?.startsWith('Microsoft.Web/serverfarms@'));
    expect(plan?.code).toMatch(/name:\s*'FC1'/);
    expect(plan?.code).toMatch(/tier:\s*'FlexConsumption'/);
    const site = declarationsOf(file, 'resource').find((r) => r.target?.startsWith('Microsoft.Web/sites@'));
    const identity = bodyEntries(file, site!).find((e) => e.key === 'identity')?.value;
    expect(identity).toMatch(/type:\s*'UserAssigned'/);
    expect(site?.code).toMatch(/runtime:\s*\{\s*name:\s*'node'\s*version:\s*nodeVersion\s*\}/);
    expect(site?.code).toMatch(/authentication:\s*\{\s*type:\s*'UserAssignedIdentity'/);
    const allowed = declarationsOf(file, 'param').find((p) => p.name === 'nodeVersion')!.code;
    const versions = [...allowed.matchAll(/'(\d+)'/g)].map((m) => Number(m[1]));
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(v).toBeGreaterThanOrEqual(20);
  });
});
