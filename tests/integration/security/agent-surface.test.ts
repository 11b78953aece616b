import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../../local/stack/token-issuer.js';
import { BotCredentials, type BotIdentity } from '../../../app/bots/bot-credentials.js';
import type { AppClients } from '../../../composition/root/clients.js';
import type { BotDocument } from '../../../domain/bot.js';
import { aGroupWithFlow, submitRuns, until, type E2eGroup, type Run } from '../../e2e/e2e-world.js';
import { ApiClient, clientFor, localCloud } from '../../support/api-client.js';
import { createEnvironment } from '../../support/fixtures.js';
import { inProcessServices } from '../../support/run-fixtures.js';

/**
 * The agent surface (`/api/agent/...`) on real bots of the shared local cloud: it takes only the bot's own, current
 * credential, and only for the bot's own run. Credentials are minted here with the control plane's signing key (read
 * from the Key Vault peer, as the app reads it), for bots the control plane provisioned.
 */
const LONG_FLOW = [{ wait: { ms: 120_000 } }, { output: { name: 'never', value: 'x' } }];
const someGuid = '6f9619ff-8b86-d011-b42d-00c04fc964ff';

let deps: AppClients;
let admin: ApiClient;
let envId: string;
let a: E2eGroup;
let b: E2eGroup;
let runA: Run;
let runB: Run;
let botA: BotDocument;
let botB: BotDocument;

const identityOf = (bot: BotDocument, overrides: Partial<BotIdentity> = {}): BotIdentity => ({
  environmentId: bot.environmentId,
  groupId: bot.groupId,
  botId: bot.id,
  credentialVersion: bot.credentialVersion,
  ...overrides,
});
const credentialFor = (bot: BotDocument, overrides: Partial<BotIdentity> = {}) => deps.botCredentials.issue(identityOf(bot, overrides), new Date());

async function agentCall(token: string | undefined, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${localCloud().baseUrl}/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const heartbeat = (token: string | undefined) => agentCall(token, 'agent/heartbeat', {});
const finish = (token: string | undefined, runId: string) =>
  agentCall(token, `agent/runs/${runId}/finish`, { outcome: 'Succeeded', outputs: { forged: 'yes' } });

async function runningRun(g: E2eGroup, id: string): Promise<Run> {
  return until(
    `run ${id} to be running`,
    async () => {
      const run = (await admin.get<Run>(`environments/${g.envId}/runs/${id}`)).body;
      return run.state === 'Running' && run.botId ? run : undefined;
    },
    60_000,
  );
}

async function botRecord(botId: string): Promise<BotDocument> {
  const bot = await deps.botStore.get<BotDocument>(envId, botId);
  if (!bot) throw new Error(`bot ${botId} has no record`);
  return bot;
}

beforeAll(async () => {
  deps = inProcessServices();
  admin = await clientFor({ platformAdmin: true });
  envId = (await createEnvironment(admin, { capacity: 2 })).id;
  a = await aGroupWithFlow(admin, envId, 'Agent A', 1, LONG_FLOW);
  b = await aGroupWithFlow(admin, envId, 'Agent B', 1, LONG_FLOW);
  const [idA] = await submitRuns(admin, a, 1);
  const [idB] = await submitRuns(admin, b, 1);
  [runA, runB] = await Promise.all([runningRun(a, idA ?? ''), runningRun(b, idB ?? '')]);
  [botA, botB] = await Promise.all([botRecord(runA.botId ?? ''), botRecord(runB.botId ?? '')]);
}, 90_000);

afterAll(async () => {
  await deps?.queues.close();
});

describe('agent surface', () => {
  it("answers a bot's own credential with its own run", async () => {
    const res = await heartbeat(await credentialFor(botA));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ botId: botA.id, assignedRun: { runId: runA.id } });
  });

  it("refuses another bot's credential on this bot's run (403), and never hands it this bot's run", async () => {
    const tokenB = await credentialFor(botB);
    const finished = await finish(tokenB, runA.id);
    expect(finished.status).toBe(403);
    expect(finished.body).toMatchObject({ status: 403 });
    const beat = await heartbeat(tokenB);
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ botId: botB.id, assignedRun: { runId: runB.id } });
    // a run that is not there at all is 404, whoever asks
    expect((await finish(tokenB, someGuid)).status).toBe(404);
    // and run A is untouched
    expect((await admin.get<Run>(`environments/${envId}/runs/${runA.id}`)).body).toMatchObject({ state: 'Running', botId: botA.id });
  });

  it('refuses a credential bound to another group, another environment, an older or newer provisioning, an unknown bot or another key (401)', async () => {
    const other = new BotCredentials(async () => new Uint8Array(48).fill(3));
    const refused = [
      await credentialFor(botA, { groupId: b.groupId }),
      await credentialFor(botA, { environmentId: someGuid }),
      await credentialFor(botA, { credentialVersion: botA.credentialVersion - 1 }),
      await credentialFor(botA, { credentialVersion: botA.credentialVersion + 1 }),
      await credentialFor(botA, { botId: someGuid }),
      await other.issue(identityOf(botA), new Date()),
    ];
    for (const [i, token] of refused.entries()) {
      const beat = await heartbeat(token);
      expect(beat.status, `credential ${i}`).toBe(401);
      expect(beat.body).toMatchObject({ status: 401, code: 'Unauthenticated' });
      expect((await finish(token, runA.id)).status, `credential ${i}`).toBe(401);
    }
  });

  it('refuses user tokens on agent routes and bot credentials on user routes (401)', async () => {
    const userToken = await mintToken(localCloud().issuer, { userId: admin.userId, platformAdmin: true });
    expect((await heartbeat(userToken)).status).toBe(401);
    expect((await finish(userToken, runA.id)).status).toBe(401);
    expect((await heartbeat(undefined)).status).toBe(401);
    const asBot = new ApiClient(localCloud().baseUrl, await credentialFor(botA), botA.id);
    expect((await asBot.get(`environments/${envId}`)).status).toBe(401);
    expect((await asBot.get(`environments/${envId}/runs/${runA.id}`)).status).toBe(401);
    expect((await asBot.post(`environments/${envId}/runs/${runA.id}/cancel`)).status).toBe(401);
    expect((await admin.get<Run>(`environments/${envId}/runs/${runA.id}`)).body.state).toBe('Running');
  });

  it('refuses the credential of a bot that was torn down (401)', async () => {
    const tokenA = await credentialFor(botA);
    for (const run of [runA, runB]) expect((await admin.post(`environments/${envId}/runs/${run.id}/cancel`)).status).toBe(202);
    // no slot left: the controller releases the idle bots, which are torn down and their credentials revoked
    const env = await admin.get<{ etag: string }>(`environments/${envId}`);
    expect((await admin.patch(`environments/${envId}`, { capacity: 0 }, { 'if-match': env.body.etag })).status).toBe(200);
    await until('bot A to be deleted', async () => ((await botRecord(botA.id)).state === 'Deleted' ? true : undefined), 60_000);
    expect((await heartbeat(tokenA)).status).toBe(401);
    expect((await finish(tokenA, runA.id)).status).toBe(401);
    expect((await admin.get<Run>(`environments/${envId}/runs/${runA.id}`)).body.state).toBe('Cancelled');
  }, 90_000);
});
