import { beforeEach, describe, expect, it } from 'vitest';
import type { BotDocument } from '../../../domain/bot.js';
import type { BotIdentity } from '../../../domain/bot-identity.js';
import type { ConnectionDocument } from '../../../domain/connection.js';
import type { CredentialDocument } from '../../../domain/credential.js';
import type { FlowDefinition } from '../../../domain/desktop-flow.js';
import { claimedBy, type RunDocument } from '../../../domain/run.js';
import { AppError } from '../../../domain/errors/app-error.js';
import { AGENT_QUEUE_TOKEN_LIFETIME_MS, agentClaim, agentQueueCredential, serviceBusNamespaceOf } from '../../../app/agent-dispatch.js';
import { AGENT_QUEUE_SAS_KEY_SECRET } from '../../../app/bots/queue-sas-token.js';
import { recordFlowVersion } from '../../../app/desktop-flows/desktop-flow-versions.js';
import { checkSasToken, grantAllows } from '../../../local/servicebus/sas.js';
import { MemoryDispatchGates } from '../../support/memory-dispatch-gates.js';
import { runPorts, seedRun, type RunPorts } from '../../support/fakes/run-ports.js';
import { testAppConfig } from '../../support/fakes/test-config.js';
import { ENV, NOW, seedEnvironment, seedGroup } from '../../support/fakes/use-case-ports.js';
import { aBotDocument } from '../../support/fakes/bot-documents.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const FIRST = 'aaaaaaaa-0000-4000-8000-000000000001';
const SECOND = 'aaaaaaaa-0000-4000-8000-000000000002';
const BOT_ID = 'cccccccc-0000-4000-8000-000000000001';
const NAMESPACE = 'ns.servicebus.windows.net';
const SIGNING_KEY = 'listen-rule-key';
const DEFINITION: FlowDefinition = { steps: [{ output: { name: 'greeting', value: 'hello' } }] };
const identity: BotIdentity = { environmentId: ENV, groupId: GROUP_ID, botId: BOT_ID, credentialVersion: 2 };
let ports: RunPorts & { dispatchGates: MemoryDispatchGates };

const bot = async () => (await ports.botStore.get<BotDocument>(ENV, BOT_ID))!;
const run = async (id: string) => (await ports.runs.docs.get<RunDocument>(ENV, id))!;

async function seedBot(overrides: Partial<BotDocument> = {}): Promise<void> {
  await ports.botStore.create(aBotDocument({ id: BOT_ID, groupId: GROUP_ID, imageVersion: '1', imageId: 'img', credentialVersion: 2, ...overrides }));
}

async function seedConnection(overrides: Partial<ConnectionDocument>): Promise<void> {
  await ports.store.create<ConnectionDocument>({
    id: 'connection-1',
    environmentId: ENV,
    type: 'connection',
    name: 'c',
    groupId: GROUP_ID,
    kind: 'direct-to-machine',
    runMode: 'unattended',
    username: 'admin',
    ownerId: 'u',
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  });
}

/** Queued runs of the group through `connection-1`, their flow version written, the first queued first. */
async function seedQueuedRuns(...ids: string[]): Promise<void> {
  const definitionHash = await recordFlowVersion(ports, ENV, 'flow-1', 1, DEFINITION);
  for (const id of ids) {
    await seedRun(ports, id, GROUP_ID, 'u', { definitionHash, queuedAt: ports.now().toISOString() });
    ports.clock.advance(1_000);
  }
}

beforeEach(async () => {
  ports = { ...runPorts(), dispatchGates: new MemoryDispatchGates() };
  ports.config = testAppConfig({ SERVICEBUS_NAMESPACE: NAMESPACE });
  await seedEnvironment(ports.store);
  await seedGroup(ports, GROUP_ID, 'pw');
});

describe('agentQueueCredential', () => {
  it("signs an hour's Listen token for the bot's own group queue only, with the AGENT_QUEUE_SAS_RULE key", async () => {
    await seedBot();
    await ports.secrets.set(AGENT_QUEUE_SAS_KEY_SECRET, SIGNING_KEY);
    const answer = await agentQueueCredential(ports, identity);
    const expiresAt = Date.parse(NOW) + AGENT_QUEUE_TOKEN_LIFETIME_MS;
    expect(answer).toMatchObject({ fullyQualifiedNamespace: NAMESPACE, queueName: `group-${GROUP_ID}`, expiresOn: new Date(expiresAt).toISOString() });
    const checked = checkSasToken(answer.sasToken, [{ keyName: 'bot-listen', key: SIGNING_KEY, rights: ['Listen'] }], Date.parse(NOW));
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(grantAllows(checked.grant, `/group-${GROUP_ID}`, 'Listen', Date.parse(NOW))).toBe(true);
    expect(grantAllows(checked.grant, '/group-other', 'Listen', Date.parse(NOW))).toBe(false);
    expect(grantAllows(checked.grant, `/group-${GROUP_ID}`, 'Listen', expiresAt)).toBe(false);
  });

  it('refuses a revoked credential (401) before reading the signing key', async () => {
    await seedBot({ credentialVersion: 3 });
    let keyReads = 0;
    const secrets = {
      get: async () => {
        keyReads++;
        return SIGNING_KEY;
      },
    };
    await expect(agentQueueCredential({ ...ports, secrets }, identity)).rejects.toMatchObject({ code: 'Unauthenticated' });
    expect(keyReads).toBe(0);
  });

  it('answers 503 DependencyUnavailable when the signing key cannot be read', async () => {
    await seedBot();
    await expect(agentQueueCredential(ports, identity)).rejects.toMatchObject({ code: 'DependencyUnavailable', status: 503 });
  });
});

describe('serviceBusNamespaceOf', () => {
  it('names the missing setting when neither a namespace nor a connection string with an Endpoint is set', () => {
    expect(() => serviceBusNamespaceOf({ SERVICEBUS_CONNECTION_STRING: 'SharedAccessKeyName=k;SharedAccessKey=v' })).toThrow(/SERVICEBUS_NAMESPACE/);
    expect(() => serviceBusNamespaceOf({})).toThrow(/SERVICEBUS_NAMESPACE/);
  });
});

describe('agentClaim', () => {
  beforeEach(async () => {
    await seedConnection({ password: await ports.secrets.set('connection-1', 'own-password') });
  });

  it('answers a retried claim with the run the bot holds (resumed), assigning no other', async () => {
    await seedBot();
    await seedQueuedRuns(FIRST, SECOND);
    const first = (await agentClaim(ports, identity)).response;
    const again = (await agentClaim(ports, identity)).response;
    expect(first).toMatchObject({ assignedRun: { runId: FIRST }, resumed: false });
    expect(again).toMatchObject({
      assignedRun: { runId: FIRST, definition: DEFINITION, account: { username: 'admin', password: 'own-password' } },
      resumed: true,
    });
    expect((await run(SECOND)).state).toBe('Queued');
  });

  it('gives a draining bot no new run, leaving the run queued and the bot as it was', async () => {
    await seedBot({ drainRequested: 'reprovision' });
    await seedQueuedRuns(FIRST);
    expect((await agentClaim(ports, identity)).response).toEqual({ none: 'DrainRequested' });
    expect((await run(FIRST)).state).toBe('Queued');
    expect((await bot()).state).toBe('Ready');
  });

  it('gives a leaving bot back the run it holds (its restarted agent), but nothing more', async () => {
    await seedBot();
    await seedQueuedRuns(FIRST, SECOND);
    await agentClaim(ports, identity);
    const b = await bot();
    await ports.botStore.replace({ ...b, releaseRequested: NOW }, b.etag);
    expect((await agentClaim(ports, identity)).response).toMatchObject({ assignedRun: { runId: FIRST }, resumed: true });
    expect((await run(SECOND)).state).toBe('Queued');
  });

  it('answers the claim refusal as it is, and leaves the bot Ready with no run', async () => {
    await seedBot();
    expect((await agentClaim(ports, identity)).response).toEqual({ none: 'QueueEmpty' });
    expect(await bot()).toMatchObject({ state: 'Ready' });
    expect((await bot()).currentRunId).toBeUndefined();
  });

  it("marks the bot Busy with the run from the claim's time: its heartbeat timeout counts from there", async () => {
    await seedBot({ lastHeartbeatAt: NOW });
    await seedQueuedRuns(FIRST);
    ports.clock.advance(90_000);
    await agentClaim(ports, identity);
    expect(await bot()).toMatchObject({ state: 'Busy', currentRunId: FIRST, lastHeartbeatAt: ports.now().toISOString() });
  });

  it('assigns nothing to a revoked bot (401)', async () => {
    await seedBot({ state: 'Deleting' as BotDocument['state'] });
    await seedQueuedRuns(FIRST);
    await expect(agentClaim(ports, identity)).rejects.toMatchObject({ code: 'Unauthenticated' });
    expect((await run(FIRST)).state).toBe('Queued');
  });
});

describe('agentClaim, the account of a connection through a credential', () => {
  async function seedCredential(secretName: string): Promise<void> {
    await ports.store.create<CredentialDocument>({
      id: 'credential-1',
      environmentId: ENV,
      type: 'credential',
      name: 'cred',
      username: 'cred-user',
      secret: { source: 'secretStore', ref: { name: secretName } },
      ownerId: 'u',
      shares: [],
      matches: { [GROUP_ID]: 1 },
      passwordChangedAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
    });
    await seedConnection({ credentialId: 'credential-1' });
  }

  it("is the credential's user name and password", async () => {
    await ports.secrets.set('credential-1', 'credential-password');
    await seedCredential('credential-1');
    await seedBot();
    await seedQueuedRuns(FIRST);
    expect((await agentClaim(ports, identity)).response).toMatchObject({
      assignedRun: { runId: FIRST, account: { username: 'cred-user', password: 'credential-password' } },
    });
  });

  it("fails the run RunNotStartable when the credential's secret is gone, and leaves the bot Ready", async () => {
    await seedCredential('credential-gone');
    await seedBot();
    await seedQueuedRuns(FIRST);
    const { response, ended } = await agentClaim(ports, identity);
    expect(response).toEqual({ none: 'RunNotStartable' });
    expect(ended).toMatchObject({ changed: true, lifecycleWaits: false, run: { id: FIRST, state: 'Failed' } });
    expect((await run(FIRST)).error).toMatchObject({ code: 'RunNotStartable', message: expect.stringContaining('Key Vault secret does not exist') });
    expect(await bot()).toMatchObject({ state: 'Ready' });
    expect((await bot()).currentRunId).toBeUndefined();
  });
});

describe('agentClaim, a run that cannot start', () => {
  it('fails a run whose connection is gone rather than leaving it Running on a Busy bot', async () => {
    await seedBot();
    await seedQueuedRuns(FIRST, SECOND);
    const { response, ended } = await agentClaim(ports, identity);
    expect(response).toEqual({ none: 'RunNotStartable' });
    expect(ended?.run).toMatchObject({ id: FIRST, state: 'Failed', error: { code: 'RunNotStartable' } });
    expect(await bot()).toMatchObject({ state: 'Ready' });
    // the bot's next claim takes the next run (which fails the same way here: its connection is gone too)
    expect((await agentClaim(ports, identity)).ended?.run.id).toBe(SECOND);
  });

  it("tells a leaving bot's lifecycle that its held run ended", async () => {
    await seedBot();
    await seedQueuedRuns(FIRST);
    // the bot holds FIRST (a claim whose answer was lost), and is asked to leave meanwhile
    const b = await bot();
    await ports.botStore.replace({ ...b, state: 'Busy', currentRunId: FIRST }, b.etag);
    const queued = await run(FIRST);
    await ports.runs.docs.replace(claimedBy(queued, BOT_ID, ports.now()), queued.etag);
    const busy = await bot();
    await ports.botStore.replace({ ...busy, releaseRequested: NOW }, busy.etag);
    const { response, ended } = await agentClaim(ports, identity);
    expect(response).toEqual({ none: 'RunNotStartable' });
    expect(ended).toMatchObject({ lifecycleWaits: true, run: { state: 'Failed' } });
  });

  it('keeps the run on the bot when the account is only unavailable for now (a retried claim resumes it)', async () => {
    await seedConnection({ password: await ports.secrets.set('connection-1', 'own-password') });
    await seedBot();
    await seedQueuedRuns(FIRST);
    const get = ports.secrets.get.bind(ports.secrets);
    ports.secrets.get = () => Promise.reject(new AppError('DependencyUnavailable', 'Key Vault is unavailable.'));
    await expect(agentClaim(ports, identity)).rejects.toMatchObject({ code: 'DependencyUnavailable' });
    expect((await run(FIRST)).state).toBe('Running');
    ports.secrets.get = get;
    expect((await agentClaim(ports, identity)).response).toMatchObject({ assignedRun: { runId: FIRST }, resumed: true });
  });
});
