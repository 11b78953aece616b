import type { ApiClient } from './api-client.js';

/** Object mothers: request bodies with intention-revealing names; override what a test is about. */
export const aPaidEnvironment = (overrides: Record<string, unknown> = {}) => ({
  name: 'Finance RPA',
  geography: 'Europe',
  plan: 'paid',
  capacity: 20,
  ...overrides,
});
export const aTrialEnvironment = (overrides: Record<string, unknown> = {}) => ({ name: 'Trial', geography: 'US', plan: 'trial', capacity: 2, ...overrides });

export interface CreatedEnvironment {
  id: string;
  etag: string;
  defaultImageId?: string;
}

export async function createEnvironment(admin: ApiClient, overrides: Record<string, unknown> = {}): Promise<CreatedEnvironment> {
  const res = await admin.post<{ id: string; etag: string }>('environments', aPaidEnvironment(overrides));
  if (res.status !== 201) throw new Error(`environment create failed: ${res.status} ${res.text}`);
  return { id: res.body.id, etag: res.body.etag };
}

export async function addMember(admin: ApiClient, envId: string, member: ApiClient, roles: string[]): Promise<void> {
  const res = await admin.put(`environments/${envId}/members/${member.userId}`, { roles });
  if (res.status !== 200 && res.status !== 201) throw new Error(`member add failed: ${res.status} ${res.text}`);
}
