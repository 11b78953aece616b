import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateDocumentError, StalePreconditionError, type DocumentStore } from '../../../../app/ports/document-store.js';
import { IDEMPOTENCY, type IdempotencyRecord } from '../../../../app/runs/run-store.js';
import {
  IDEMPOTENCY_TTL_SECONDS,
  bodyHashOf,
  idempotencyRecordId,
  lookUpKey,
  reserveKey,
  type IdempotencyPorts,
  type KeyUse,
} from '../../../../app/runs/idempotency.js';
import { fixedClock, type FixedClock } from '../../../support/fakes/fixed-clock.js';
import { MemoryRunStore } from '../../../support/fakes/memory-run-store.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const DAY_MS = IDEMPOTENCY_TTL_SECONDS * 1000;
const use: KeyUse = { environmentId: ENV, callerId: 'alice', key: 'order-42', bodyHash: bodyHashOf({ inputs: { order: 42 } }) };
const RECORD_ID = idempotencyRecordId(ENV, 'alice', 'order-42');

let runs: MemoryRunStore;
let clock: FixedClock;
let ports: IdempotencyPorts;

const record = async () => (await runs.docs.get<IdempotencyRecord>(ENV, RECORD_ID))!;

/** The ports with some of the runs container's operations swapped; the rest stay the memory store's. */
function portsOverriding(overrides: Partial<DocumentStore>): IdempotencyPorts {
  const docs = Object.assign(Object.create(runs.docs) as DocumentStore, overrides);
  return { now: clock.now, runs: { docs, queries: runs.queries } };
}

beforeEach(() => {
  runs = new MemoryRunStore();
  clock = fixedClock(NOW);
  ports = { runs, now: clock.now };
});

describe('lookUpKey', () => {
  it('finds nothing for a key never used', async () => {
    expect(await lookUpKey(ports, use)).toEqual({});
  });

  it('answers the run of a live record used with the same body', async () => {
    await reserveKey(ports, use, 'run-1', {});
    clock.advance(DAY_MS - 1);
    expect(await lookUpKey(ports, use)).toMatchObject({ runId: 'run-1', stored: { id: RECORD_ID } });
  });

  it('refuses a live key used with another body (422 IdempotencyKeyReused)', async () => {
    await reserveKey(ports, use, 'run-1', {});
    await expect(lookUpKey(ports, { ...use, bodyHash: bodyHashOf({ inputs: { order: 43 } }) })).rejects.toMatchObject({
      code: 'BusinessRuleViolated',
      options: { reason: 'IdempotencyKeyReused' },
    });
  });

  it('treats an expired record as no run, whatever its body, but hands it on for the reservation', async () => {
    await reserveKey(ports, use, 'run-1', {});
    clock.advance(DAY_MS);
    const lookup = await lookUpKey(ports, { ...use, bodyHash: 'another body' });
    expect(lookup.runId).toBeUndefined();
    expect(lookup.stored?.runId).toBe('run-1');
  });

  it("keeps each caller's keys apart", async () => {
    await reserveKey(ports, use, 'run-1', {});
    expect(await lookUpKey(ports, { ...use, callerId: 'bob', bodyHash: 'other' })).toEqual({});
  });
});

describe('reserveKey', () => {
  it('creates a record of the run and body that expires in 24 hours (Cosmos ttl too)', async () => {
    expect(await reserveKey(ports, use, 'run-1', await lookUpKey(ports, use))).toBe('run-1');
    expect(await record()).toMatchObject({
      type: IDEMPOTENCY,
      environmentId: ENV,
      runId: 'run-1',
      callerId: 'alice',
      bodyHash: use.bodyHash,
      createdAt: NOW,
      expiresAt: '2026-01-02T00:00:00.000Z',
      ttl: 86_400,
    });
  });

  it('writes over an expired record under the etag it was read with', async () => {
    await reserveKey(ports, use, 'run-1', {});
    clock.advance(DAY_MS + 1_000);
    const other = { ...use, bodyHash: 'another body' };
    const lookup = await lookUpKey(ports, other);
    expect(await reserveKey(ports, other, 'run-2', lookup)).toBe('run-2');
    expect(await record()).toMatchObject({ runId: 'run-2', bodyHash: 'another body', expiresAt: '2026-01-03T00:00:01.000Z' });
  });

  it('answers the run of the request that created the record first, not its own (a lost create race)', async () => {
    const lookup = await lookUpKey(ports, use);
    await reserveKey(ports, use, 'run-first', lookup);
    expect(await reserveKey(ports, use, 'run-second', lookup)).toBe('run-first');
    expect((await record()).runId).toBe('run-first');
  });

  it('answers the run of the request that replaced an expired record first (a lost 412 race)', async () => {
    await reserveKey(ports, use, 'run-old', {});
    clock.advance(DAY_MS);
    const lookup = await lookUpKey(ports, use);
    await reserveKey(ports, use, 'run-first', lookup);
    expect(await reserveKey(ports, use, 'run-second', lookup)).toBe('run-first');
  });

  it('refuses when the request that won the race used another body (422)', async () => {
    const lookup = await lookUpKey(ports, use);
    await reserveKey(ports, { ...use, bodyHash: 'another body' }, 'run-first', lookup);
    await expect(reserveKey(ports, use, 'run-second', lookup)).rejects.toMatchObject({ options: { reason: 'IdempotencyKeyReused' } });
  });

  it('gives up with 409 Conflict after 4 lost races, reading the record again before each retry', async () => {
    let creates = 0;
    let reads = 0;
    const racing = portsOverriding({
      get: (environmentId, id) => {
        reads++;
        return runs.docs.get(environmentId, id);
      },
      create: async (doc) => {
        creates++;
        throw new DuplicateDocumentError(doc.id);
      },
    });
    await expect(reserveKey(racing, use, 'run-1', {})).rejects.toMatchObject({ code: 'Conflict' });
    expect({ creates, reads }).toEqual({ creates: 4, reads: 3 });
  });

  it('gives up the same way when every replace of an expired record loses (412)', async () => {
    await reserveKey(ports, use, 'run-old', {});
    clock.advance(DAY_MS);
    let replaces = 0;
    const racing = portsOverriding({
      replace: async (doc) => {
        replaces++;
        throw new StalePreconditionError(doc.id);
      },
    });
    await expect(reserveKey(racing, use, 'run-1', await lookUpKey(ports, use))).rejects.toMatchObject({ code: 'Conflict' });
    expect(replaces).toBe(4);
  });

  it('passes any other store failure through at once', async () => {
    let creates = 0;
    const failing = portsOverriding({
      create: async () => {
        creates++;
        throw new Error('the store is down');
      },
    });
    await expect(reserveKey(failing, use, 'run-1', {})).rejects.toThrow('the store is down');
    expect(creates).toBe(1);
  });
});
