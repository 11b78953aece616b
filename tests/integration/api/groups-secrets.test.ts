import { describe, expect, it } from 'vitest';
import type { ApiClient, ApiResult } from '../../support/api-client.js';
import {
  aGroupBody,
  expectStatus,
  GROUP_USERNAME,
  groupEnvironment,
  groupPath,
  groupsPath,
  memberOf,
  rawDocumentsOf,
  storedGroupPassword,
  type GroupBody,
} from '../../support/group-fixtures.js';

/** Records the text and headers of every response a client receives. */
function recording(client: ApiClient, seen: string[]): ApiClient {
  const request = client.request.bind(client);
  client.request = async <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResult<T>> => {
    const res = await request<T>(method, path, body, headers);
    seen.push(res.text, JSON.stringify([...res.headers.entries()]));
    return res;
  };
  return client;
}

describe("the group's local admin password", () => {
  it('lives in the secret store only: in no response and no Cosmos document of the environment', async () => {
    const password = `Kn0wn-Passw0rd-${Math.random().toString(36).slice(2, 10)}`;
    const responses: string[] = [];
    const { admin: rawAdmin, envId, imageId } = await groupEnvironment();
    const admin = recording(rawAdmin, responses);
    const user = recording(await memberOf(admin, envId, ['BasicUser']), responses);

    const created = expectStatus(
      await admin.post<GroupBody>(groupsPath(envId), aGroupBody(imageId, { account: { username: GROUP_USERNAME, password } })),
      201,
      'group create',
    );
    const path = groupPath(envId, created.body.id);
    expect(created.body.account).toEqual({ username: GROUP_USERNAME });
    // a refused create with the same password (name taken) must not leak it either
    expect(
      (await admin.post(groupsPath(envId), aGroupBody(imageId, { name: created.body.name, account: { username: GROUP_USERNAME, password } }))).status,
    ).toBe(409);
    await admin.get(groupsPath(envId));
    await admin.get(path);
    await admin.patch(path, { description: 'Nightly invoices', maxBots: 3 });
    await admin.put(`${path}/access`, [{ userId: user.userId, permission: 'User' }]);
    await admin.get(`${path}/access`);
    await user.get(path);
    expectStatus(
      await user.post(`environments/${envId}/connections`, { name: 'Nightly', groupId: created.body.id, username: GROUP_USERNAME, password }),
      201,
      'connection create',
    );
    await user.get(`${path}/connections`);
    await admin.get(`${path}/errors`);
    await admin.get(`environments/${envId}/capacity`);

    expect(await storedGroupPassword(created.body.id)).toBe(password);
    const documents = [...(await rawDocumentsOf(envId, 'control')), ...(await rawDocumentsOf(envId, 'runs')), ...(await rawDocumentsOf(envId, 'bots'))];
    const group = documents.find((d) => d.id === created.body.id);
    // the document keeps the secret's reference (name, version) and nothing else of it
    expect(group?.account).toEqual({ username: GROUP_USERNAME, password: { name: expect.stringMatching(/^group-account-/), version: expect.any(String) } });
    expect(JSON.stringify(documents)).not.toContain(password);
    expect(responses.length).toBeGreaterThan(20);
    for (const text of responses) expect(text).not.toContain(password);
  });

  it('is removed from the secret store when the group is deleted', async () => {
    const { admin, envId, imageId } = await groupEnvironment();
    const created = expectStatus(await admin.post<GroupBody>(groupsPath(envId), aGroupBody(imageId)), 201, 'group create');
    expect(await storedGroupPassword(created.body.id)).toBeDefined();
    expectStatus(await admin.delete(groupPath(envId, created.body.id)), 204, 'group delete');
    expect(await storedGroupPassword(created.body.id)).toBeUndefined();
  });
});
