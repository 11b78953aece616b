import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BotDocument } from '../../../domain/bot.js';
import type { BotProvisioner } from '../../../app/ports/bot-provisioner.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { sweepOrphans } from '../../../app/maintenance/orphan-sweep.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { aBotRecord, aSweepWorld, aVm, localVms, scopedProvisioner, type SweepWorld } from '../../support/maintenance-fixtures.js';
import { readRun, submit } from '../../support/run-fixtures.js';

// The orphan sweep against the shared cloud's simulated VMs (rows of its Azurite table, the production adapter),
// limited to each test's environment.

let admin: ApiClient;

beforeAll(async () => {
  admin = await clientFor({ userId: 'orphan-sweep-admin', platformAdmin: true });
});

interface Sweeper extends SweepWorld {
  vms: BotProvisioner;
  sweep(): ReturnType<typeof sweepOrphans>;
}

async function aSweeper(): Promise<Sweeper> {
  const base = await aSweepWorld(admin);
  const vms = scopedProvisioner(localVms(base.deps), [base.world.envId]);
  return { ...base, vms, sweep: () => sweepOrphans(base.deps, vms, base.signals) };
}

const vmBotIds = async (s: Sweeper) => (await s.vms.list()).map((vm) => vm.botId).sort();

describe('orphan sweep', () => {
  it('deletes a VM created behind the control plane’s back at its next run, and records why', async () => {
    const s = await aSweeper();
    const stray = await aVm(s.vms, s.deps, s.world.envId, s.world.groupId);
    expect(await vmBotIds(s)).toEqual([stray]);

    const report = await s.sweep();
    expect(report.actions.map((a) => [a.action, a.reason, a.botId])).toEqual([['orphanVmDeleted', 'NoBotRecord', stray]]);
    expect(await vmBotIds(s)).toEqual([]);
    const log = await admin.get<{ items: Array<{ action: string; vmResourceId?: string }> }>(`environments/${s.world.envId}/maintenance`);
    expect(log.body.items).toEqual([expect.objectContaining({ action: 'orphanVmDeleted', vmResourceId: expect.stringContaining(stray) })]);
    expect((await s.sweep()).actions).toEqual([]); // nothing left to do
  });

  it('deletes the VM of a bot that ended Deleted or Failed, and keeps those of bots that are provisioning, serving or being torn down', async () => {
    const s = await aSweeper();
    const keep: string[] = [];
    for (const state of ['Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning'] as const) {
      const bot = await aBotRecord(s.deps, s.world.envId, s.world.groupId, state);
      keep.push(await aVm(s.vms, s.deps, s.world.envId, s.world.groupId, bot.id));
    }
    const gone: string[] = [];
    for (const state of ['Deleted', 'Failed'] as const) {
      const bot = await aBotRecord(s.deps, s.world.envId, s.world.groupId, state);
      gone.push(await aVm(s.vms, s.deps, s.world.envId, s.world.groupId, bot.id));
    }
    const report = await s.sweep();
    expect(report.actions.map((a) => a.botId).sort()).toEqual([...gone].sort());
    expect(report.actions.map((a) => a.reason).sort()).toEqual(['BotRecordDeleted', 'BotRecordFailed']);
    expect(await vmBotIds(s)).toEqual([...keep].sort());
    // live bots: the controller is kept planning for the environment
    expect(s.signals.woken).toContain(s.world.envId);
  });

  it('marks a serving bot whose VM is gone lost, puts its run back in the queue and tells its lifecycle to go', async () => {
    const s = await aSweeper();
    const bot = await aBotRecord(s.deps, s.world.envId, s.world.groupId, 'Ready');
    const run = await submit(s.world);
    const claim = await claimNextRun(s.deps, { environmentId: s.world.envId, groupId: s.world.groupId, botId: bot.id, waitMs: 500 });
    expect('run' in claim && claim.run.id).toBe(run.id);
    const provisioning = await aBotRecord(s.deps, s.world.envId, s.world.groupId, 'Provisioning'); // no VM yet: not lost

    const report = await s.sweep();
    expect(report.actions.map((a) => [a.action, a.botId, a.reason])).toEqual([['botLost', bot.id, 'VmMissing']]);
    expect(report.actions[0]).toMatchObject({ runId: run.id, runOutcome: 'requeued' });
    expect(report.actions[0]?.detail).toMatch(/went back to the queue/);
    const lost = await s.deps.botStore.get<BotDocument>(s.world.envId, bot.id);
    expect(lost).toMatchObject({ state: 'Failed', reason: 'VmMissing' });
    expect((await s.deps.botStore.get<BotDocument>(s.world.envId, provisioning.id))?.state).toBe('Provisioning');
    expect((await readRun(s.world, run.id)).body).toMatchObject({ state: 'Queued', attempt: 1, botId: null });
    expect(s.signals.released).toEqual([{ botId: bot.id, reason: 'VmMissing' }]);
    expect(s.signals.woken).toContain(s.world.envId);
    // the run is claimable again, by another bot
    const again = await claimNextRun(s.deps, { environmentId: s.world.envId, groupId: s.world.groupId, botId: randomUUID(), waitMs: 500 });
    expect('run' in again && again.run.id).toBe(run.id);
  });

  it('acts once when two sweeps run at the same time', async () => {
    const s = await aSweeper();
    const strays = [await aVm(s.vms, s.deps, s.world.envId, s.world.groupId), await aVm(s.vms, s.deps, s.world.envId, s.world.groupId)];
    const lostBot = await aBotRecord(s.deps, s.world.envId, s.world.groupId, 'Busy');
    const reports = await Promise.all([s.sweep(), s.sweep(), s.sweep()]);
    const actions = reports.flatMap((r) => r.actions);
    expect(
      actions
        .filter((a) => a.action === 'orphanVmDeleted')
        .map((a) => a.botId)
        .sort(),
    ).toEqual([...strays].sort());
    expect(actions.filter((a) => a.action === 'botLost').map((a) => a.botId)).toEqual([lostBot.id]);
    expect(s.signals.released).toHaveLength(1);
    expect(await vmBotIds(s)).toEqual([]);
  });
});
