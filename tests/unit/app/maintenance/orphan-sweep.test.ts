import { beforeEach, describe, expect, it } from 'vitest';
import type { BotDocument, BotState } from '../../../../domain/bot.js';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import { MAINTENANCE_ACTION } from '../../../../domain/maintenance.js';
import type { RunDocument } from '../../../../domain/run.js';
import { MAX_RUN_ATTEMPTS } from '../../../../app/bots/lost-runs.js';
import { sweepOrphans } from '../../../../app/maintenance/orphan-sweep.js';
import { botDocument } from '../../../support/fakes/bot-documents.js';
import { maintenancePorts, seedRunIn, type MaintenancePorts } from '../../../support/fakes/maintenance-ports.js';
import { MemoryBotProvisioner } from '../../../support/fakes/memory-bot-provisioner.js';
import { RecordingLifecycleSignals } from '../../../support/fakes/recording-lifecycle-signals.js';
import { ENV, NOW, seedEnvironment } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const LATER = '2026-01-01T00:05:00.000Z';

let ports: MaintenancePorts;
let provisioner: MemoryBotProvisioner;
let signals: RecordingLifecycleSignals;

const sweep = () => sweepOrphans(ports, provisioner, signals);
const botOf = async (id: string) => (await ports.botStore.get<BotDocument>(ENV, id))!;
const aBot = (id: string, state: BotState, overrides: Partial<BotDocument> = {}) => ports.botStore.create(botDocument(id, G1, state, overrides));
const aVm = (botId: string, environmentId = ENV) => provisioner.addVm({ environmentId, groupId: G1, botId });

/** A Busy bot without a VM, holding run-1 (its attempt `attempt`), as the sweep finds a bot whose VM vanished. */
async function aBusyBotWithoutVm(attempt: number): Promise<void> {
  await ports.queues.create(G1);
  await seedRunIn(ports, 'run-1', G1, { state: 'Running', botId: 'busy', startedAt: NOW, attempt });
  await aBot('busy', 'Busy', { currentRunId: 'run-1' });
}

beforeEach(async () => {
  ports = maintenancePorts();
  provisioner = new MemoryBotProvisioner();
  signals = new RecordingLifecycleSignals();
  await seedEnvironment(ports.store);
  ports.clock.advance(5 * 60_000);
});

describe('sweepOrphans', () => {
  it('deletes a VM no bot record owns, or whose bot ended Deleted or Failed, and logs why', async () => {
    const stray = aVm('stray');
    aVm('deleted');
    aVm('failed');
    await aBot('deleted', 'Deleted');
    await aBot('failed', 'Failed');
    const { actions } = await sweep();
    expect(provisioner.deprovisioned).toEqual(['stray', 'deleted', 'failed']);
    expect(actions.map((a) => [a.action, a.reason, a.botId])).toEqual([
      ['orphanVmDeleted', 'NoBotRecord', 'stray'],
      ['orphanVmDeleted', 'BotRecordDeleted', 'deleted'],
      ['orphanVmDeleted', 'BotRecordFailed', 'failed'],
    ]);
    expect(actions[0]).toMatchObject({
      sweep: 'orphans',
      groupId: G1,
      vmResourceId: stray.vmResourceId,
      detail: 'No bot of the control plane owns the VM of bot id stray; deleted.',
    });
    expect(ports.botStore.ofType(ENV, MAINTENANCE_ACTION)).toHaveLength(3);
    // no bot lives and none is committed: no controller to wake
    expect(signals.woken).toEqual([]);
  });

  it('keeps the VMs of bots that are provisioning, serving or being torn down, and keeps their controller planning', async () => {
    for (const state of ['Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning'] as const) {
      aVm(state);
      await aBot(state, state);
    }
    expect((await sweep()).actions).toEqual([]);
    expect(provisioner.deprovisioned).toEqual([]);
    expect(signals.woken).toEqual([ENV]);
  });

  it('marks a serving bot whose VM is gone Failed (VmMissing), tells its lifecycle to go and wakes the controller', async () => {
    await aBot('ready', 'Ready');
    // provisioning or being torn down: the VM may not exist (yet, any more)
    await aBot('provisioning', 'Provisioning');
    await aBot('deprovisioning', 'Deprovisioning');
    const { actions } = await sweep();
    expect(actions.map((a) => [a.action, a.reason, a.botId, a.detail])).toEqual([
      ['botLost', 'VmMissing', 'ready', 'Bot ready was Ready but its VM no longer exists.'],
    ]);
    expect(actions[0]?.runId).toBeUndefined();
    expect(await botOf('ready')).toMatchObject({ state: 'Failed', reason: 'VmMissing', since: LATER });
    expect((await botOf('provisioning')).state).toBe('Provisioning');
    expect((await botOf('deprovisioning')).state).toBe('Deprovisioning');
    expect(signals.released).toEqual([{ botId: 'ready', reason: 'VmMissing' }]);
    expect(signals.woken).toEqual([ENV]);
  });

  it('puts the run of a lost Busy bot back in the queue, with a wake-up, and says so', async () => {
    await aBusyBotWithoutVm(1);
    const [action] = (await sweep()).actions;
    expect(action).toMatchObject({ action: 'botLost', runId: 'run-1', runOutcome: 'requeued' });
    expect(action?.detail).toBe('Bot busy was Busy but its VM no longer exists. Its run run-1 went back to the queue.');
    const run = await ports.runs.docs.get<RunDocument>(ENV, 'run-1');
    expect(run).toMatchObject({ state: 'Queued', attempt: 1 });
    expect(run?.botId).toBeUndefined();
    expect(ports.queues.wakeUpsOf(G1)).toEqual(['run-1']);
    expect((await botOf('busy')).currentRunId).toBeUndefined();
  });

  it('fails the run of a lost bot after MAX_RUN_ATTEMPTS', async () => {
    await aBusyBotWithoutVm(MAX_RUN_ATTEMPTS);
    const [action] = (await sweep()).actions;
    expect(action).toMatchObject({ runId: 'run-1', runOutcome: 'failed' });
    expect(await ports.runs.docs.get<RunDocument>(ENV, 'run-1')).toMatchObject({ state: 'Failed', error: { code: 'BotLost' } });
    expect(ports.queues.wakeUpsOf(G1)).toEqual([]);
  });

  it('leaves a bot whose record changed or went away after the snapshot to its lifecycle', async () => {
    await aBot('torn-down', 'Ready');
    await aBot('removed', 'Ready');
    const list = provisioner.list.bind(provisioner);
    // between the sweep's read of the bots and its listing of the VMs, one bot's teardown starts and another's record goes
    provisioner.list = async () => {
      const bot = await botOf('torn-down');
      await ports.botStore.replace({ ...bot, state: 'Deprovisioning', since: LATER }, bot.etag);
      await ports.botStore.delete(ENV, 'removed');
      return list();
    };
    expect((await sweep()).actions).toEqual([]);
    expect((await botOf('torn-down')).state).toBe('Deprovisioning');
    expect(signals.released).toEqual([]);
  });

  it('also sweeps an environment only a VM names, and wakes a controller only where bots live or are committed', async () => {
    const env = (await ports.store.get<EnvironmentDocument>(ENV, ENV))!;
    await ports.store.replace({ ...env, ledger: { ...env.ledger, groups: { [G1]: { name: 'g', committedBots: 1, maxBots: 2 } } } }, env.etag);
    ports.environments.push('quiet');
    aVm('leftover', 'unknown-env');
    const report = await sweep();
    expect(report).toMatchObject({ environments: 3, skipped: 0 });
    expect(report.actions.map((a) => [a.environmentId, a.action, a.botId])).toEqual([['unknown-env', 'orphanVmDeleted', 'leftover']]);
    expect(signals.woken).toEqual([ENV]);
  });

  it('passes a failed VM delete on, logging nothing for it, the lease given back', async () => {
    aVm('stray');
    provisioner.failDeprovision = true;
    await expect(sweep()).rejects.toThrow('ARM is down');
    expect(ports.botStore.ofType(ENV, MAINTENANCE_ACTION)).toEqual([]);
    expect(await ports.store.get(ENV, 'lease:orphans')).toBeUndefined();
  });
});
