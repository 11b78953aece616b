import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimResponse, HeartbeatResponse, QueueCredentialResponse } from '../../../protocol/agent-protocol.js';
import type { BotIdentity } from '../../../app/bots/bot-credentials.js';
import type { AppClients } from '../../../composition/root/clients.js';
import type { BotDocument } from '../../../domain/bot.js';
import { localCloud, clientFor } from '../../support/api-client.js';
import { GROUP_ACCOUNT } from '../../support/connection-fixtures.js';
import { aBotRecord } from '../../support/maintenance-fixtures.js';
import { createRunWorld, inProcessServices, submit, type RunWorld } from '../../support/run-fixtures.js';

/**
 * The agent's dispatch surface on the shared local cloud: `agent/queue-credential` (a Listen token for the bot's own
 * group queue, checked by the Service Bus peer) and `agent/claim` (the next run, to one bot only). The environment has
 * no capacity, so no real bot competes with the bot records made here.
 */
let deps: AppClients;
let world: RunWorld;
let other: RunWorld;

const identityOf = (bot: BotDocument, overrides: Partial<BotIdentity> = {}): BotIdentity => ({
  environmentId: bot.environmentId,
  groupId: bot.groupId,
  botId: bot.id,
  credentialVersion: bot.credentialVersion,
  ...overrides,
});
const credentialFor = (bot: BotDocument, overrides: Partial<BotIdentity> = {}, now = new Date()) => deps.botCredentials.issue(identityOf(bot, overrides), now);

async function agentCall<T = Record<string, unknown>>(
  token: string | undefined,
  path: string,
  body: unknown = {},
): Promise<{ status: number; type: string; body: T }> {
  const res = await fetch(`${localCloud().baseUrl}/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : {}) as T };
}

function serviceBusWith(credential: QueueCredentialResponse): ServiceBusClient {
  // the local peer speaks AMQP without TLS: the emulator form of a connection string that carries the SAS token
  return new ServiceBusClient(`Endpoint=sb://${credential.fullyQualifiedNamespace};SharedAccessSignature=${credential.sasToken};UseDevelopmentEmulator=true`, {
    retryOptions: { maxRetries: 0, timeoutInMs: 5_000 },
  });
}

beforeAll(async () => {
  deps = inProcessServices();
  const admin = await clientFor({ platformAdmin: true });
  world = await createRunWorld(admin);
  other = await createRunWorld(admin);
}, 60_000);

afterAll(async () => {
  await deps?.queues.close();
});

describe('agent/queue-credential', () => {
  it("gives a Listen token that receives from the bot's own group queue only", async () => {
    const bot = await aBotRecord(deps, world.envId, world.groupId, 'Ready');
    await submit(world);
    const res = await agentCall<QueueCredentialResponse>(await credentialFor(bot), 'agent/queue-credential');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queueName: `group-${world.groupId}` });
    expect(Date.parse(res.body.expiresOn) - Date.now()).toBeGreaterThan(30 * 60_000);
    expect(Date.parse(res.body.expiresOn) - Date.now()).toBeLessThanOrEqual(60 * 60_000);

    const client = serviceBusWith(res.body);
    try {
      const receiver = client.createReceiver(res.body.queueName);
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(message).toBeDefined();
      if (message) await receiver.abandonMessage(message);
      await receiver.close();
      const elsewhere = client.createReceiver(`group-${other.groupId}`);
      await expect(elsewhere.receiveMessages(1, { maxWaitTimeInMs: 2_000 })).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
      await elsewhere.close().catch(() => undefined);
      const sender = client.createSender(res.body.queueName);
      await expect(sender.sendMessages({ body: 'forged wake-up' })).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
      await sender.close().catch(() => undefined);
    } finally {
      await client.close();
    }
  });
});

describe('agent/claim', () => {
  it('gives one queued run to exactly one of the bots that race for it; a retry by the winner answers the same run', async () => {
    const run = await submit(other);
    const bots = await Promise.all(Array.from({ length: 4 }, () => aBotRecord(deps, other.envId, other.groupId, 'Ready')));
    const answers = await Promise.all(bots.map(async (bot) => agentCall<ClaimResponse>(await credentialFor(bot), 'agent/claim')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const winners = answers.flatMap((a, i) => ('assignedRun' in a.body ? [{ bot: bots[i] as BotDocument, answer: a.body }] : []));
    expect(winners).toHaveLength(1);
    const [winner] = winners;
    if (!winner) return;
    expect(winner.answer.assignedRun).toMatchObject({ runId: run.id, account: GROUP_ACCOUNT });
    expect(winner.answer.assignedRun.definition.steps.length).toBeGreaterThan(0);
    expect(winner.answer.resumed).toBe(false);

    const retried = await agentCall<ClaimResponse>(await credentialFor(winner.bot), 'agent/claim');
    expect(retried.body).toMatchObject({ assignedRun: { runId: run.id }, resumed: true });
    expect(await deps.botStore.get<BotDocument>(other.envId, winner.bot.id)).toMatchObject({ state: 'Busy', currentRunId: run.id });
    const loser = bots.find((b) => b.id !== winner.bot.id) as BotDocument;
    // nothing left for it; the environment has no capacity, so a controller round that read these records meanwhile
    // may already have asked for the idle bots to go (`ReleaseRequested`), which the claim answers first
    const lost = (await agentCall<ClaimResponse>(await credentialFor(loser), 'agent/claim')).body;
    expect(lost).toEqual({ none: expect.stringMatching(/^(QueueEmpty|ReleaseRequested)$/) as unknown });
  });

  it('answers bad input with 400 problem+json', async () => {
    const bot = await aBotRecord(deps, world.envId, world.groupId, 'Ready');
    for (const path of ['agent/claim', 'agent/queue-credential']) {
      const res = await agentCall(await credentialFor(bot), path, { unexpected: true });
      expect(res.status, path).toBe(400);
      expect(res.type).toContain('application/problem+json');
    }
  });

  it("refuses a deleted bot's credential, another group's and an expired one (401)", async () => {
    const deleted = await aBotRecord(deps, world.envId, world.groupId, 'Deleted');
    const live = await aBotRecord(deps, world.envId, world.groupId, 'Ready');
    const refused = [
      await credentialFor(deleted),
      await credentialFor(live, { groupId: other.groupId }),
      await credentialFor(live, {}, new Date(Date.now() - 40 * 24 * 3600_000)),
      undefined,
    ];
    for (const [i, token] of refused.entries()) {
      for (const path of ['agent/claim', 'agent/queue-credential']) {
        const res = await agentCall(token, path);
        expect(res.status, `${path} credential ${i}`).toBe(401);
        expect(res.type).toContain('application/problem+json');
      }
    }
  });
});

describe('agent/heartbeat held for a cancel', () => {
  /** A bot of its own group that claimed the group's one run, as its agent would after a wake-up. */
  async function aBusyBot(): Promise<{ token: string; runId: string; held: RunWorld }> {
    const held = await createRunWorld(await clientFor({ platformAdmin: true }));
    const bot = await aBotRecord(deps, held.envId, held.groupId, 'Ready');
    const token = await credentialFor(bot);
    await submit(held);
    const claim = await agentCall<ClaimResponse>(token, 'agent/claim');
    if (!('assignedRun' in claim.body)) throw new Error(`claim: ${JSON.stringify(claim.body)}`);
    return { token, runId: claim.body.assignedRun.runId, held };
  }

  it('answers as soon as the run is cancelled, and after the wait when it is not', async () => {
    const { token, runId, held } = await aBusyBot();
    const quiet = performance.now();
    const unchanged = await agentCall<HeartbeatResponse>(token, 'agent/heartbeat', { runId, cancelWaitMs: 1_500 });
    expect(unchanged).toMatchObject({ status: 200, body: { cancelRequested: false } });
    expect(performance.now() - quiet).toBeGreaterThanOrEqual(1_400);

    const started = performance.now();
    const beat = agentCall<HeartbeatResponse>(token, 'agent/heartbeat', { runId, cancelWaitMs: 8_000 });
    await new Promise((r) => setTimeout(r, 500));
    expect((await held.client.post(`environments/${held.envId}/runs/${runId}/cancel`)).status).toBe(202);
    const answered = await beat;
    expect(answered).toMatchObject({ status: 200, body: { cancelRequested: true } });
    // answered by a re-read after the cancel (one a second), not at the end of the 8 s wait; the bound leaves a
    // loaded machine room: what is checked is the early answer, not its latency (the e2e cancel test and docs/agent.md
    // give the figures)
    expect(performance.now() - started).toBeLessThan(6_000);
  });

  it('refuses a wait over 10 s with 400 problem+json', async () => {
    const bot = await aBotRecord(deps, world.envId, world.groupId, 'Ready');
    const res = await agentCall(await credentialFor(bot), 'agent/heartbeat', { cancelWaitMs: 60_000 });
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
  });
});
