import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { aDesktopFlow } from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';

interface Flow {
  id: string;
  etag: string;
  name: string;
  description: string;
  ownerId: string;
  stepCount: number;
  definition?: { steps: unknown[] };
}

const RANDOM_ID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
const wait = (ms: number) => ({ wait: { ms } });
const steps = (n: number) => Array.from({ length: n }, (_, i) => wait(i));

let admin: ApiClient;
let maker: ApiClient;
let machineOwner: ApiClient;
let imageAdmin: ApiClient;
let basicUser: ApiClient;
let deactivated: ApiClient;
let envId: string;

const flows = (env = envId) => `environments/${env}/desktop-flows`;

async function createFlow(owner: ApiClient, overrides: Record<string, unknown> = {}): Promise<Flow> {
  const res = await owner.post<Flow>(flows(), aDesktopFlow(overrides));
  expect(res.status, res.text).toBe(201);
  return res.body;
}

beforeAll(async () => {
  [admin, maker, machineOwner, imageAdmin, basicUser, deactivated] = await Promise.all([
    clientFor({ platformAdmin: true }),
    clientFor(),
    clientFor(),
    clientFor(),
    clientFor(),
    clientFor(),
  ]);
  envId = (await createEnvironment(admin)).id;
  await Promise.all([
    addMember(admin, envId, maker, ['EnvironmentMaker']),
    addMember(admin, envId, machineOwner, ['DesktopFlowsMachineOwner']),
    addMember(admin, envId, imageAdmin, ['DesktopFlowsMachineImageAdmin']),
    addMember(admin, envId, basicUser, ['BasicUser']),
    addMember(admin, envId, deactivated, ['EnvironmentMaker']),
  ]);
  expect((await admin.delete(`environments/${envId}/members/${deactivated.userId}`)).status).toBe(204);
});

describe('POST /environments/{env}/desktop-flows', () => {
  it('creates a flow: 201 with Location, ETag and the definition; the creator owns it', async () => {
    const res = await maker.post<Flow>(flows(), aDesktopFlow());
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      etag: expect.any(String),
      name: 'Post invoices',
      description: 'Reads the inbox and posts invoices.',
      ownerId: maker.userId,
      stepCount: 2,
      version: 1,
      definition: aDesktopFlow().definition,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`${maker.baseUrl}/api/${flows()}/${res.body.id}`);
  });

  it('lets SystemAdministrator, EnvironmentMaker and DesktopFlowsMachineOwner create; not ImageAdmin nor BasicUser (403), nor deactivated or non-members (404)', async () => {
    const stranger = await clientFor();
    const matrix: Array<[string, ApiClient, number]> = [
      ['SystemAdministrator', admin, 201],
      ['EnvironmentMaker', maker, 201],
      ['DesktopFlowsMachineOwner', machineOwner, 201],
      ['DesktopFlowsMachineImageAdmin', imageAdmin, 403],
      ['BasicUser', basicUser, 403],
      ['deactivated member', deactivated, 404],
      ['non-member', stranger, 404],
    ];
    const results = await Promise.all(matrix.map(async ([role, client]) => [role, (await client.post(flows(), aDesktopFlow())).status] as const));
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(matrix.map(([role, , status]) => [role, status])));
  });

  it(`validates the definition: 500 steps pass, 501 steps, unknown kinds and two-key steps are 400`, async () => {
    const full = await maker.post<Flow>(flows(), aDesktopFlow({ definition: { steps: steps(500) } }));
    expect(full.status).toBe(201);
    expect(full.body.stepCount).toBe(500);

    const tooLong = await maker.post(flows(), aDesktopFlow({ definition: { steps: steps(501) } }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers.get('content-type')).toBe('application/problem+json');
    expect(tooLong.body.errors).toEqual([{ field: 'definition.steps', message: 'A desktop flow has at most 500 steps.' }]);

    const unknownKind = await maker.post(flows(), aDesktopFlow({ definition: { steps: [wait(1), { click: { x: 1 } }] } }));
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.errors).toEqual([{ field: 'definition.steps.1', message: expect.stringContaining('Unknown step kind "click"') }]);

    const twoKeys = await maker.post(flows(), aDesktopFlow({ definition: { steps: [{ wait: { ms: 1 }, fail: { message: 'x' } }] } }));
    expect(twoKeys.status).toBe(400);
    expect(twoKeys.body.errors).toEqual([{ field: 'definition.steps.0', message: expect.stringContaining('exactly one key') }]);

    const badWait = await maker.post(flows(), aDesktopFlow({ definition: { steps: [wait(3_600_001)] } }));
    expect(badWait.status).toBe(400);
    expect(badWait.body.errors).toEqual([expect.objectContaining({ field: 'definition.steps.0.wait.ms' })]);

    const unknownField = await maker.post(flows(), aDesktopFlow({ owner: 'someone-else' }));
    expect(unknownField.status).toBe(400);
    const noName = await maker.post(flows(), aDesktopFlow({ name: '' }));
    expect(noName.status).toBe(400);
    expect(noName.body.errors).toContainEqual(expect.objectContaining({ field: 'name' }));
  });
});

describe('GET /environments/{env}/desktop-flows', () => {
  it('lets every member list flows without definitions (with stepCount) and read one with its definition', async () => {
    const flow = await createFlow(machineOwner, { name: 'Listed flow', definition: { steps: steps(3) } });
    for (const member of [basicUser, imageAdmin, maker]) {
      const list = await member.get<{ items: Flow[] }>(`${flows()}?pageSize=200`);
      expect(list.status).toBe(200);
      const listed = list.body.items.find((f) => f.id === flow.id);
      expect(listed).toEqual({ ...flow, definition: undefined });
      expect(listed).not.toHaveProperty('definition');
      expect(listed?.stepCount).toBe(3);
    }
    const read = await basicUser.get<Flow>(`${flows()}/${flow.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(flow);
    expect(read.headers.get('etag')).toBe(`"${flow.etag}"`);
  });

  it('answers 404 for unknown and non-GUID ids, to deactivated members and to non-members', async () => {
    const flow = await createFlow(maker);
    expect((await maker.get(`${flows()}/${RANDOM_ID}`)).status).toBe(404);
    expect((await maker.get(`${flows()}/not-a-guid`)).status).toBe(404);
    expect((await deactivated.get(`${flows()}/${flow.id}`)).status).toBe(404);
    expect((await deactivated.get(flows())).status).toBe(404);
    expect((await (await clientFor()).get(`${flows()}/${flow.id}`)).status).toBe(404);
  });

  it('pages with pageSize and continuationToken, oldest first', async () => {
    const env = (await createEnvironment(admin)).id;
    const names = ['first', 'second', 'third'];
    for (const name of names) expect((await admin.post(flows(env), aDesktopFlow({ name }))).status).toBe(201);
    const first = await admin.get<{ items: Flow[]; continuationToken?: string }>(`${flows(env)}?pageSize=2`);
    expect(first.body.items.map((f) => f.name)).toEqual(['first', 'second']);
    expect(first.body.continuationToken).toEqual(expect.any(String));
    const second = await admin.get<{ items: Flow[]; continuationToken?: string }>(
      `${flows(env)}?pageSize=2&continuationToken=${encodeURIComponent(first.body.continuationToken ?? '')}`,
    );
    expect(second.body.items.map((f) => f.name)).toEqual(['third']);
    expect(second.body).not.toHaveProperty('continuationToken');
    expect((await admin.get(`${flows(env)}?pageSize=0`)).status).toBe(400);
    expect((await admin.get(`${flows(env)}?pageSize=201`)).status).toBe(400);
  });
});

describe('PUT /environments/{env}/desktop-flows/{id}', () => {
  it('replaces name, description and definition for the owner; a stale If-Match is 412', async () => {
    const flow = await createFlow(maker);
    const replacement = { name: 'Post invoices v2', definition: { steps: [{ fail: { message: 'not yet' } }] } };
    const res = await maker.put<Flow>(`${flows()}/${flow.id}`, replacement, { 'if-match': flow.etag });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: flow.id,
      name: 'Post invoices v2',
      description: '',
      stepCount: 1,
      version: 2,
      definition: replacement.definition,
      ownerId: maker.userId,
    });
    expect(res.body.etag).not.toBe(flow.etag);
    expect(res.headers.get('etag')).toBe(`"${res.body.etag}"`);

    const stale = await maker.put(`${flows()}/${flow.id}`, aDesktopFlow(), { 'if-match': flow.etag });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, code: 'PreconditionFailed' });
    expect((await maker.get<Flow>(`${flows()}/${flow.id}`)).body.name).toBe('Post invoices v2');
  });

  it('lets a SystemAdministrator replace any flow, and refuses other members (403)', async () => {
    const flow = await createFlow(maker);
    for (const other of [machineOwner, basicUser]) {
      const res = await other.put(`${flows()}/${flow.id}`, aDesktopFlow({ name: 'Hijacked' }));
      expect(res.status).toBe(403);
    }
    expect((await admin.put(`${flows()}/${flow.id}`, aDesktopFlow({ name: 'Fixed by admin' }))).status).toBe(200);
    expect((await maker.put(`${flows()}/${RANDOM_ID}`, aDesktopFlow())).status).toBe(404);
  });

  it('validates the replacement like a create', async () => {
    const flow = await createFlow(maker);
    const res = await maker.put(`${flows()}/${flow.id}`, aDesktopFlow({ definition: { steps: steps(501) } }));
    expect(res.status).toBe(400);
    expect((await maker.put(`${flows()}/${flow.id}`, { name: 'No definition' })).status).toBe(400);
  });
});

describe('DELETE /environments/{env}/desktop-flows/{id}', () => {
  it('deletes for the owner (204, then 404), honouring If-Match', async () => {
    const flow = await createFlow(machineOwner);
    const renamed = await machineOwner.put<Flow>(`${flows()}/${flow.id}`, aDesktopFlow({ name: 'Renamed' }));
    expect((await machineOwner.delete(`${flows()}/${flow.id}`, { 'if-match': flow.etag })).status).toBe(412);
    expect((await machineOwner.delete(`${flows()}/${flow.id}`, { 'if-match': renamed.body.etag })).status).toBe(204);
    expect((await machineOwner.get(`${flows()}/${flow.id}`)).status).toBe(404);
    expect((await machineOwner.delete(`${flows()}/${flow.id}`)).status).toBe(404);
  });

  it('lets a SystemAdministrator delete any flow and refuses other members (403)', async () => {
    const flow = await createFlow(maker);
    expect((await machineOwner.delete(`${flows()}/${flow.id}`)).status).toBe(403);
    expect((await basicUser.delete(`${flows()}/${flow.id}`)).status).toBe(403);
    expect((await admin.delete(`${flows()}/${flow.id}`)).status).toBe(204);
  });
});
