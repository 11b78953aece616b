import type { BotDocument, BotState } from '../../domain/bot.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import type { GroupDocument } from '../../domain/group.js';
import type { ImageDocument } from '../../domain/image.js';
import { botImageSpecOf, ProvisioningError, type BotProvisioner } from '../ports/bot-provisioner.js';
import { observeProvisioned, observeProvisioningFailure } from '../observability/bot-telemetry.js';
import type { RunStore } from '../runs/run-store.js';
import type { BotCredentials } from './bot-credentials.js';
import { recordProvisioningError, setState, updateBot, type BotRecordPorts, type BotRef, type GroupErrorPorts } from './bot-records.js';
import { requeueLostRun, type LostRunOutcome, type LostRunPorts } from './lost-runs.js';
import { bestEffort } from '../errors/best-effort.js';

/** What provisioning needs: the environment, group and image (control container), the bot record, a credential issuer. */
export interface ProvisionPorts extends BotRecordPorts, GroupErrorPorts {
  botCredentials: Pick<BotCredentials, 'issue'>;
}

/** What the health check needs: the bot record, and the run queries (does it still hold a running run?). */
export interface BotHealthPorts extends BotRecordPorts {
  runs: Pick<RunStore, 'queries'>;
}

/** What a teardown needs: the bot record, and what requeueing the run it may hold needs. */
export type DeprovisionPorts = BotRecordPorts & LostRunPorts;

export type ProvisionOutcome = { ok: true } | { ok: false; retryable: boolean; reason: string };

/**
 * Provisions (or reprovisions) a bot: a new credential version, the VM from the group's current image, then
 * Ready. A failure is recorded on the group and answered with whether a retry may help.
 */
export async function provisionBot(deps: ProvisionPorts, provisioner: BotProvisioner, apiBaseUrl: string, ref: BotRef): Promise<ProvisionOutcome> {
  const [env, group, bot] = await Promise.all([
    deps.store.get<EnvironmentDocument>(ref.environmentId, ref.environmentId),
    deps.store.get<GroupDocument>(ref.environmentId, ref.groupId),
    deps.botStore.get<BotDocument>(ref.environmentId, ref.botId),
  ]);
  if (!env || !group || group.status !== 'active' || !bot || bot.state === 'Deleted') {
    return { ok: false, retryable: false, reason: 'GroupOrBotGone' };
  }
  try {
    const image = await deps.store.get<ImageDocument>(ref.environmentId, group.imageId);
    if (!image) throw new ProvisioningError('ImageNotFound', false, `image ${group.imageId} of the group no longer exists`);
    const imageSpec = botImageSpecOf(image);
    const versioned = await updateBot(deps, ref, (b) => ({
      ...b,
      state: 'Provisioning',
      credentialVersion: b.credentialVersion + 1,
      imageId: group.imageId,
      imageVersion: imageSpec.version,
    }));
    // the record went between the reads and this write (the bot was deleted): no VM for a bot nobody would track
    if (!versioned) return { ok: false, retryable: false, reason: 'GroupOrBotGone' };
    const { credentialVersion } = versioned;
    const credential = await deps.botCredentials.issue({ ...ref, credentialVersion }, deps.now());
    const provisioned = await provisioner.provision({
      ...ref,
      region: env.region,
      image: imageSpec,
      account: group.account,
      agent: { controlPlaneUrl: apiBaseUrl, credential },
    });
    await updateBot(deps, ref, (b) => {
      const next: BotDocument = {
        ...b,
        state: 'Ready',
        since: deps.now().toISOString(),
        vmResourceId: provisioned.vmResourceId,
        imageVersion: provisioned.imageVersion,
      };
      delete next.currentRunId;
      delete next.drainRequested;
      return next;
    });
    observeProvisioned(ref, bot.since, deps.now());
    return { ok: true };
  } catch (err) {
    const retryable = err instanceof ProvisioningError ? err.retryable : true;
    const reason = err instanceof ProvisioningError ? `${err.reason}: ${err.message}` : 'UnexpectedError';
    observeProvisioningFailure(ref, bot.since, deps.now(), err instanceof ProvisioningError ? err.reason : 'UnexpectedError', retryable);
    await recordProvisioningError(deps, ref, reason);
    return { ok: false, retryable, reason };
  }
}

export async function markBotFailed(deps: BotRecordPorts, provisioner: BotProvisioner, ref: BotRef, reason: string): Promise<void> {
  // whatever a failed provisioning left behind goes too: no VM without a bot
  await bestEffort(provisioner.deprovision(ref), `deleting what the failed provisioning of bot ${ref.botId} left (the orphan sweep retries)`);
  await setState(deps, ref, 'Failed', { reason });
}

/** States a bot never comes back from by going idle: it was marked lost, or is being (or was) torn down. */
const GONE_STATES: readonly BotState[] = ['Failed', 'Deleted', 'Deprovisioning'];

export async function markBotIdle(deps: BotRecordPorts, ref: BotRef): Promise<void> {
  // a bot the orphan sweep marked lost while its run was in progress stays Failed: its lifecycle tears it down
  await updateBot(deps, ref, (current) => {
    if (GONE_STATES.includes(current.state) || (current.state === 'Ready' && current.currentRunId === undefined)) return undefined;
    const next: BotDocument = { ...current, state: 'Ready', since: current.state === 'Ready' ? current.since : deps.now().toISOString() };
    delete next.currentRunId;
    return next;
  });
}

/** Unhealthy: the bot is lost, and `runId` names the run it held when it was judged (absent: no record). */
export type BotHealth = { healthy: true; runEnded?: boolean } | { healthy: false; reason: string; runId?: string };

/**
 * A busy bot whose agent has not sent a heartbeat for `timeoutSeconds` since it took its run is lost. A busy bot whose
 * run has ended without its agent's finish (the watchdog timed it out, or it was recovered) is told so: it goes idle.
 * The claim of the run it holds counts as a sign of life too: the record read may predate that claim (an idle agent
 * claims between the two reads), and a run claimed a moment ago is never taken from a live agent.
 */
export async function checkBotHealth(deps: BotHealthPorts, ref: BotRef, timeoutSeconds: number): Promise<BotHealth> {
  const bot = await deps.botStore.get<BotDocument>(ref.environmentId, ref.botId);
  if (!bot) return { healthy: false, reason: 'BotRecordMissing' };
  const held = await deps.runs.queries.runningOn(ref.environmentId, ref.groupId, ref.botId);
  if (!held) return { healthy: true, runEnded: true };
  const signsOfLife = [bot.lastHeartbeatAt ?? bot.since, bot.since, held.startedAt ?? held.updatedAt].map((at) => Date.parse(at)).filter(Number.isFinite);
  const silentFor = (deps.now().getTime() - Math.max(...signsOfLife)) / 1000;
  return silentFor > timeoutSeconds ? { healthy: false, reason: 'HeartbeatLost', runId: held.id } : { healthy: true };
}

/**
 * Tears the VM down; the record ends Deleted, or goes back to Provisioning for a reprovision in place. A run its agent
 * claimed while the lifecycle decided to go (the claim read the record just before the release was written on it) is
 * requeued once the agent is gone: one query, and no run is left on a bot that no longer exists.
 */
export async function deprovisionBot(
  deps: DeprovisionPorts,
  provisioner: BotProvisioner,
  ref: BotRef,
  reason: string,
  keepRecord: boolean,
): Promise<LostRunOutcome> {
  await setState(deps, ref, 'Deprovisioning', { reason });
  await provisioner.deprovision(ref);
  const held = await requeueLostRun(deps, ref, reason);
  await setState(deps, ref, keepRecord ? 'Provisioning' : 'Deleted', { currentRunId: undefined, reason });
  return held;
}
