import { beforeEach, describe, expect, it } from 'vitest';
import type { BotDocument } from '../../../domain/bot.js';
import type { BotIdentity } from '../../../domain/bot-identity.js';
import type { ConnectionDocument } from '../../../domain/connection.js';
import type { FlowDefinition } from '../../../domain/desktop-flow.js';
import { claimedBy, type RunDocument } from '../../../domain/run.js';
import { agentFinish, agentHeartbeat, currentBot } from '../../../app/agent.js';
import { agentClaim, serviceBusNamespaceOf } from '../../../app/agent-dispatch.js';
import { recordFlowVersion } from '../../../app/desktop-flows/desktop-flow-versions.js';
import { MemoryDispatchGates } from '../../support/memory-dispatch-gates.js';
import { runPorts, seedRun, type RunPorts } from '../../support/fakes/run-ports.js';
import { ENV, NOW, seedEnvironment, seedGroup } from '../../support/fakes/use-case-ports.js';
import { testAppConfig } from '../../support/fakes/test-config.js';
import { aBotDocument } from '../../support/fakes/bot-documents.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const BOT_ID = 'cccccccc-0000-4000-8000-000000000001';
const DEFINITION: FlowDefinition = { steps: [{ output: { name: 'greeting', value: 'hello' } }] };
const identity: BotIdentity = { environmentId: ENV, groupId: GROUP_ID, botId: BOT_ID, credentialVersion: 2 };
let ports: RunPorts & { dispatchGates: MemoryDispatchGates };

const bot = async () => (await ports.botStore.get<BotDocument>(ENV, BOT_ID))!;
const run = async () => (await ports.runs.docs.get<RunDocument>(ENV, RUN_ID))!;

async function seedBot(overrides: Partial<BotDocument> = {}): Promise<void> {
  await ports.botStore.create(aBotDocument({ id: BOT_ID, groupId: GROUP_ID, imageVersion: '1', imageId: 'img', credentialVersion: 2, ...overrides }));
}

/** A queued run of the group through a connection with a password of its own, its flow version written. */
async function seedQueuedRun(): Promise<void> {
  const definitionHash = await recordFlowVersion(ports, ENV, 'flow-1', 1, DEFINITION);
  const password = await ports.secrets.set('connection-1', 'the-password');
  await ports.store.create<ConnectionDocument>({
    id: 'connection-1',
    environmentId: ENV,
    type: 'connection',
    name: 'c',
    groupId: GROUP_ID,
    kind: 'direct-to-machine',
    runMode: 'unattended',
    username: 'admin',
    password,
    ownerId: 'u',
    createdAt: NOW,
    updatedAt: NOW,
  });
  await seedRun(ports, RUN_ID, GROUP_ID, 'u', { definitionHash });
}

beforeEach(async () => {
  ports = { ...runPorts(), dispatchGates: new MemoryDispatchGates() };
  await seedEnvironment(ports.store);
  await seedGroup(ports, GROUP_ID, 'pw');
});

describe('currentBot', () => {
  it("refuses a credential of an older provisioning, of another group, or of a bot torn down (401): that is a credential's revocation", async () => {
    await seedBot();
    expect((await currentBot(ports, identity)).id).toBe(BOT_ID);
    await expect(currentBot(ports, { ...identity, credentialVersion: 1 })).rejects.toMatchObject({ code: 'Unauthenticated' });
    await expect(currentBot(ports, { ...identity, groupId: 'other' })).rejects.toMatchObject({ code: 'Unauthenticated' });
    const b = await bot();
    await ports.botStore.replace({ ...b, state: 'Deleting' as BotDocument['state'] }, b.etag);
    await expect(currentBot(ports, identity)).rejects.toMatchObject({ code: 'Unauthenticated' });
  });
});

describe('agentClaim', () => {
  it("assigns the group's next run with its definition and its connection's account, and marks the bot Busy", async () => {
    await seedBot();
    await seedQueuedRun();
    const answer = (await agentClaim(ports, identity)).response;
    expect(answer).toEqual({
      assignedRun: { runId: RUN_ID, definition: DEFINITION, inputs: {}, timeoutMinutes: 60, account: { username: 'admin', password: 'the-password' } },
      resumed: false,
    });
    expect(await bot()).toMatchObject({ state: 'Busy', currentRunId: RUN_ID });
    expect(await run()).toMatchObject({ state: 'Running', botId: BOT_ID });
  });

  it('gives a leaving bot no new run', async () => {
    await seedBot({ releaseRequested: NOW });
    await seedQueuedRun();
    expect((await agentClaim(ports, identity)).response).toEqual({ none: 'ReleaseRequested' });
    expect((await run()).state).toBe('Queued');
  });
});

describe('agentHeartbeat and agentFinish', () => {
  beforeEach(async () => {
    await seedQueuedRun();
    const queued = await run();
    await ports.runs.docs.replace(claimedBy(queued, BOT_ID, ports.now()), queued.etag);
    await seedBot({ state: 'Busy', currentRunId: RUN_ID, lastHeartbeatAt: NOW });
  });

  it('answers the assigned run with its definition until the agent reports executing it, then whether it was cancelled', async () => {
    expect((await agentHeartbeat(ports, identity, undefined)).assignedRun).toEqual({ runId: RUN_ID, definition: DEFINITION, inputs: {}, timeoutMinutes: 60 });
    const executing = await agentHeartbeat(ports, identity, RUN_ID);
    expect(executing).toMatchObject({ assignedRun: { runId: RUN_ID }, cancelRequested: false });
    expect(executing.assignedRun).not.toHaveProperty('definition');
    const r = await run();
    await ports.runs.docs.replace({ ...r, cancelRequested: true }, r.etag);
    expect((await agentHeartbeat(ports, identity, RUN_ID)).cancelRequested).toBe(true);
  });

  it('ends the run and makes the bot Ready again; its lifecycle waits only when the bot is leaving', async () => {
    const result = await agentFinish(ports, identity, RUN_ID, { outcome: 'Succeeded', outputs: { ok: 'yes' } });
    expect(result).toMatchObject({ changed: true, lifecycleWaits: false, run: { state: 'Succeeded' } });
    expect(await bot()).toMatchObject({ state: 'Ready' });
    expect((await bot()).currentRunId).toBeUndefined();
  });

  it('tells a leaving bot’s lifecycle that the run ended', async () => {
    const b = await bot();
    await ports.botStore.replace({ ...b, releaseRequested: NOW }, b.etag);
    expect((await agentFinish(ports, identity, RUN_ID, { outcome: 'Failed', error: { code: 'X', message: 'no' } })).lifecycleWaits).toBe(true);
  });
});

describe('serviceBusNamespaceOf', () => {
  it('takes the namespace when set, else the endpoint of the local connection string', () => {
    expect(serviceBusNamespaceOf(testAppConfig({ SERVICEBUS_NAMESPACE: 'ns.servicebus.windows.net' }))).toBe('ns.servicebus.windows.net');
    expect(serviceBusNamespaceOf(testAppConfig({ SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=k' }))).toBe('127.0.0.1:5672');
  });
});
