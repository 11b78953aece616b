import { describe, expect, it } from 'vitest';
import { definitionHashOf, desktopFlowVersionId } from '../../../domain/desktop-flow.js';

describe('desktop flow versions', () => {
  it('hash a definition by content: the same steps whatever the key order, another step another hash', () => {
    const a = definitionHashOf({ steps: [{ output: { name: 'x', value: '1' } }] });
    const reordered = definitionHashOf(JSON.parse('{"steps":[{"output":{"value":"1","name":"x"}}]}'));
    expect(reordered).toBe(a);
    expect(definitionHashOf({ steps: [{ output: { name: 'x', value: '2' } }] })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("name a version document by the flow and the hash, within Cosmos DB's 255-character ids", () => {
    const id = desktopFlowVersionId('6f9619ff-8b86-4011-b42d-00c04fc964ff', definitionHashOf({ steps: [] }));
    expect(id.startsWith('desktopFlowVersion:6f9619ff-8b86-4011-b42d-00c04fc964ff:')).toBe(true);
    expect(id.length).toBeLessThanOrEqual(255);
    expect(id).not.toMatch(/[/\\?#]/);
  });
});
