import { describe, expect, it } from 'vitest';
import { definitionHashOf, desktopFlowVersionId, type DesktopFlowDocument, type FlowDefinition } from '../../../../domain/desktop-flow.js';
import { currentFlowVersion, FlowVersionMissingError, recordFlowVersion, runDefinition } from '../../../../app/desktop-flows/desktop-flow-versions.js';
import { DuplicateDocumentError, type DocumentStore, type StoredDocument, type Versioned } from '../../../../app/ports/document-store.js';

/** The two operations versions use, in memory; counts the creates that were refused as duplicates. */
class VersionStore implements Pick<DocumentStore, 'get' | 'create'> {
  readonly docs = new Map<string, Versioned<StoredDocument>>();
  duplicates = 0;

  async get<T extends StoredDocument>(environmentId: string, id: string): Promise<Versioned<T> | undefined> {
    return this.docs.get(`${environmentId}/${id}`) as Versioned<T> | undefined;
  }

  async create<T extends StoredDocument>(doc: T): Promise<Versioned<T>> {
    const key = `${doc.environmentId}/${doc.id}`;
    if (this.docs.has(key)) {
      this.duplicates++;
      throw new DuplicateDocumentError(doc.id);
    }
    const saved = { ...doc, etag: 'e1' };
    this.docs.set(key, saved);
    return saved;
  }
}

const ENV = 'env-1';
const FLOW = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
const V1: FlowDefinition = { steps: [{ output: { name: 'v', value: '1' } }] };

function deps(store: VersionStore) {
  // only get and create are reached; the rest of the port refuses loudly
  const refuse = () => Promise.reject(new Error('not used by flow versions'));
  return {
    store: { get: store.get.bind(store), create: store.create.bind(store), replace: refuse, delete: refuse, list: refuse },
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
}

const aFlow = (overrides: Partial<DesktopFlowDocument> = {}): DesktopFlowDocument => ({
  id: FLOW,
  environmentId: ENV,
  type: 'desktopFlow',
  name: 'Flow',
  definition: V1,
  ownerId: 'alice',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('desktop flow versions', () => {
  it('writes a version once per definition: the same definition again is the same document', async () => {
    const store = new VersionStore();
    const hash = await recordFlowVersion(deps(store), ENV, FLOW, 1, V1);
    expect(await recordFlowVersion(deps(store), ENV, FLOW, 3, V1)).toBe(hash);
    expect(store.docs.size).toBe(1);
    expect(store.duplicates).toBe(1);
    expect(await store.get(ENV, desktopFlowVersionId(FLOW, hash))).toMatchObject({
      type: 'desktopFlowVersion',
      version: 1,
      definitionHash: hash,
      definition: V1,
    });
  });

  it("answers a flow's current version from the flow; a flow written before versions gets its version document on first use", async () => {
    const store = new VersionStore();
    expect(await currentFlowVersion(deps(store), aFlow({ version: 4, definitionHash: 'h4' }))).toEqual({ version: 4, definitionHash: 'h4' });
    expect(store.docs.size).toBe(0);
    const legacy = await currentFlowVersion(deps(store), aFlow());
    expect(legacy).toEqual({ version: 1, definitionHash: definitionHashOf(V1) });
    expect(store.docs.size).toBe(1);
  });

  it("reads a run's definition from its version; a run written before versions carries its own; a lost version is an error", async () => {
    const store = new VersionStore();
    const definitionHash = await recordFlowVersion(deps(store), ENV, FLOW, 1, V1);
    const run = { id: 'run-1', environmentId: ENV, desktopFlowId: FLOW, definitionHash };
    expect(await runDefinition(deps(store), run)).toEqual(V1);
    const copy: FlowDefinition = { steps: [{ wait: { ms: 5 } }] };
    expect(await runDefinition(deps(store), { ...run, definitionHash: 'gone', definition: copy })).toEqual(copy);
    await expect(runDefinition(deps(store), { ...run, definitionHash: 'gone' })).rejects.toBeInstanceOf(FlowVersionMissingError);
  });
});
