import { describe, expect, it } from 'vitest';
import { clientFor } from '../../support/api-client.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';

describe('GET .../maintenance', () => {
  it('is for SystemAdministrators: other members get 403, non-members 404; bad paging is 400', async () => {
    const admin = await clientFor({ userId: 'maintenance-log-admin', platformAdmin: true });
    const maker = await clientFor({ userId: 'maintenance-log-maker' });
    const stranger = await clientFor({ userId: 'maintenance-log-stranger' });
    const env = await createEnvironment(admin);
    await addMember(admin, env.id, maker, ['EnvironmentMaker']);
    const path = `environments/${env.id}/maintenance`;

    expect((await admin.get<{ items: unknown[] }>(path)).body).toEqual({ items: [] });
    expect((await maker.get(path)).status).toBe(403);
    expect((await stranger.get(path)).status).toBe(404);
    expect((await admin.get(`${path}?pageSize=0`)).status).toBe(400);
    const badToken = await admin.get<{ errors: Array<{ field: string }> }>(`${path}?pageSize=5&continuationToken=true`);
    expect([badToken.status, badToken.text]).toEqual([400, expect.stringContaining('continuationToken')]);
  });
});
