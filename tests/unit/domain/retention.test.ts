import { describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { CosmosDocumentStore } from '../../../adapters/cosmos/cosmos-document-store.js';
import { botRecordRetention, runRetention, withExpiry } from '../../../domain/retention.js';
import { BOT_STATES, isAlive } from '../../../domain/bot.js';
import { RUN_STATES, isEnded } from '../../../domain/run.js';
import type { StoredDocument } from '../../../app/ports/document-store.js';

const DAY = 86_400;
const base = { id: 'x', environmentId: 'e', createdAt: 't', updatedAt: 't' };

describe('retention policies', () => {
  it('gives ended runs RUN_RETENTION_DAYS in seconds and active runs no ttl', () => {
    const policy = runRetention(90);
    for (const state of RUN_STATES) {
      const doc = withExpiry({ ...base, type: 'run', state, ttl: 5 } as StoredDocument, policy) as StoredDocument & { ttl?: number };
      expect(doc.ttl, state).toBe(isEnded(state) ? 90 * DAY : undefined);
      expect('ttl' in doc, state).toBe(isEnded(state));
    }
  });

  it('gives gone bots BOT_RECORD_RETENTION_DAYS in seconds and live bots no ttl', () => {
    const policy = botRecordRetention(30);
    for (const state of BOT_STATES) {
      const doc = withExpiry({ ...base, type: 'bot', state } as StoredDocument, policy) as StoredDocument & { ttl?: number };
      expect(doc.ttl, state).toBe(isAlive(state) ? undefined : 30 * DAY);
    }
  });

  it('leaves other documents of the container (Idempotency-Key records, scaling decisions) as they are', () => {
    const idem = { ...base, type: 'idempotency', ttl: 86_400 } as StoredDocument;
    expect(withExpiry(idem, runRetention(90))).toBe(idem);
    const decision = { ...base, type: 'scalingDecision' } as StoredDocument;
    expect(withExpiry(decision, botRecordRetention(30))).toBe(decision);
  });

  it('is applied by the Cosmos store on create and replace', async () => {
    const written: Array<Record<string, unknown>> = [];
    const echo = async (body: Record<string, unknown>) => {
      written.push(body);
      return { resource: { ...body, _etag: 'e1' } };
    };
    const container = {
      items: { create: echo },
      item: () => ({ replace: echo }),
    } as unknown as Container;
    const store = new CosmosDocumentStore(container, runRetention(2));
    await store.create({ ...base, type: 'run', state: 'Queued' } as StoredDocument);
    await store.replace({ ...base, type: 'run', state: 'TimedOut' } as StoredDocument, 'e1');
    await store.replace({ ...base, type: 'run', state: 'Queued', ttl: 1 } as StoredDocument, 'e1');
    expect(written.map((w) => w.ttl)).toEqual([undefined, 2 * DAY, undefined]);
    expect('ttl' in (written[2] ?? {})).toBe(false);
  });
});
