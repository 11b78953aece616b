import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infraFiles, jsonLoads, loopOf, readBicep, repoRoot, type BicepFile } from './bicep-source.js';
import { bodyEntries, COSMOS_JSON, declaration, declarationsOf, entriesOf, MAIN, moduleFile, moduleParams, SERVICE_BUS_JSON } from './infra-model.js';

/**
 * infra/definitions/*.json are the one definition of the Cosmos containers and the Service Bus queues, read
 * by the code, the local cloud and the Bicep. These tests keep the Bicep reading them instead of restating them.
 */
interface CosmosJson {
  databaseName: string;
  containers: Array<{ name: string; partitionKeyPaths: string[]; uniqueKeyPaths: string[] }>;
}
interface ServiceBusJson {
  groupQueue: Record<string, unknown> & { namePrefix: string };
  fixedQueues: Array<Record<string, unknown> & { name: string }>;
}

const cosmosJson = JSON.parse(readFileSync(join(repoRoot, COSMOS_JSON), 'utf8')) as CosmosJson;
const serviceBusJson = JSON.parse(readFileSync(join(repoRoot, SERVICE_BUS_JSON), 'utf8')) as ServiceBusJson;
const main = readBicep(MAIN);
const allFiles = infraFiles()
  .filter((f) => f.endsWith('.bicep'))
  .map(readBicep);

/** The variable of main.bicep holding `loadJsonContent('<path>')`. */
function loadedInto(path: string): string {
  const load = jsonLoads(main).find((l) => l.path === path);
  expect(load, `${MAIN} does not loadJsonContent('${path.replace('infra/', '')}')`).toBeDefined();
  expect(load?.variable, `assign loadJsonContent('${path}') to a var`).toBeDefined();
  return load?.variable as string;
}

/** The module main.bicep passes `<variable>.<field>` to, and the name of the module param receiving it. */
function moduleReceiving(variable: string, field: string): { file: BicepFile; param: string } {
  for (const module of declarationsOf(main, 'module')) {
    const entry = moduleParams(main, module).find((e) => e.value === `${variable}.${field}`);
    if (!entry) continue;
    const file = moduleFile(main, module);
    if (file) return { file, param: entry.key };
  }
  throw new Error(`no module of ${MAIN} receives ${variable}.${field}`);
}

/** Resources of every infra file whose type is `type@...`. */
function resourcesOfType(type: string) {
  return allFiles.flatMap((file) =>
    declarationsOf(file, 'resource')
      .filter((d) => d.target?.startsWith(`${type}@`))
      .map((decl) => ({ file, decl })),
  );
}

/** A quoted string literal's content, or undefined for an expression. */
function literal(value: string | undefined): string | undefined {
  const match = /^'([^'$]*)'$/.exec(value ?? '');
  return match ? match[1] : undefined;
}

describe('Cosmos DB from infra/definitions/cosmos.json', () => {
  const variable = loadedInto(COSMOS_JSON);
  const { file, param } = moduleReceiving(variable, 'containers');
  const containers = resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');

  it('passes databaseName and containers of the JSON to the Cosmos module', () => {
    const received = moduleReceiving(variable, 'databaseName');
    expect(received.file.rel).toBe(file.rel);
    const database = resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlDatabases').filter((r) => r.file.rel === file.rel);
    expect(database).toHaveLength(1);
    expect(bodyEntries(file, database[0]!.decl).find((e) => e.key === 'name')?.value).toBe(received.param);
  });

  it('creates one container per entry: the container resource loops over the containers param', () => {
    const looping = containers.filter(({ file: f, decl }) => f.rel === file.rel && loopOf(f, decl)?.source === param);
    expect(looping, `a containers resource in ${file.rel} should read [for c in ${param}: ...]`).toHaveLength(1);
    const { decl } = looping[0]!;
    const item = loopOf(file, decl)!.item;
    expect(bodyEntries(file, decl).find((e) => e.key === 'name')?.value).toBe(`${item}.name`);
    // every field of a container definition is used, partitionKeyPaths first of all
    const fields = new Set(cosmosJson.containers.flatMap((c) => Object.keys(c)));
    for (const field of fields) expect(decl.code, `${item}.${field} unused`).toMatch(new RegExp(`\\b${item}\\.\\??${field}\\b`));
    expect(decl.code).toMatch(new RegExp(`paths:\\s*${item}\\.partitionKeyPaths\\b`));
    // several paths are a hierarchical key: Cosmos takes them only as kind MultiHash
    expect(decl.code).toMatch(new RegExp(`kind:\\s*length\\(${item}\\.partitionKeyPaths\\)\\s*>\\s*1\\s*\\?\\s*'MultiHash'\\s*:\\s*'Hash'`));
  });

  it('declares the container type with every field of the JSON', () => {
    const type = declarationsOf(file, 'type')[0];
    expect(type, `${file.rel} should type its ${param} param`).toBeDefined();
    const fields = bodyEntries(file, type!).map((e) => e.key);
    for (const container of cosmosJson.containers) for (const field of Object.keys(container)) expect(fields, `type lacks ${field}`).toContain(field);
  });

  it('writes no container literally, or else with the JSON values', () => {
    for (const { file: f, decl } of containers) {
      if (loopOf(f, decl)) continue;
      const name = literal(bodyEntries(f, decl).find((e) => e.key === 'name')?.value);
      const defined = cosmosJson.containers.find((c) => c.name === name);
      expect(defined, `${f.rel}: container ${name} is not in ${COSMOS_JSON}`).toBeDefined();
      const path = /paths:\s*\[\s*'([^']*)'/.exec(decl.code)?.[1];
      expect(path, `${f.rel}: container ${name} partition key`).toBe(defined?.partitionKeyPaths[0]);
    }
  });

  it('restates no partition key path, and names the database from the JSON only', () => {
    for (const f of allFiles) {
      for (const c of cosmosJson.containers) for (const path of c.partitionKeyPaths) expect(f.code, `${f.rel} writes ${path}`).not.toContain(`'${path}'`);
      expect(f.code, `${f.rel} writes a database name`).not.toMatch(/\bdatabaseName:\s*'/);
    }
    for (const { file: f, decl } of resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlDatabases')) {
      expect(literal(bodyEntries(f, decl).find((e) => e.key === 'name')?.value), `${f.rel}: database name written literally`).toBeUndefined();
    }
  });
});

describe('Service Bus from infra/definitions/service-bus.json', () => {
  const variable = loadedInto(SERVICE_BUS_JSON);
  const { file, param } = moduleReceiving(variable, 'fixedQueues');
  const queues = resourcesOfType('Microsoft.ServiceBus/namespaces/queues');
  // fixed queues have the shape of the group queue (less the prefix) plus a name
  const queueFields = ['name', ...Object.keys(serviceBusJson.groupQueue).filter((k) => k !== 'namePrefix')];

  it('creates the fixed queues by looping over the fixedQueues param', () => {
    const looping = queues.filter(({ file: f, decl }) => f.rel === file.rel && loopOf(f, decl)?.source === param);
    expect(looping, `a queues resource in ${file.rel} should read [for q in ${param}: ...]`).toHaveLength(1);
    const { decl } = looping[0]!;
    const item = loopOf(file, decl)!.item;
    const properties = entriesOf(
      file,
      bodyEntries(file, decl).find((e) => e.key === 'properties'),
    );
    for (const field of queueFields.filter((f) => f !== 'name')) {
      expect(properties.find((e) => e.key === field)?.value, `queue property ${field}`).toBe(`${item}.${field}`);
    }
    expect(bodyEntries(file, decl).find((e) => e.key === 'name')?.value).toBe(`${item}.name`);
  });

  it('declares the queue type with every queue field', () => {
    const type = declarationsOf(file, 'type')[0];
    expect(type, `${file.rel} should type its ${param} param`).toBeDefined();
    const fields = bodyEntries(file, type!).map((e) => e.key);
    for (const field of queueFields) expect(fields, `type lacks ${field}`).toContain(field);
    for (const queue of serviceBusJson.fixedQueues) for (const field of Object.keys(queue)) expect(fields, `type lacks ${field}`).toContain(field);
  });

  it('writes no queue literally, or else one of fixedQueues with its values', () => {
    for (const { file: f, decl } of queues) {
      if (loopOf(f, decl)) continue;
      const name = literal(bodyEntries(f, decl).find((e) => e.key === 'name')?.value);
      const defined = serviceBusJson.fixedQueues.find((q) => q.name === name);
      expect(defined, `${f.rel}: queue ${name} is not in fixedQueues of ${SERVICE_BUS_JSON}`).toBeDefined();
      const properties = entriesOf(
        f,
        bodyEntries(f, decl).find((e) => e.key === 'properties'),
      );
      for (const p of properties) {
        const expected = defined?.[p.key];
        if (expected !== undefined) expect(p.value, `${name}.${p.key}`).toBe(typeof expected === 'string' ? `'${expected}'` : String(expected));
      }
    }
  });

  it('declares no per-group queue: the app creates group-{id} queues at run time', () => {
    for (const f of allFiles) expect(f.code, `${f.rel} writes the group queue prefix`).not.toContain(`'${serviceBusJson.groupQueue.namePrefix}`);
  });
});

describe('Service Bus namespace module', () => {
  it('is the module receiving the fixed queues, with its namespace output used as SERVICEBUS_NAMESPACE', () => {
    const { file } = moduleReceiving(loadedInto(SERVICE_BUS_JSON), 'fixedQueues');
    expect(declaration(file, 'output', 'fullyQualifiedNamespace')).toBeDefined();
    expect(main.code).toMatch(/SERVICEBUS_NAMESPACE:\s*serviceBus\.outputs\.fullyQualifiedNamespace/);
  });
});
