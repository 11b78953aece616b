import { beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_PROVISIONING_ERRORS,
  recordProvisioningError,
  setState,
  updateBot,
  type BotRecordPorts,
  type GroupErrorPorts,
} from '../../../../app/bots/bot-records.js';
import type { BotDocument } from '../../../../domain/bot.js';
import type { GroupDocument } from '../../../../domain/group.js';
import { StalePreconditionError } from '../../../../app/ports/document-store.js';
import { BOT_GROUP_ID, BOT_ID, seedBot } from '../../../support/fakes/bot-documents.js';
import { fixedClock, type FixedClock } from '../../../support/fakes/fixed-clock.js';
import { RacingDocumentStore } from '../../../support/fakes/racing-document-store.js';
import { ENV, NOW, seedGroup, useCasePorts } from '../../../support/fakes/use-case-ports.js';

const ref = { environmentId: ENV, groupId: BOT_GROUP_ID, botId: BOT_ID };
const LATER = new Date(Date.parse(NOW) + 60_000).toISOString();

let clock: FixedClock;
let botStore: RacingDocumentStore;
let deps: BotRecordPorts;
const stored = async () => (await botStore.get<BotDocument>(ENV, BOT_ID))!;

beforeEach(() => {
  clock = fixedClock(NOW);
  botStore = new RacingDocumentStore();
  deps = { botStore, now: clock.now };
});

describe('updateBot', () => {
  it('writes the change under the etag it read, stamped with the clock', async () => {
    const before = await seedBot(botStore, { state: 'Busy', currentRunId: 'run-1' });
    clock.advance(60_000);
    const written = await updateBot(deps, ref, (b) => ({ ...b, lastHeartbeatAt: LATER }));
    expect(written).toMatchObject({ state: 'Busy', currentRunId: 'run-1', lastHeartbeatAt: LATER, updatedAt: LATER });
    expect(written?.etag).not.toBe(before.etag);
    expect(await stored()).toEqual(written);
  });

  it('writes nothing when the change leaves the record as it is, and answers the record', async () => {
    const before = await seedBot(botStore);
    expect(await updateBot(deps, ref, () => undefined)).toEqual(before);
    expect(botStore.replaceAttempts).toBe(0);
  });

  it('answers undefined for a bot that has no record, writing nothing', async () => {
    let asked = false;
    expect(
      await updateBot(deps, ref, (b) => {
        asked = true;
        return b;
      }),
    ).toBeUndefined();
    expect(asked).toBe(false);
    expect(botStore.docs.size).toBe(0);
  });

  it('on a lost race reads the record again and applies the change to what the other writer left', async () => {
    await seedBot(botStore, { state: 'Busy', currentRunId: 'run-1' });
    // the agent's heartbeat lands between the read and the write
    botStore.beforeNextReplace(async () => {
      const current = await stored();
      await botStore.replace({ ...current, lastHeartbeatAt: LATER }, current.etag);
    });
    await updateBot(deps, ref, (b) => ({ ...b, drainRequested: 'reprovision' }));
    expect(botStore.replaceAttempts).toBe(2);
    expect(await stored()).toMatchObject({ drainRequested: 'reprovision', lastHeartbeatAt: LATER, state: 'Busy' });
  });

  it('gives up with StalePreconditionError after 8 lost races, and throws any other failure at once', async () => {
    await seedBot(botStore);
    botStore.replaceError = new StalePreconditionError(BOT_ID);
    await expect(updateBot(deps, ref, (b) => ({ ...b, state: 'Busy' }))).rejects.toBeInstanceOf(StalePreconditionError);
    expect(botStore.replaceAttempts).toBe(8);

    botStore.replaceAttempts = 0;
    botStore.replaceError = new Error('503 Service Unavailable');
    await expect(updateBot(deps, ref, (b) => ({ ...b, state: 'Busy' }))).rejects.toThrow('503');
    expect(botStore.replaceAttempts).toBe(1);
    expect((await stored()).state).toBe('Ready');
  });
});

describe('setState', () => {
  it('moves the bot to the state with the fields, since now', async () => {
    await seedBot(botStore, { state: 'Busy', currentRunId: 'run-1' });
    clock.advance(60_000);
    await setState(deps, ref, 'Draining', { reason: 'HeartbeatLost', currentRunId: undefined });
    const bot = await stored();
    expect(bot).toMatchObject({ state: 'Draining', since: LATER, reason: 'HeartbeatLost' });
    expect(bot.currentRunId).toBeUndefined();
  });

  it('keeps since when the state does not change, and writes nothing when neither state nor fields do', async () => {
    await seedBot(botStore, { state: 'Deprovisioning' });
    clock.advance(60_000);
    await setState(deps, ref, 'Deprovisioning');
    expect(botStore.replaceAttempts).toBe(0);
    await setState(deps, ref, 'Deprovisioning', { reason: 'idle-timeout' });
    expect(await stored()).toMatchObject({ state: 'Deprovisioning', since: NOW, reason: 'idle-timeout', updatedAt: LATER });
  });
});

describe('recordProvisioningError', () => {
  let ports: GroupErrorPorts & { store: RacingDocumentStore };
  const errorsOnGroup = async () => (await ports.store.get<GroupDocument>(ENV, BOT_GROUP_ID))!.provisioningErrors;

  beforeEach(async () => {
    const base = useCasePorts();
    ports = { ...base, store: new RacingDocumentStore() };
    await seedGroup({ ...base, store: ports.store }, BOT_GROUP_ID, 'pw');
  });

  it('appends the failure to its group, the reason cut to 1,000 characters', async () => {
    await recordProvisioningError(ports, ref, `AllocationFailed: ${'x'.repeat(2_000)}`);
    const errors = await errorsOnGroup();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ at: NOW, botId: BOT_ID });
    expect(errors[0]?.reason).toHaveLength(1_000);
  });

  it(`keeps the newest ${MAX_PROVISIONING_ERRORS}`, async () => {
    for (let i = 0; i < MAX_PROVISIONING_ERRORS + 2; i++) await recordProvisioningError(ports, ref, `failure ${i}`);
    const errors = await errorsOnGroup();
    expect(errors).toHaveLength(MAX_PROVISIONING_ERRORS);
    expect(errors[0]?.reason).toBe('failure 2');
    expect(errors.at(-1)?.reason).toBe(`failure ${MAX_PROVISIONING_ERRORS + 1}`);
  });

  it('keeps a failure another bot filed meanwhile (lost race: read again, append again)', async () => {
    ports.store.beforeNextReplace(() => recordProvisioningError(ports, { ...ref, botId: 'bot-2' }, 'QuotaExceeded'));
    await recordProvisioningError(ports, ref, 'AllocationFailed');
    expect((await errorsOnGroup()).map((e) => [e.botId, e.reason])).toEqual([
      ['bot-2', 'QuotaExceeded'],
      [BOT_ID, 'AllocationFailed'],
    ]);
  });

  it('files nothing for a group that is gone', async () => {
    await expect(recordProvisioningError(ports, { ...ref, groupId: 'gone' }, 'AllocationFailed')).resolves.toBeUndefined();
    expect(ports.store.replaceAttempts).toBe(0);
  });
});
