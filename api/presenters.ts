import type { EnvironmentDocument, MemberDocument } from '../domain/environment.js';
import type { Versioned } from '../app/ports/document-store.js';

/** Resource shapes the API answers with: stored documents minus internals (ledger, partition key, type). */
export function environmentResource(env: Versioned<EnvironmentDocument>) {
  return {
    id: env.id,
    etag: env.etag,
    name: env.name,
    geography: env.geography,
    region: env.region,
    plan: env.plan,
    capacity: env.capacity,
    hostedRpaEnabled: env.hostedRpaEnabled,
    groupCount: Object.keys(env.ledger.groups).length,
    createdBy: env.createdBy,
    createdAt: env.createdAt,
    updatedAt: env.updatedAt,
  };
}

export function memberResource(m: Versioned<MemberDocument>) {
  return {
    id: m.userId,
    userId: m.userId,
    etag: m.etag,
    name: m.name,
    roles: m.roles,
    active: m.active,
    deactivatedAt: m.deactivatedAt,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}
