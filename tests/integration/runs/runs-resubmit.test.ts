import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, localCloud, type ApiClient } from '../../support/api-client.js';
import { aConnection, aDesktopFlow, shareGroup } from '../../support/connection-fixtures.js';
import { addMember } from '../../support/fixtures.js';
import { createRunWorld, inProcessServices, runPath, submit, type Problem, type RunBody } from '../../support/run-fixtures.js';
import type { AppClients } from '../../../composition/root/clients.js';

// POST /environments/{env}/runs/{id}/resubmit (PRODUCT.md, turn 2 "New routes"): a new run like the old one.

let admin: ApiClient;
let deps: AppClients;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  deps = inProcessServices();
});

afterAll(async () => {
  await deps?.queues.close();
});

const resubmitPath = (envId: string, runId: string) => `${runPath(envId, runId)}/resubmit`;

describe('POST .../runs/{id}/resubmit', () => {
  it('queues a new run with the same connection, flow version, inputs, priority and timeout (202, Location)', async () => {
    const w = await createRunWorld(admin);
    const original = await submit(w, { inputs: { invoice: 'INV-7' }, priority: 'High', timeoutMinutes: 30 });
    expect((await admin.post(`${runPath(w.envId, original.id)}/cancel`)).status).toBe(200);
    // the flow changes afterwards: the resubmission keeps the version the original ran
    const edited = aDesktopFlow({ definition: { steps: [{ output: { name: 'invoice', value: 'changed' } }] } });
    expect((await admin.put(`environments/${w.envId}/desktop-flows/${w.flowId}`, edited)).status).toBe(200);

    const res = await admin.post<RunBody>(resubmitPath(w.envId, original.id));
    expect(res.status).toBe(202);
    expect(res.body.id).not.toBe(original.id);
    expect(res.headers.get('location')).toBe(`${localCloud().baseUrl}/api/${runPath(w.envId, res.body.id)}`);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.body).toMatchObject({
      state: 'Queued',
      connectionId: original.connectionId,
      desktopFlowId: original.desktopFlowId,
      desktopFlowVersion: original.desktopFlowVersion,
      inputs: { invoice: 'INV-7' },
      priority: 'High',
      timeoutMinutes: 30,
      submittedBy: admin.userId,
    });
    expect(res.body.definition).toEqual(aDesktopFlow().definition);
    expect((await admin.get<RunBody>(runPath(w.envId, res.body.id))).body.desktopFlowVersion).toBe(original.desktopFlowVersion);
  });

  it('applies the checks of a submission: invisible run 404, connection not yours 403, group access lost 403 GroupAccessRevoked', async () => {
    const w = await createRunWorld(admin);
    const user = await clientFor();
    const stranger = await clientFor();
    await addMember(admin, w.envId, user, ['BasicUser']);
    await addMember(admin, w.envId, stranger, ['BasicUser']);
    await shareGroup(admin, w.envId, w.groupId, [{ userId: user.userId, permission: 'User' }]);
    const connection = await user.post<{ id: string }>(`environments/${w.envId}/connections`, aConnection(w.groupId));
    expect(connection.status).toBe(201);
    const adminsRun = await submit(w);
    const usersRun = await submit({ ...w, client: user, connectionId: connection.body.id });

    expect((await stranger.post(resubmitPath(w.envId, adminsRun.id))).status).toBe(404);
    const notYours = await user.post<Problem>(resubmitPath(w.envId, adminsRun.id));
    expect(notYours.status).toBe(403);
    expect((await user.post(resubmitPath(w.envId, usersRun.id))).status).toBe(202);

    await shareGroup(admin, w.envId, w.groupId, []);
    const revoked = await user.post<Problem>(resubmitPath(w.envId, usersRun.id));
    expect(revoked.status).toBe(403);
    expect(revoked.body.code).toBe('GroupAccessRevoked');
    expect((await admin.post(resubmitPath(w.envId, '6f9619ff-8b86-d011-b42d-00c04fc964ff'))).status).toBe(404);
    expect((await admin.post(resubmitPath(w.envId, adminsRun.id), { priority: 'Normal' })).status).toBe(400);
  });
});
