import { beforeEach, describe, expect, it } from 'vitest';
import { desktopFlowVersionId, type FlowDefinition } from '../../../../domain/desktop-flow.js';
import { createDesktopFlow, deleteDesktopFlow, getDesktopFlow, listDesktopFlows, replaceDesktopFlow } from '../../../../app/desktop-flows/desktop-flows.js';
import { ENV, seedEnvironment, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

const V1: FlowDefinition = { steps: [{ output: { name: 'v', value: '1' } }] };
const V2: FlowDefinition = { steps: [{ output: { name: 'v', value: '2' } }] };
const maker = userPrincipal('maker');

let ports: UseCasePorts;

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
  await seedMember(ports.store, 'other-maker', ['EnvironmentMaker']);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
});

describe('createDesktopFlow', () => {
  it('writes version 1 first, then the flow that names it', async () => {
    const flow = await createDesktopFlow(ports, maker, ENV, { name: 'Invoices', definition: V1 });
    expect(flow).toMatchObject({ name: 'Invoices', description: '', version: 1, ownerId: 'maker' });
    expect(await ports.store.get(ENV, desktopFlowVersionId(flow.id, flow.definitionHash!))).toMatchObject({ definition: V1 });
  });

  it('refuses a member without a maker role (403)', async () => {
    await expect(createDesktopFlow(ports, userPrincipal('user'), ENV, { name: 'x', definition: V1 })).rejects.toMatchObject({ code: 'Forbidden' });
    expect(ports.store.ofType(ENV, 'desktopFlow')).toEqual([]);
  });
});

describe('listDesktopFlows and getDesktopFlow', () => {
  it('show every flow to every member; a missing flow is 404', async () => {
    const flow = await createDesktopFlow(ports, maker, ENV, { name: 'Invoices', definition: V1 });
    expect((await listDesktopFlows(ports, userPrincipal('user'), ENV, { pageSize: 10 })).items.map((f) => f.id)).toEqual([flow.id]);
    expect((await getDesktopFlow(ports, userPrincipal('user'), ENV, flow.id)).name).toBe('Invoices');
    await expect(getDesktopFlow(ports, maker, ENV, '77777777-7777-4777-8777-777777777777')).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('replaceDesktopFlow', () => {
  it('a new definition is a new version; the same one keeps the version', async () => {
    const flow = await createDesktopFlow(ports, maker, ENV, { name: 'Invoices', definition: V1 });
    const renamed = await replaceDesktopFlow(ports, maker, ENV, flow.id, { name: 'Renamed', definition: V1 }, flow.etag);
    expect(renamed).toMatchObject({ name: 'Renamed', version: 1, definitionHash: flow.definitionHash });
    const changed = await replaceDesktopFlow(ports, maker, ENV, flow.id, { name: 'Renamed', definition: V2 }, renamed.etag);
    expect(changed.version).toBe(2);
    expect(await ports.store.get(ENV, desktopFlowVersionId(flow.id, changed.definitionHash!))).toMatchObject({ definition: V2 });
  });

  it("refuses another maker (403) and a stale If-Match (412); an administrator may change anyone's", async () => {
    const flow = await createDesktopFlow(ports, maker, ENV, { name: 'Invoices', definition: V1 });
    await expect(replaceDesktopFlow(ports, userPrincipal('other-maker'), ENV, flow.id, { name: 'x', definition: V1 }, undefined)).rejects.toMatchObject({
      code: 'Forbidden',
    });
    await expect(replaceDesktopFlow(ports, maker, ENV, flow.id, { name: 'x', definition: V1 }, '"stale"')).rejects.toMatchObject({
      code: 'PreconditionFailed',
    });
    expect((await replaceDesktopFlow(ports, userPrincipal('admin'), ENV, flow.id, { name: 'x', definition: V1 }, flow.etag)).name).toBe('x');
  });
});

describe('deleteDesktopFlow', () => {
  it('deletes the flow and keeps its versions (queued runs still need them)', async () => {
    const flow = await createDesktopFlow(ports, maker, ENV, { name: 'Invoices', definition: V1 });
    await deleteDesktopFlow(ports, maker, ENV, flow.id, flow.etag);
    expect(await ports.store.get(ENV, flow.id)).toBeUndefined();
    expect(await ports.store.get(ENV, desktopFlowVersionId(flow.id, flow.definitionHash!))).toBeDefined();
  });

  it('refuses a member who is not its owner (403)', async () => {
    const flow = await createDesktopFlow(ports, maker, ENV, { name: 'Invoices', definition: V1 });
    await expect(deleteDesktopFlow(ports, userPrincipal('user'), ENV, flow.id, undefined)).rejects.toMatchObject({ code: 'Forbidden' });
  });
});
