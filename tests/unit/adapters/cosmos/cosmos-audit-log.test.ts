import type { Container } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import { AUDIT, type AuditDocument } from '../../../../app/audit-log.js';
import { AUDIT_WRITE_ATTEMPTS, CosmosAuditLog } from '../../../../adapters/cosmos/cosmos-audit-log.js';

const entry: AuditDocument = {
  id: 'e1',
  environmentId: 'env',
  type: AUDIT,
  at: '2026-12-06T12:00:00.000Z',
  actor: 'alice',
  actorIsApp: false,
  action: 'updateGroup',
  method: 'PATCH',
  route: 'environments/{env}/groups/{id}',
  targetId: 'g1',
  changedFields: ['maxBots'],
  status: 200,
  createdAt: '2026-12-06T12:00:00.000Z',
  updatedAt: '2026-12-06T12:00:00.000Z',
};

/** A container whose creates answer the given outcomes in turn (a number: that Cosmos status as an error). */
function container(outcomes: Array<number | 'ok'>): { container: Container; creates: () => number } {
  let creates = 0;
  const fake = {
    items: {
      create: async () => {
        const outcome = outcomes[creates++] ?? 'ok';
        if (outcome === 'ok') return {};
        throw Object.assign(new Error(`status ${outcome}`), { code: outcome });
      },
    },
  };
  return { container: fake as unknown as Container, creates: () => creates };
}

const noWait = async () => undefined;

describe('CosmosAuditLog.record', () => {
  it('retries transient failures (503, 429, 408, no status) until the entry is written', async () => {
    const c = container([503, 429, 408, Number.NaN]);
    await new CosmosAuditLog(c.container, noWait).record(entry);
    expect(c.creates()).toBe(5);
  });

  it('takes a 409 as written (an earlier attempt wrote it, its answer was lost)', async () => {
    const c = container([503, 409]);
    await expect(new CosmosAuditLog(c.container, noWait).record(entry)).resolves.toBeUndefined();
    expect(c.creates()).toBe(2);
  });

  it('gives up after AUDIT_WRITE_ATTEMPTS, and at once on a permanent 4xx', async () => {
    const failing = container(Array.from({ length: 10 }, () => 503));
    await expect(new CosmosAuditLog(failing.container, noWait).record(entry)).rejects.toThrow('503');
    expect(failing.creates()).toBe(AUDIT_WRITE_ATTEMPTS);
    const bad = container([400]);
    await expect(new CosmosAuditLog(bad.container, noWait).record(entry)).rejects.toThrow('400');
    expect(bad.creates()).toBe(1);
  });
});
