import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkBotHealth,
  deprovisionBot,
  markBotFailed,
  markBotIdle,
  provisionBot,
  type DeprovisionPorts,
  type ProvisionPorts,
} from '../../../../app/bots/bot-operations.js';
import type { BotIdentity } from '../../../../domain/bot-identity.js';
import type { BotDocument, BotState } from '../../../../domain/bot.js';
import type { GroupDocument } from '../../../../domain/group.js';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import { ProvisioningError } from '../../../../app/ports/bot-provisioner.js';
import type { StoredDocument } from '../../../../app/ports/document-store.js';
import { BOT_GROUP_ID, BOT_ID, seedBot } from '../../../support/fakes/bot-documents.js';
import { BUILT_IN_IMAGE_BUILD, RecordingBotProvisioner, vmResourceIdOf } from '../../../support/fakes/recording-bot-provisioner.js';
import { RecordingWakeUpQueues } from '../../../support/fakes/recording-wake-up-queues.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { BUILT_IN_IMAGE, ENV, NOW, seedEnvironment, seedGroup } from '../../../support/fakes/use-case-ports.js';

const ref = { environmentId: ENV, groupId: BOT_GROUP_ID, botId: BOT_ID };
const API = 'https://control-plane.test/api';
const MINUTE = 60_000;
const minutesAfterNow = (m: number) => new Date(Date.parse(NOW) + m * MINUTE).toISOString();

type BotOperationPorts = Omit<RunPorts, 'queues'> &
  ProvisionPorts &
  DeprovisionPorts & { queues: RecordingWakeUpQueues; issued: BotIdentity[]; logged: string[] };

/** `world`'s containers and clock, a credential issuer that records what it issued, the wake-ups sent and the run log. */
function botOperationPorts(world: RunPorts): BotOperationPorts {
  const issued: BotIdentity[] = [];
  const logged: string[] = [];
  return {
    ...world,
    queues: new RecordingWakeUpQueues(),
    runLog: (line) => logged.push(line),
    botCredentials: {
      issue: async (identity) => {
        issued.push(identity);
        return `credential-v${identity.credentialVersion}`;
      },
    },
    issued,
    logged,
  };
}

/** The in-memory ports the fixtures are seeded through; `ports` shares their containers and clock. */
let world: RunPorts;
let ports: BotOperationPorts;
let provisioner: RecordingBotProvisioner;
const storedBot = async () => (await ports.botStore.get<BotDocument>(ENV, BOT_ID))!;
const storedGroup = async () => (await ports.store.get<GroupDocument>(ENV, BOT_GROUP_ID))!;

/** A run of the bot's group, Running on the bot since `claimedAt`. */
async function aRunOnTheBot(claimedAt = NOW): Promise<RunDocument> {
  const queued = await seedRun(world, 'run-1', BOT_GROUP_ID, 'user-1');
  return ports.runs.docs.replace<RunDocument>(claimedBy(queued, BOT_ID, new Date(claimedAt)), queued.etag);
}

beforeEach(async () => {
  world = runPorts();
  ports = botOperationPorts(world);
  provisioner = new RecordingBotProvisioner();
  await seedEnvironment(ports.store);
  await seedGroup(world, BOT_GROUP_ID, 'pw');
});

describe('provisionBot', () => {
  it('asks for the VM from the group’s image with a credential of the next version, the record Provisioning meanwhile', async () => {
    await seedBot(ports.botStore, { state: 'Provisioning', credentialVersion: 2, imageId: 'old-image', imageVersion: '1.0.0' });
    let duringProvisioning: BotDocument | undefined;
    provisioner.during = async () => {
      duringProvisioning = await storedBot();
    };
    expect(await provisionBot(ports, provisioner, API, ref)).toEqual({ ok: true });

    expect(ports.issued).toEqual([{ ...ref, credentialVersion: 3 }]);
    const group = await storedGroup();
    expect(provisioner.provisioned).toEqual([
      {
        ...ref,
        region: 'northeurope',
        image: { builtIn: true, version: 'latest' },
        account: group.account,
        agent: { controlPlaneUrl: API, credential: 'credential-v3' },
      },
    ]);
    expect(duringProvisioning).toMatchObject({ state: 'Provisioning', credentialVersion: 3, imageId: BUILT_IN_IMAGE, imageVersion: 'latest' });
  });

  it('records the bot Ready on the VM it got, since now, with no run or drain left over from before', async () => {
    await seedBot(ports.botStore, { state: 'Provisioning', since: NOW, currentRunId: 'run-0', drainRequested: 'reprovision' });
    ports.clock.advance(5 * MINUTE);
    await provisionBot(ports, provisioner, API, ref);
    const bot = await storedBot();
    expect(bot).toMatchObject({ state: 'Ready', since: minutesAfterNow(5), vmResourceId: vmResourceIdOf(BOT_ID), imageVersion: BUILT_IN_IMAGE_BUILD });
    expect(bot.currentRunId).toBeUndefined();
    expect(bot.drainRequested).toBeUndefined();
  });

  it.each<[string, () => Promise<unknown>]>([
    ['the bot has no record', async () => undefined],
    ['the bot is Deleted', () => seedBot(ports.botStore, { state: 'Deleted' })],
    [
      'the group is deleted',
      async () => {
        await seedBot(ports.botStore, { state: 'Provisioning' });
        const group = await storedGroup();
        await ports.store.replace({ ...group, status: 'deleted' }, group.etag);
      },
    ],
    [
      'the group is gone',
      async () => {
        await seedBot(ports.botStore, { state: 'Provisioning' });
        await ports.store.delete(ENV, BOT_GROUP_ID);
      },
    ],
  ])('answers GroupOrBotGone, not to be retried, and makes no VM when %s', async (_, arrange) => {
    await arrange();
    expect(await provisionBot(ports, provisioner, API, ref)).toEqual({ ok: false, retryable: false, reason: 'GroupOrBotGone' });
    expect(provisioner.provisioned).toEqual([]);
    expect(ports.issued).toEqual([]);
  });

  it('makes no VM when the record goes between its first read and the Provisioning write', async () => {
    await seedBot(ports.botStore, { state: 'Provisioning' });
    const get = ports.botStore.get.bind(ports.botStore);
    let reads = 0;
    ports.botStore.get = async <T extends StoredDocument>(partition: string, id: string) => {
      const found = await get<T>(partition, id);
      if (++reads === 1) await ports.botStore.delete(ENV, BOT_ID);
      return found;
    };
    expect(await provisionBot(ports, provisioner, API, ref)).toEqual({ ok: false, retryable: false, reason: 'GroupOrBotGone' });
    expect(provisioner.provisioned).toEqual([]);
    expect(ports.issued).toEqual([]);
  });

  it('fails for good when the group’s image no longer exists, files it on the group and leaves the record alone', async () => {
    const before = await seedBot(ports.botStore, { state: 'Provisioning', credentialVersion: 0 });
    const group = await storedGroup();
    await ports.store.replace({ ...group, imageId: 'deleted-image' }, group.etag);
    const reason = 'ImageNotFound: image deleted-image of the group no longer exists';
    expect(await provisionBot(ports, provisioner, API, ref)).toEqual({ ok: false, retryable: false, reason });
    expect((await storedGroup()).provisioningErrors).toEqual([{ at: NOW, botId: BOT_ID, reason }]);
    expect(provisioner.provisioned).toEqual([]);
    expect((await storedBot()).etag).toBe(before.etag);
  });

  it('answers a provisioner failure with its reason and whether a retry may help, filed on the group; the bot stays Provisioning', async () => {
    await seedBot(ports.botStore, { state: 'Provisioning', credentialVersion: 0 });
    provisioner.provisionError = new ProvisioningError('AllocationFailed', true, 'no capacity for the VM size in northeurope');
    const outcome = await provisionBot(ports, provisioner, API, ref);
    expect(outcome).toEqual({ ok: false, retryable: true, reason: 'AllocationFailed: no capacity for the VM size in northeurope' });
    expect((await storedGroup()).provisioningErrors.map((e) => e.reason)).toEqual(['AllocationFailed: no capacity for the VM size in northeurope']);
    expect(await storedBot()).toMatchObject({ state: 'Provisioning', credentialVersion: 1 });
  });

  it('takes an unexpected failure as retryable, filed as UnexpectedError without its message', async () => {
    await seedBot(ports.botStore, { state: 'Provisioning' });
    provisioner.provisionError = new Error('socket hang up (password=hunter2)');
    expect(await provisionBot(ports, provisioner, API, ref)).toEqual({ ok: false, retryable: true, reason: 'UnexpectedError' });
    expect((await storedGroup()).provisioningErrors.map((e) => e.reason)).toEqual(['UnexpectedError']);
  });
});

describe('markBotFailed', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('removes what the failed provisioning left, then marks the bot Failed with the reason', async () => {
    await seedBot(ports.botStore, { state: 'Provisioning' });
    await markBotFailed(ports, provisioner, ref, 'AllocationFailed');
    expect(provisioner.deprovisioned).toEqual([ref]);
    expect(await storedBot()).toMatchObject({ state: 'Failed', reason: 'AllocationFailed', since: NOW });
  });

  it('marks the bot Failed even when the VM cannot be removed (logged: the orphan sweep removes it)', async () => {
    const warnings: unknown[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void warnings.push(line));
    await seedBot(ports.botStore, { state: 'Provisioning' });
    provisioner.deprovisionError = new Error('ARM 500');
    await markBotFailed(ports, provisioner, ref, 'AgentStartFailed');
    expect((await storedBot()).state).toBe('Failed');
    expect(warnings).toEqual([expect.stringMatching(/^best effort failed: deleting what the failed provisioning of bot bot-1 left .*ARM 500/)]);
  });
});

describe('markBotIdle', () => {
  it('lets a Busy bot go idle: Ready since now, its run cleared', async () => {
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1' });
    ports.clock.advance(MINUTE);
    await markBotIdle(ports, ref);
    const bot = await storedBot();
    expect(bot).toMatchObject({ state: 'Ready', since: minutesAfterNow(1) });
    expect(bot.currentRunId).toBeUndefined();
  });

  it('clears a run left on a Ready bot, keeping when it went idle', async () => {
    await seedBot(ports.botStore, { state: 'Ready', currentRunId: 'run-1' });
    ports.clock.advance(MINUTE);
    await markBotIdle(ports, ref);
    const bot = await storedBot();
    expect(bot.since).toBe(NOW);
    expect(bot.currentRunId).toBeUndefined();
  });

  it.each<[BotState, Partial<BotDocument>]>([
    ['Failed', { currentRunId: 'run-1' }],
    ['Deleted', {}],
    ['Deprovisioning', { currentRunId: 'run-1' }],
    ['Ready', {}],
  ])('leaves a %s bot as it is (no write)', async (state, fields) => {
    const before = await seedBot(ports.botStore, { state, ...fields });
    await markBotIdle(ports, ref);
    expect(await storedBot()).toEqual(before);
  });
});

describe('checkBotHealth', () => {
  const TIMEOUT_SECONDS = 120;

  it('says a bot without a record is lost (BotRecordMissing), naming no run', async () => {
    expect(await checkBotHealth(ports, ref, TIMEOUT_SECONDS)).toEqual({ healthy: false, reason: 'BotRecordMissing' });
  });

  it('says the run ended when the bot holds none, whatever its silence', async () => {
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1', lastHeartbeatAt: NOW });
    ports.clock.advance(60 * MINUTE);
    expect(await checkBotHealth(ports, ref, TIMEOUT_SECONDS)).toEqual({ healthy: true, runEnded: true });
  });

  it('judges a bot silent for longer than the timeout since its last heartbeat and its claim lost, naming its run', async () => {
    await aRunOnTheBot(NOW);
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1', since: NOW, lastHeartbeatAt: NOW });
    ports.clock.advance((TIMEOUT_SECONDS + 1) * 1000);
    expect(await checkBotHealth(ports, ref, TIMEOUT_SECONDS)).toEqual({ healthy: false, reason: 'HeartbeatLost', runId: 'run-1' });
  });

  it('counts a recent heartbeat, and a recent claim of the run it holds, as signs of life', async () => {
    ports.clock.advance(60 * MINUTE);
    await aRunOnTheBot(NOW);
    await seedBot(ports.botStore, { state: 'Busy', currentRunId: 'run-1', since: NOW, lastHeartbeatAt: minutesAfterNow(59) });
    expect(await checkBotHealth(ports, ref, TIMEOUT_SECONDS)).toEqual({ healthy: true });

    // a record that still tells an hour-old state, and a run the agent claimed a moment ago
    const run = (await ports.runs.docs.get<RunDocument>(ENV, 'run-1'))!;
    await ports.runs.docs.replace({ ...run, startedAt: minutesAfterNow(59.5) }, run.etag);
    const bot = await storedBot();
    await ports.botStore.replace({ ...bot, lastHeartbeatAt: NOW }, bot.etag);
    expect(await checkBotHealth(ports, ref, TIMEOUT_SECONDS)).toEqual({ healthy: true });
  });
});

describe('deprovisionBot', () => {
  it('removes the VM while the record says Deprovisioning, then ends the record Deleted', async () => {
    await seedBot(ports.botStore, { state: 'Ready', currentRunId: 'run-0' });
    let duringRemoval: BotDocument | undefined;
    provisioner.during = async () => {
      duringRemoval = await storedBot();
    };
    expect(await deprovisionBot(ports, provisioner, ref, 'idle-timeout', false)).toEqual({ verdict: 'none' });
    expect(duringRemoval).toMatchObject({ state: 'Deprovisioning', reason: 'idle-timeout' });
    expect(provisioner.deprovisioned).toEqual([ref]);
    const bot = await storedBot();
    expect(bot).toMatchObject({ state: 'Deleted', reason: 'idle-timeout' });
    expect(bot.currentRunId).toBeUndefined();
  });

  it('requeues a run the agent claimed while the bot was going, with a wake-up, once the VM is gone', async () => {
    await aRunOnTheBot(NOW);
    await seedBot(ports.botStore, { state: 'Draining', releaseRequested: 'idle-timeout' });
    const outcome = await deprovisionBot(ports, provisioner, ref, 'idle-timeout', false);
    expect(outcome).toEqual({ verdict: 'requeued', runId: 'run-1' });
    const run = (await ports.runs.docs.get<RunDocument>(ENV, 'run-1'))!;
    expect(run.state).toBe('Queued');
    expect(run.botId).toBeUndefined();
    expect(ports.queues.sent).toEqual([{ groupId: BOT_GROUP_ID, runId: 'run-1' }]);
    expect(ports.logged).toEqual([expect.stringMatching(/^run\.requeued runId=run-1 .* reason=idle-timeout$/)]);
  });

  it('keeps the record for a reprovision in place: it goes back to Provisioning', async () => {
    await seedBot(ports.botStore, { state: 'Draining', drainRequested: 'reprovision' });
    await deprovisionBot(ports, provisioner, ref, 'image-change', true);
    expect(await storedBot()).toMatchObject({ state: 'Provisioning', reason: 'image-change' });
  });

  it('fails with the provisioner, leaving the record Deprovisioning for the retry', async () => {
    await seedBot(ports.botStore, { state: 'Ready' });
    provisioner.deprovisionError = new ProvisioningError('ArmRequestFailed', true, 'delete virtual machine: HTTP 500');
    await expect(deprovisionBot(ports, provisioner, ref, 'idle-timeout', false)).rejects.toThrow('HTTP 500');
    expect((await storedBot()).state).toBe('Deprovisioning');
  });
});
