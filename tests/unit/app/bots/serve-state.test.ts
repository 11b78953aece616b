import { describe, expect, it } from 'vitest';
import { readServeState, type ServeStatePorts } from '../../../../app/bots/serve-state.js';
import type { BotDocument } from '../../../../domain/bot.js';
import type { RunDocument } from '../../../../domain/run.js';
import type { RunQueries } from '../../../../app/runs/run-store.js';
import type { Versioned } from '../../../../app/ports/document-store.js';
import { fixedClock } from '../../../support/fakes/fixed-clock.js';
import { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';

const ref = { environmentId: 'env', groupId: 'g', botId: 'b' };
const NOW = '2026-01-01T00:00:00.000Z';

/** The serve state's ports: a bots container in memory, the clock, and a run query that finds `running` on the bot. */
function ports(running: Pick<RunDocument, 'id'> | undefined): ServeStatePorts & { botStore: MemoryDocumentStore } {
  const runningOn = async () => running as Versioned<RunDocument> | undefined;
  return { botStore: new MemoryDocumentStore(), now: fixedClock(NOW).now, runs: { queries: { runningOn } as unknown as RunQueries } };
}

async function seedBot(store: MemoryDocumentStore, fields: Partial<BotDocument>): Promise<void> {
  const bot: BotDocument = {
    id: ref.botId,
    environmentId: ref.environmentId,
    type: 'bot',
    groupId: ref.groupId,
    state: 'Ready',
    imageVersion: '1',
    imageId: 'i',
    since: '2025-12-31T00:00:00.000Z',
    credentialVersion: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...fields,
  };
  await store.create(bot);
}

describe('readServeState, on its narrow ports', () => {
  it('is gone for a bot that has no record or is torn down', async () => {
    const deps = ports(undefined);
    expect(await readServeState(deps, ref, {})).toEqual({ gone: true });
    await seedBot(deps.botStore, { state: 'Deprovisioning' });
    expect(await readServeState(deps, ref, { release: 'Idle' })).toEqual({ gone: true });
  });

  it('writes a pending release on the record, once', async () => {
    const deps = ports(undefined);
    await seedBot(deps.botStore, {});
    expect(await readServeState(deps, ref, { release: 'Idle' })).toEqual({ gone: false, busy: false, release: 'Idle' });
    expect(await readServeState(deps, ref, { release: 'Later' })).toEqual({ gone: false, busy: false, release: 'Idle' });
    expect((await deps.botStore.get<BotDocument>(ref.environmentId, ref.botId))?.releaseRequested).toBe('Idle');
  });

  it('lets a leaving Busy bot whose run ended go idle, and keeps one that still runs it Busy', async () => {
    const ended = ports(undefined);
    await seedBot(ended.botStore, { state: 'Busy', currentRunId: 'r1' });
    expect(await readServeState(ended, ref, { drain: 'reprovision' })).toEqual({ gone: false, busy: false, drain: 'reprovision' });
    const bot = await ended.botStore.get<BotDocument>(ref.environmentId, ref.botId);
    expect(bot).toMatchObject({ state: 'Ready', since: NOW });
    expect(bot?.currentRunId).toBeUndefined();

    const running = ports({ id: 'r1' });
    await seedBot(running.botStore, { state: 'Busy', currentRunId: 'r1' });
    expect(await readServeState(running, ref, { release: 'Idle' })).toEqual({ gone: false, busy: true, release: 'Idle' });
  });
});
