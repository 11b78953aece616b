import { isAlive, type BotState } from './bot.js';
import { isEnded, type RunState } from './run.js';
import type { StoredDocument } from './stored-document.js';

// Data that stays bounded: documents that are history (ended runs, records of bots that are gone) carry a Cosmos
// per-item `ttl` (seconds after their last write) and expire; everything still in play carries none. The containers
// have TTL on without a default (`defaultTtl: -1`, infra/definitions/cosmos.json), so only items with a `ttl` expire.
// The store applies the policy on every create and replace, so no code path that ends a run or a bot can forget it,
// and a document that comes back into play (a state that is not history) loses its ttl again.
// Nothing may depend on expiry having happened (the local Cosmos peer never expires anything): an expired document
// reads as absent, which every reader already handles (a run 404s, a missing bot is a gone bot).

/** The ttl to write on a document: seconds, `null` for none (remove any), `undefined` to leave the document's own. */
export type ExpiryPolicy = (doc: StoredDocument & Record<string, unknown>) => number | null | undefined;

export const SECONDS_PER_DAY = 86_400;

/** Runs: an ended run expires `days` after it ended (its last write); queued and running runs never do. */
export function runRetention(days: number): ExpiryPolicy {
  return (doc) => (doc.type === 'run' ? (isEnded(doc.state as RunState) ? Math.round(days * SECONDS_PER_DAY) : null) : undefined);
}

/** Bots: the record of a Deleted or Failed bot expires `days` after it went; a live bot's never does. */
export function botRecordRetention(days: number): ExpiryPolicy {
  return (doc) => (doc.type === 'bot' ? (isAlive(doc.state as BotState) ? null : Math.round(days * SECONDS_PER_DAY)) : undefined);
}

/** `doc` with the policy's ttl applied (other fields untouched). */
export function withExpiry<T extends StoredDocument>(doc: T, policy: ExpiryPolicy | undefined): T {
  if (!policy) return doc;
  const ttl = policy(doc as T & Record<string, unknown>);
  if (ttl === undefined) return doc;
  const copy = { ...doc } as Record<string, unknown>;
  if (ttl === null) delete copy.ttl;
  else copy.ttl = ttl;
  return copy as unknown as T;
}
