import type { BotDocument } from '../../domain/bot.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import { isLostWithoutVm, isOrphanVm, unchangedSince, wantsController, type MaintenanceActionDocument } from '../../domain/maintenance.js';
import { requeueLostRun, type LostRunPorts } from '../bots/lost-runs.js';
import { updateBot, type BotRecordPorts } from '../bots/bot-records.js';
import type { BotProvisioner, ProvisionedVm } from '../ports/bot-provisioner.js';
import type { DocumentStore, Versioned } from '../ports/document-store.js';
import { recordMaintenanceAction, type ActionLogPorts } from './action-log.js';
import type { LifecycleSignals } from './lifecycle-signals.js';
import { sweepEnvironments, type SweepLeasePorts } from './sweep-lease.js';
import type { SweepReport } from './sweep-report.js';

/**
 * What the orphan sweep reads and writes: the environments (control container), their bots, the clock; and what
 * requeueing a lost bot's run, the action log and the lease need.
 */
export type OrphanSweepPorts = {
  environmentIds(): Promise<string[]>;
  store: Pick<DocumentStore, 'get'>;
  botStore: Pick<DocumentStore, 'get' | 'list'>;
  now(): Date;
} & BotRecordPorts &
  LostRunPorts &
  ActionLogPorts &
  SweepLeasePorts;

interface OrphanSweepDeps {
  deps: OrphanSweepPorts;
  provisioner: BotProvisioner;
  signals: LifecycleSignals;
}

async function deleteOrphanVms(ctx: OrphanSweepDeps, environmentId: string, vms: ProvisionedVm[]): Promise<MaintenanceActionDocument[]> {
  const { deps, provisioner } = ctx;
  const actions: MaintenanceActionDocument[] = [];
  for (const vm of vms) {
    // read after the listing: a bot record always exists before its VM is created, so a VM listed with no live
    // record now has none for good
    const bot = await deps.botStore.get<BotDocument>(environmentId, vm.botId);
    if (!isOrphanVm(bot)) continue;
    await provisioner.deprovision(vm);
    const reason = bot ? `BotRecord${bot.state}` : 'NoBotRecord';
    const detail = bot
      ? `The VM of bot ${vm.botId} was still there although the bot is ${bot.state}; deleted.`
      : `No bot of the control plane owns the VM of bot id ${vm.botId}; deleted.`;
    actions.push(
      await recordMaintenanceAction(deps, {
        environmentId,
        sweep: 'orphans',
        action: 'orphanVmDeleted',
        reason,
        detail,
        groupId: vm.groupId,
        botId: vm.botId,
        vmResourceId: vm.vmResourceId,
      }),
    );
  }
  return actions;
}

/**
 * A bot that finished provisioning but whose VM is gone is lost: its run goes back to the queue (or fails after
 * the attempt limit), the record ends Failed (`VmMissing`) and its lifecycle is told to go. The bot is checked
 * twice (before and after the listing) so that a bot torn down meanwhile is left to its lifecycle.
 */
async function markBotsWithoutVm(
  ctx: OrphanSweepDeps,
  environmentId: string,
  snapshot: Versioned<BotDocument>[],
  vmBotIds: Set<string>,
): Promise<MaintenanceActionDocument[]> {
  const { deps, signals } = ctx;
  const actions: MaintenanceActionDocument[] = [];
  for (const before of snapshot) {
    if (!isLostWithoutVm(before) || vmBotIds.has(before.id)) continue;
    const ref = { environmentId, groupId: before.groupId, botId: before.id };
    let marked = false;
    await updateBot(deps, ref, (bot) => {
      marked = unchangedSince(before, bot);
      if (!marked) return undefined;
      const next: BotDocument = { ...bot, state: 'Failed', since: deps.now().toISOString(), reason: 'VmMissing' };
      delete next.currentRunId;
      return next;
    });
    if (!marked) continue;
    const lostRun = await requeueLostRun(deps, ref, 'VmMissing');
    const runNote =
      lostRun.verdict === 'none' ? '' : ` Its run ${lostRun.runId} ${lostRun.verdict === 'requeued' ? 'went back to the queue' : 'failed (attempt limit)'}.`;
    actions.push(
      await recordMaintenanceAction(deps, {
        environmentId,
        sweep: 'orphans',
        action: 'botLost',
        reason: 'VmMissing',
        detail: `Bot ${before.id} was ${before.state} but its VM no longer exists.${runNote}`,
        groupId: before.groupId,
        botId: before.id,
        ...(lostRun.verdict === 'none' ? {} : { runId: lostRun.runId, runOutcome: lostRun.verdict }),
      }),
    );
    await signals.releaseBot(before.id, 'VmMissing');
  }
  return actions;
}

async function sweepEnvironment(ctx: OrphanSweepDeps, environmentId: string): Promise<MaintenanceActionDocument[]> {
  const { deps, provisioner, signals } = ctx;
  // bots first, then the VMs: a bot seen Ready before the listing had its VM created before it too
  const snapshot = (await deps.botStore.list<BotDocument>(environmentId, 'bot')).items;
  const vms = (await provisioner.list()).filter((vm) => vm.environmentId === environmentId);
  const actions = [
    ...(await deleteOrphanVms(ctx, environmentId, vms)),
    ...(await markBotsWithoutVm(ctx, environmentId, snapshot, new Set(vms.map((v) => v.botId)))),
  ];
  const environment = await deps.store.get<EnvironmentDocument>(environmentId, environmentId);
  if (actions.some((a) => a.action === 'botLost') || wantsController(snapshot, environment?.ledger.groups ?? {})) await signals.wakeController(environmentId);
  return actions;
}

/**
 * The orphan sweep: compares the VMs this deployment created (the provisioner lists them by tag) with the bots
 * the control plane knows. A VM no live bot owns is deleted; a bot whose VM is gone is marked lost. Every
 * action is recorded with its reason.
 */
export async function sweepOrphans(deps: OrphanSweepPorts, provisioner: BotProvisioner, signals: LifecycleSignals): Promise<SweepReport> {
  const vmEnvironments = new Set((await provisioner.list()).map((vm) => vm.environmentId));
  const environmentIds = new Set([...(await deps.environmentIds()), ...vmEnvironments]);
  return sweepEnvironments(deps, 'orphans', environmentIds, (environmentId) => sweepEnvironment({ deps, provisioner, signals }, environmentId));
}
