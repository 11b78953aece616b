import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBicep, repoRoot, resolveModulePath, type BicepFile } from './bicep-source.js';
import { appSettings, bodyEntries, declaration, declarationsOf, FUNCTION_APP, MAIN, moduleFile, moduleParams, ROLES } from './infra-model.js';

/** Built-in role definition ids (identical in every tenant). */
const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  virtualMachineContributor: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  /** Cosmos DB Built-in Data Contributor: a Cosmos data-plane role (sqlRoleDefinitions), not Azure RBAC */
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
} as const;
type RoleName = keyof typeof ROLE;

const DURABLE_STORAGE: RoleName[] = ['storageBlobDataOwner', 'storageQueueDataContributor', 'storageTableDataContributor'];

/**
 * What each SDK the production code imports needs from the identity. An import missing here fails the test:
 * decide its roles (or that it needs none) and add it, with the assignment in infra/modules/roles/roles.bicep.
 */
const SDK_ROLES: Record<string, RoleName[]> = {
  '@azure/functions': [...DURABLE_STORAGE, 'monitoringMetricsPublisher'], // the host: AzureWebJobsStorage, telemetry
  'durable-functions': DURABLE_STORAGE, // Azure Storage provider: task hub blobs, queues, tables
  '@azure/cosmos': ['cosmosDataContributor'],
  '@azure/service-bus': ['serviceBusDataOwner'], // ServiceBusAdministrationClient creates/deletes group queues
  '@azure/keyvault-secrets': ['keyVaultSecretsOfficer'], // passwords are written and deleted, not only read
  '@azure/identity': [], // the credential itself: the roles are those of the SDKs it authenticates
  '@azure/arm-compute': ['virtualMachineContributor', 'reader'], // VMs and disks; gallery image versions
  '@azure/arm-network': ['networkContributor'], // NICs joining the bots' subnet
  '@azure/storage-blob': ['storageBlobDataOwner'],
  '@azure/storage-queue': ['storageQueueDataContributor'],
  '@azure/data-tables': ['storageTableDataContributor'],
  '@azure/monitor-opentelemetry': ['monitoringMetricsPublisher'],
  '@azure/abort-controller': [],
  '@azure/logger': [],
};

const SOURCE_DIRS = ['domain', 'app', 'adapters', 'api', 'composition', 'protocol', 'functions', 'orchestrations'];

/** Packages the production code imports (static, type-only and dynamic imports) that need a look here. */
function productionSdkImports(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a source folder that does not exist yet
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]((?:@azure\/[^/'"]+)|durable-functions)(?:\/[^'"]*)?['"]/g)) {
          const sdk = match[1] as string;
          found.set(sdk, [...(found.get(sdk) ?? []), relative(repoRoot, path)]);
        }
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(repoRoot, dir));
  return found;
}

const roles = readBicep(ROLES);

/** The `roleDefinitionIds` map of roles.bicep: key -> GUID. */
function roleMap(): Map<string, string> {
  const entries = bodyEntries(roles, declaration(roles, 'var', 'roleDefinitionIds'));
  return new Map(entries.map((e) => [e.key, e.value.replace(/^'|'$/g, '')]));
}

function assignsRoles(file: BicepFile): boolean {
  return declarationsOf(file, 'resource').some((d) => /^Microsoft\.Authorization\/roleAssignments@|\/sqlRoleAssignments@/.test(d.target ?? ''));
}

/**
 * Role definition ids the roles module really assigns: those a role assignment resource of roles.bicep refers
 * to, plus those it passes to a module of its own that assigns the ids it receives.
 */
function grantedRoleIds(): Set<string> {
  const map = roleMap();
  const granted = new Set<string>();
  const collect = (code: string) => {
    for (const match of code.matchAll(/roleDefinitionIds\.([A-Za-z_]\w*)/g)) {
      const id = map.get(match[1] as string);
      if (id) granted.add(id);
    }
  };
  for (const decl of declarationsOf(roles, 'resource'))
    if (/^Microsoft\.Authorization\/roleAssignments@|\/sqlRoleAssignments@/.test(decl.target ?? '')) collect(decl.code);
  for (const module of declarationsOf(roles, 'module')) {
    const target = moduleFile(roles, module);
    if (!target || !assignsRoles(target)) continue;
    const passed = moduleParams(roles, module).find((e) => e.key === 'roleDefinitionIds');
    // the child must assign what it receives
    const assignments = declarationsOf(target, 'resource').filter((d) => d.target?.startsWith('Microsoft.Authorization/roleAssignments@'));
    if (passed && assignments.some((a) => /for\s+\w+\s+in\s+roleDefinitionIds\s*:/.test(a.code))) collect(passed.value);
  }
  return granted;
}

describe('role assignments of the managed identity (infra/modules/roles)', () => {
  it('names each built-in role by its real id', () => {
    const map = roleMap();
    for (const [name, id] of Object.entries(ROLE)) expect(map.get(name), name).toBe(id);
  });

  it.each(Object.entries(ROLE).filter(([name]) => name !== 'reader'))('assigns %s (%s)', (name, id) => {
    expect(grantedRoleIds().has(id), `${name} is assigned neither by a role assignment of ${ROLES} nor through a module it passes roleDefinitionIds to`).toBe(
      true,
    );
  });

  it('gives Reader on the Compute Gallery when one is given', () => {
    expect(grantedRoleIds().has(ROLE.reader)).toBe(true);
    const gallery = declaration(roles, 'module', 'galleryRoles');
    expect(gallery.code).toMatch(/=\s*if\s*\(\s*!empty\(computeGalleryId\)\s*\)/);
  });

  it('knows the roles of every SDK the production code imports, and assigns them', () => {
    const imports = productionSdkImports();
    expect(imports.has('@azure/cosmos'), 'the scan finds the production imports').toBe(true);
    const granted = grantedRoleIds();
    for (const [sdk, files] of imports) {
      const needed = SDK_ROLES[sdk];
      expect(needed, `${sdk} (imported by ${files.join(', ')}) is not in SDK_ROLES: add it with the roles it needs`).toBeDefined();
      for (const role of needed ?? []) expect(granted.has(ROLE[role]), `${sdk} needs ${role}, which roles.bicep does not assign`).toBe(true);
    }
  });

  it('grants the data-plane Cosmos role through sqlRoleAssignments on the account', () => {
    const cosmos = declarationsOf(roles, 'resource').find((d) => d.target?.startsWith('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@'));
    expect(cosmos).toBeDefined();
    expect(cosmos!.code).toContain('/sqlRoleDefinitions/${roleDefinitionIds.cosmosDataContributor}');
  });

  it('assigns every Azure RBAC role to the identity as a service principal', () => {
    const files = [
      roles,
      ...declarationsOf(roles, 'module')
        .map((m) => moduleFile(roles, m))
        .filter((f): f is BicepFile => f !== undefined),
    ];
    for (const file of files) {
      for (const decl of declarationsOf(file, 'resource').filter((d) => d.target?.startsWith('Microsoft.Authorization/roleAssignments@'))) {
        const properties = bodyEntries(file, decl).find((e) => e.key === 'properties')?.value ?? '';
        expect(properties, `${file.rel} ${decl.name}`).toMatch(/principalId:\s*principalId/);
        expect(properties, `${file.rel} ${decl.name}`).toMatch(/principalType:\s*'ServicePrincipal'/);
      }
    }
  });

  it('puts role assignments in the roles module only', () => {
    const main = readBicep(MAIN);
    const rolesCall = declarationsOf(main, 'module').find((m) => m.target && resolveModulePath(main, m.target) === ROLES);
    expect(rolesCall, `${MAIN} calls ${ROLES}`).toBeDefined();
    expect(moduleParams(main, rolesCall!).find((e) => e.key === 'principalId')?.value).toBe('identity.properties.principalId');
    for (const module of declarationsOf(main, 'module')) {
      const file = moduleFile(main, module);
      if (file && file.rel !== ROLES) expect(assignsRoles(file), `${file.rel} assigns roles`).toBe(false);
    }
    expect(assignsRoles(main)).toBe(false);
  });
});

describe('the roles are granted on the resources the app really uses, to the identity it runs as', () => {
  const main = readBicep(MAIN);
  const rolesCall = declarationsOf(main, 'module').find((m) => m.target && resolveModulePath(main, m.target) === ROLES)!;
  const functionAppCall = declarationsOf(main, 'module').find((m) => m.target && resolveModulePath(main, m.target) === FUNCTION_APP)!;
  const toRoles = new Map(moduleParams(main, rolesCall).map((e) => [e.key, e.value]));
  const toApp = new Map(moduleParams(main, functionAppCall).map((e) => [e.key, e.value]));
  const settings = appSettings();

  it.each([
    ['cosmosAccountName', 'COSMOS_ENDPOINT'],
    ['serviceBusNamespaceName', 'SERVICEBUS_NAMESPACE'],
    ['keyVaultName', 'KEYVAULT_URL'],
  ])('%s is the resource %s points the app at', (param, setting) => {
    const module = /^([A-Za-z_]\w*)\.outputs\.name$/.exec(toRoles.get(param) ?? '')?.[1];
    expect(module, `${param} should be <module>.outputs.name`).toBeDefined();
    expect(settings.get(setting)?.value, `${setting} and the ${param} role come from different modules`).toMatch(new RegExp(`^${module}\\.outputs\\.`));
  });

  it('the storage and Application Insights roles are on the host storage and telemetry component of the app', () => {
    expect(toRoles.get('storageAccountName')).toBe(toApp.get('storageAccountName'));
    const insights = /^([A-Za-z_]\w*)\.outputs\.applicationInsightsName$/.exec(toRoles.get('applicationInsightsName') ?? '')?.[1];
    expect(insights).toBeDefined();
    expect(toApp.get('applicationInsightsConnectionString')).toMatch(new RegExp(`^${insights}\\.outputs\\.`));
  });

  it("the bots' roles are on the resource group and subnet the provisioner uses", () => {
    expect(toRoles.get('botsResourceGroupName')).toBe(settings.get('BOTS_RESOURCE_GROUP')?.value);
    expect(toRoles.get('botsSubnetId')).toBe(settings.get('BOTS_SUBNET_ID')?.value);
    expect(toRoles.get('computeGalleryId')).toBe('computeGalleryId');
  });

  it('the identity holding the roles is the one the app runs and authenticates as', () => {
    const identity = /^([A-Za-z_]\w*)\.properties\.principalId$/.exec(toRoles.get('principalId') ?? '')?.[1];
    expect(identity).toBeDefined();
    expect(toApp.get('identityId')).toBe(`${identity}.id`);
    expect(toApp.get('identityClientId')).toBe(`${identity}.properties.clientId`);
    expect(settings.get('AZURE_CLIENT_ID')?.value).toBe(`${identity}.properties.clientId`);
  });

  it('the function app is deployed after its roles (the host starts with its storage roles in place)', () => {
    const dependsOn = bodyEntries(main, functionAppCall).find((e) => e.key === 'dependsOn')?.value ?? '';
    expect(dependsOn).toMatch(new RegExp(`\\b${rolesCall.name}\\b`));
  });
});
