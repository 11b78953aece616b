import { createHash } from 'node:crypto';
import { canonicalHash, canonicalJson } from '../../domain/canonical-json.js';
import { AppError } from '../../domain/errors/app-error.js';
import { DuplicateDocumentError, StalePreconditionError, type Versioned } from '../ports/document-store.js';
import { IDEMPOTENCY, type IdempotencyRecord, type RunStore } from './run-store.js';

/** What looking up and reserving an Idempotency-Key needs (its records live in the runs container). */
export interface IdempotencyPorts {
  runs: RunStore;
  now(): Date;
}

/** PRODUCT.md: kept 24 hours. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const RESERVE_ATTEMPTS = 4;

/** The `Idempotency-Key` header, validated: 1..128 printable ASCII characters; undefined when not sent. */
export function idempotencyKeyOf(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined) return undefined;
  if (header.length === 0 || header.length > MAX_IDEMPOTENCY_KEY_LENGTH || !PRINTABLE_ASCII.test(header)) {
    throw AppError.validation([{ field: 'Idempotency-Key', message: `Must be 1..${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.` }]);
  }
  return header;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export { canonicalJson };

/** sha256 of the body's canonical JSON: equal bodies hash equally whatever their key order. */
export function bodyHashOf(body: unknown): string {
  return canonicalHash(body);
}

/** Scoped to (environment, caller): the same key of two callers names two records. */
export function idempotencyRecordId(environmentId: string, callerId: string, key: string): string {
  return `idem:${sha256(JSON.stringify([environmentId, callerId, key]))}`;
}

export interface KeyUse {
  environmentId: string;
  callerId: string;
  key: string;
  bodyHash: string;
}

function live(record: Versioned<IdempotencyRecord> | undefined, now: Date): Versioned<IdempotencyRecord> | undefined {
  return record && record.type === IDEMPOTENCY && Date.parse(record.expiresAt) > now.getTime() ? record : undefined;
}

function sameBody(record: IdempotencyRecord, use: KeyUse): void {
  if (record.bodyHash !== use.bodyHash) {
    throw AppError.rule(
      'IdempotencyKeyReused',
      'This Idempotency-Key was used in the last 24 hours with a different request body; use a new key for a new run.',
    );
  }
}

export interface KeyLookup {
  /** the run a live record of the key points to (same body) */
  runId?: string;
  /** the record as read (live or expired), for `reserveKey` to write over without reading it again */
  stored?: Versioned<IdempotencyRecord>;
}

/** Reads the key's record: 422 `IdempotencyKeyReused` when it is live and was used with another body. */
export async function lookUpKey(deps: IdempotencyPorts, use: KeyUse): Promise<KeyLookup> {
  const stored = await deps.runs.docs.get<IdempotencyRecord>(use.environmentId, idempotencyRecordId(use.environmentId, use.callerId, use.key));
  const record = live(stored, deps.now());
  if (!record) return stored ? { stored } : {};
  sameBody(record, use);
  return { runId: record.runId, stored };
}

/**
 * Reserves the key for `runId` (create, or replace an expired record under its etag), starting from the record
 * `lookUpKey` read. When another request reserved it first, answers that request's run id: exactly one run id per
 * live key, whatever the race.
 */
export async function reserveKey(deps: IdempotencyPorts, use: KeyUse, runId: string, read: KeyLookup): Promise<string> {
  const id = idempotencyRecordId(use.environmentId, use.callerId, use.key);
  let stored = read.stored;
  for (let attempt = 1; attempt <= RESERVE_ATTEMPTS; attempt++) {
    if (attempt > 1) stored = await deps.runs.docs.get<IdempotencyRecord>(use.environmentId, id);
    const now = deps.now();
    const current = live(stored, now);
    if (current) {
      sameBody(current, use);
      return current.runId;
    }
    const record: IdempotencyRecord = {
      id,
      environmentId: use.environmentId,
      type: IDEMPOTENCY,
      runId,
      bodyHash: use.bodyHash,
      callerId: use.callerId,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_SECONDS * 1000).toISOString(),
      ttl: IDEMPOTENCY_TTL_SECONDS,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      if (stored) await deps.runs.docs.replace(record, stored.etag);
      else await deps.runs.docs.create(record);
      return runId;
    } catch (err) {
      if (!(err instanceof DuplicateDocumentError) && !(err instanceof StalePreconditionError)) throw err;
    }
  }
  throw new AppError('Conflict', 'Other requests with this Idempotency-Key are being processed; retry.');
}
