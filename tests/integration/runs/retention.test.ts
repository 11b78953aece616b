import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppClients } from '../../../composition/root/clients.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { finishRun } from '../../../app/runs/finish.js';
import { clientFor } from '../../support/api-client.js';
import { rawDocumentsOf } from '../../support/group-fixtures.js';
import { aBotRecord } from '../../support/maintenance-fixtures.js';
import { createRunWorld, inProcessServices, runPath, submit } from '../../support/run-fixtures.js';
import type { ApiClient } from '../../support/api-client.js';
import type { BotDocument } from '../../../domain/bot.js';

// Data that stays bounded (domain/retention.ts): an ended run and the record of a gone bot carry a Cosmos ttl
// of their retention setting in seconds; queued and running runs and live bots carry none. The local Cosmos peer
// does not expire anything, so what is checked is the ttl written, through the same stores the app uses (the API
// in the host process for the cancel, the in-process services for the rest).

let admin: ApiClient;
let deps: AppClients;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  deps = inProcessServices();
});

afterAll(async () => {
  await deps?.queues.close();
});

const DAY = 86_400;

async function rawOf(envId: string, container: 'runs' | 'bots', id: string): Promise<Record<string, unknown> | undefined> {
  return (await rawDocumentsOf(envId, container)).find((d) => d.id === id);
}

describe('retention: ttl written on what is history', () => {
  it('an ended run carries RUN_RETENTION_DAYS in seconds; queued and running runs carry none', async () => {
    expect(deps.config.RUN_RETENTION_DAYS).toBe(90);
    const w = await createRunWorld(admin);
    const cancelled = await submit(w);
    const running = await submit(w);
    const queued = await submit(w);
    expect((await rawOf(w.envId, 'runs', queued.id))?.ttl).toBeUndefined();

    // cancelled through the API (the host process's store)
    expect((await admin.post(`${runPath(w.envId, cancelled.id)}/cancel`)).status).toBe(200);
    expect((await rawOf(w.envId, 'runs', cancelled.id))?.ttl).toBe(90 * DAY);

    // claimed (Running: no ttl), then finished (Succeeded: ttl)
    const claim = await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-ttl' });
    expect('run' in claim && claim.run.id).toBe(running.id);
    expect((await rawOf(w.envId, 'runs', running.id))?.ttl).toBeUndefined();
    await finishRun(deps, { environmentId: w.envId, runId: running.id, botId: 'bot-ttl', outcome: 'Succeeded', outputs: {} });
    const ended = await rawOf(w.envId, 'runs', running.id);
    expect(ended?.state).toBe('Succeeded');
    expect(ended?.ttl).toBe(90 * DAY);

    expect((await rawOf(w.envId, 'runs', queued.id))?.ttl).toBeUndefined();
    // the Idempotency-Key records keep their own ttl (24 h): the policy touches runs only
  });

  it('a Deleted or Failed bot carries BOT_RECORD_RETENTION_DAYS in seconds; a live bot carries none', async () => {
    expect(deps.config.BOT_RECORD_RETENTION_DAYS).toBe(30);
    const w = await createRunWorld(admin);
    const live = (await aBotRecord(deps, w.envId, w.groupId, 'Ready')) as BotDocument & { etag: string };
    expect((await rawOf(w.envId, 'bots', live.id))?.ttl).toBeUndefined();
    const deleted = await deps.botStore.replace<BotDocument>({ ...live, state: 'Deleted' }, live.etag);
    expect((await rawOf(w.envId, 'bots', live.id))?.ttl).toBe(30 * DAY);
    // a record brought back into play (not a path the lifecycle takes, but the store must not leave a stale ttl)
    await deps.botStore.replace<BotDocument>({ ...deleted, state: 'Provisioning' }, deleted.etag);
    expect((await rawOf(w.envId, 'bots', live.id))?.ttl).toBeUndefined();
    const failed = await aBotRecord(deps, w.envId, w.groupId, 'Failed');
    expect((await rawOf(w.envId, 'bots', failed.id))?.ttl).toBe(30 * DAY);
  });
});
