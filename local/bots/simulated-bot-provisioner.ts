import { odata, TableClient } from '@azure/data-tables';
import { z } from 'zod';

import type { SecretStore } from '../../app/ports/secret-store.js';
import { readAdminPassword } from '../../adapters/vms/admin-password.js';
import { armErrorFields } from '../../adapters/vms/arm-errors.js';
import {
  assertValidBotSpec,
  type BotProvisioner,
  type BotRef,
  type BotSpec,
  PROVISIONING_REASONS,
  type ProvisionedBot,
  type ProvisionedVm,
  ProvisioningError,
} from '../../app/ports/bot-provisioner.js';
import { botResourceNames, vmResourceId } from '../../adapters/vms/bot-resources.js';

/** The table in `AzureWebJobsStorage` (Azurite locally) that holds the simulated VMs. */
export const SIMULATED_VM_TABLE = 'simulatedvms';

const SIMULATED_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const SIMULATED_RESOURCE_GROUP = 'simulated-bots';

/**
 * One simulated VM, one row: partition = deployment, row = bot id. The `hostedRpa*` columns are the tags an
 * Azure VM would carry (`hosted-rpa-deployment`, ...: table column names allow no hyphen), and `list` filters
 * on them, so a row written by anyone else with those columns is listed like an orphaned VM would be.
 */
export const simulatedVmRowSchema = z.looseObject({
  partitionKey: z.string(),
  rowKey: z.string(),
  hostedRpaDeployment: z.string(),
  hostedRpaEnvironment: z.string(),
  hostedRpaGroup: z.string(),
  hostedRpaBot: z.string(),
  vmResourceId: z.string(),
  imageVersion: z.string().default('unknown'),
  /** the gallery image version id, or `built-in` */
  image: z.string().optional(),
  state: z.enum(['Booting', 'Running']).default('Running'),
  createdAt: z.string().optional(),
  bootedAt: z.string().optional(),
  region: z.string().optional(),
  vmSize: z.string().optional(),
  adminUsername: z.string().optional(),
  etag: z.string().optional(),
});
export type SimulatedVmRow = z.infer<typeof simulatedVmRowSchema>;

/** An agent started for a simulated VM (an agent process, in the local stack). */
export interface RunningAgent {
  stop(): Promise<void>;
}
export type StartAgent = (spec: BotSpec) => RunningAgent | Promise<RunningAgent>;

export interface SimulatedBotProvisionerSettings {
  /** tag value of this deployment (`DEPLOYMENT_ID`, `local` when unset) */
  deploymentId: string;
  /** `LOCAL_PROVISION_DELAY_MS`: how long a VM takes to boot */
  provisionDelayMs: number;
  /** `LOCAL_PROVISION_FAILURE_RATE`: 0..1 */
  failureRate: number;
  /** only for realistic resource ids */
  subscriptionId?: string;
  resourceGroup?: string;
  defaultVmSize?: string;
  /** how often a running agent checks that its VM still exists (a deleted VM takes its agent down); default 1000 */
  vmWatchMs?: number;
}

export interface SimulatedBotProvisionerDependencies {
  secrets: SecretStore;
  startAgent?: StartAgent;
  /** the agent of a VM that outlived the process that started it, when the VM still has its agent config */
  resumeAgent?: (botId: string) => Promise<RunningAgent | undefined>;
  /** uniform in [0, 1): decides the injected failures; seed it in tests */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  log?: (line: string) => void;
}

/** Table keys may not hold `/ \ # ?` or control characters; `%` is encoded too so the mapping stays one-to-one. */
function tableKey(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function imageOf(spec: BotSpec): string {
  return spec.image.builtIn ? 'built-in' : spec.image.galleryImageVersionId;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const MAX_BOOT_RACES = 3;

/**
 * The provisioner of the local cloud (a production code path, not a test double): "VMs" are rows in Table
 * Storage, so they outlive a Functions host restart as real VMs would; a VM boots in `provisionDelayMs`,
 * fails at `failureRate`, and once booted gets its agent through `startAgent`. Agents are children of this
 * process: after a host restart the rows are still listed, `resumeAgents` starts the agents of the booted ones again
 * (as a VM's agent service at boot), and a provision retried for the same bot starts its agent again.
 */
export class SimulatedBotProvisioner implements BotProvisioner {
  private readonly agents = new Map<string, Promise<RunningAgent | undefined>>();
  /** the credential each agent of this process was started with (an agent resumed after a restart has none here) */
  private readonly agentCredentials = new Map<string, string>();
  private readonly watches = new Map<string, NodeJS.Timeout>();
  private tableReady: Promise<void> | undefined;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(
    private readonly table: TableClient,
    private readonly settings: SimulatedBotProvisionerSettings,
    private readonly deps: SimulatedBotProvisionerDependencies,
  ) {
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? defaultSleep;
    this.now = deps.now ?? (() => new Date());
  }

  /** Against Azurite the connection string is plain HTTP; against Azure it is https and the flag is inert. */
  static tableFromConnectionString(connectionString: string): TableClient {
    return TableClient.fromConnectionString(connectionString, SIMULATED_VM_TABLE, { allowInsecureConnection: true });
  }

  async provision(spec: BotSpec): Promise<ProvisionedBot> {
    assertValidBotSpec(spec);
    // as in Azure: the VM cannot be created without its admin password
    await readAdminPassword(this.deps.secrets, spec);
    await this.ensureTable();

    let row = await this.find(spec.botId);
    let bootFor: number | undefined; // a VM this call created boots for the whole delay
    if (row === undefined) {
      if (this.random() < this.settings.failureRate) {
        await this.sleep(this.settings.provisionDelayMs);
        throw new ProvisioningError(
          PROVISIONING_REASONS.simulatedFailure,
          true,
          `simulated VM of bot ${spec.botId} failed to provision (LOCAL_PROVISION_FAILURE_RATE ${this.settings.failureRate})`,
          { operation: 'create virtual machine', resource: botResourceNames(spec.botId).vm },
        );
      }
      row = await this.create(spec);
      bootFor = this.settings.provisionDelayMs;
    }
    this.assertSameBot(row, spec);
    if (row.state === 'Booting') row = await this.boot(row, spec.botId, bootFor);
    await this.ensureAgent(spec);
    return { botId: spec.botId, vmResourceId: row.vmResourceId, imageVersion: row.imageVersion };
  }

  async deprovision(ref: BotRef): Promise<void> {
    const agent = this.agents.get(ref.botId);
    this.agents.delete(ref.botId);
    this.agentCredentials.delete(ref.botId);
    this.unwatch(ref.botId);
    if (agent !== undefined) {
      try {
        await (await agent)?.stop();
      } catch (error) {
        // the VM goes anyway, and its agent with it
        this.deps.log?.(`simulated VM of bot ${ref.botId}: its agent did not stop cleanly (${error instanceof Error ? error.name : typeof error})`);
      }
    }
    await this.ensureTable();
    await this.storeCall('delete', ref.botId, async () => {
      try {
        await this.table.deleteEntity(this.settings.deploymentId, tableKey(ref.botId));
      } catch (error) {
        if (armErrorFields(error).status !== 404) throw error;
      }
    });
  }

  /** Starts again the agents of this deployment's booted VMs that have none in this process (after a host restart). */
  async resumeAgents(): Promise<void> {
    const resumeAgent = this.deps.resumeAgent;
    if (resumeAgent === undefined) return;
    await this.ensureTable();
    const filter = odata`hostedRpaDeployment eq ${this.settings.deploymentId}`;
    const booted: string[] = [];
    for await (const entity of this.table.listEntities({ queryOptions: { filter } })) {
      const row = simulatedVmRowSchema.safeParse(entity);
      if (row.success && row.data.state === 'Running') booted.push(row.data.hostedRpaBot);
    }
    for (const botId of booted) {
      if (this.agents.has(botId)) continue;
      const resumed = resumeAgent(botId).catch(() => undefined);
      this.agents.set(botId, resumed);
      if ((await resumed) === undefined) {
        if (this.agents.get(botId) === resumed) this.agents.delete(botId);
        continue;
      }
      this.deps.log?.(`simulated VM of bot ${botId}: agent resumed`);
      if (this.agents.get(botId) === resumed) this.watch(botId, resumed);
    }
  }

  async list(): Promise<ProvisionedVm[]> {
    await this.ensureTable();
    return this.storeCall('list', '*', async () => {
      const vms: ProvisionedVm[] = [];
      const filter = odata`hostedRpaDeployment eq ${this.settings.deploymentId}`;
      for await (const entity of this.table.listEntities({ queryOptions: { filter } })) {
        const row = simulatedVmRowSchema.safeParse(entity);
        if (!row.success) continue;
        vms.push({
          botId: row.data.hostedRpaBot,
          environmentId: row.data.hostedRpaEnvironment,
          groupId: row.data.hostedRpaGroup,
          vmResourceId: row.data.vmResourceId,
          ...(row.data.createdAt === undefined ? {} : { createdAt: row.data.createdAt }),
        });
      }
      return vms;
    });
  }

  private async create(spec: BotSpec): Promise<SimulatedVmRow> {
    const names = botResourceNames(spec.botId);
    const row: SimulatedVmRow = {
      partitionKey: this.settings.deploymentId,
      rowKey: tableKey(spec.botId),
      hostedRpaDeployment: this.settings.deploymentId,
      hostedRpaEnvironment: spec.environmentId,
      hostedRpaGroup: spec.groupId,
      hostedRpaBot: spec.botId,
      vmResourceId: vmResourceId(this.settings.subscriptionId ?? SIMULATED_SUBSCRIPTION, this.settings.resourceGroup ?? SIMULATED_RESOURCE_GROUP, names.vm),
      imageVersion: spec.image.version,
      image: imageOf(spec),
      state: 'Booting',
      createdAt: this.now().toISOString(),
      region: spec.region,
      vmSize: spec.vmSize ?? this.settings.defaultVmSize ?? 'Standard_D2s_v5',
      adminUsername: spec.account.username,
    };
    const created = await this.storeCall('create', spec.botId, async () => {
      try {
        await this.table.createEntity(row);
        return true;
      } catch (error) {
        if (armErrorFields(error).status === 409) return false; // a concurrent provision of the same bot won
        throw error;
      }
    });
    this.deps.log?.(`simulated VM ${names.vm} (bot ${spec.botId}) ${created ? 'created' : 'already being created'}`);
    const stored = await this.find(spec.botId);
    if (stored === undefined) {
      throw new ProvisioningError(PROVISIONING_REASONS.deletedWhileBooting, false, `simulated VM of bot ${spec.botId} was deleted while it was being created`);
    }
    return stored;
  }

  /**
   * Waits out the boot: all of it for a VM this call created, what is left of it for one that another (or a
   * crashed) attempt started, then marks it Running.
   */
  private async boot(row: SimulatedVmRow, botId: string, bootFor: number | undefined): Promise<SimulatedVmRow> {
    const started = row.createdAt === undefined ? this.now().getTime() : Date.parse(row.createdAt);
    const remaining = bootFor ?? started + this.settings.provisionDelayMs - this.now().getTime();
    if (remaining > 0) await this.sleep(remaining);
    let current: SimulatedVmRow | undefined = row;
    for (let race = 0; race < MAX_BOOT_RACES; race++) {
      if (current === undefined) break;
      if (current.state === 'Running') return current;
      const { partitionKey, rowKey, etag } = current;
      const updated = await this.storeCall('boot', botId, async () => {
        try {
          await this.table.updateEntity({ partitionKey, rowKey, state: 'Running', bootedAt: this.now().toISOString() }, 'Merge', { etag });
          return true;
        } catch (error) {
          const status = armErrorFields(error).status;
          if (status === 412 || status === 404) return false; // another attempt booted it, or it was deleted
          throw error;
        }
      });
      current = await this.find(botId);
      if (updated && current !== undefined) return current;
    }
    if (current === undefined) {
      throw new ProvisioningError(PROVISIONING_REASONS.deletedWhileBooting, false, `simulated VM of bot ${botId} was deleted while it was booting`);
    }
    throw new ProvisioningError(PROVISIONING_REASONS.storeFailure, true, `simulated VM of bot ${botId}: boot state kept changing under concurrent provisions`);
  }

  /**
   * One agent per bot and process, started once even when provisions of the same bot overlap. A provision with another
   * credential (a retried provisioning bumps the bot's credential version) restarts the agent with it, as the ARM
   * provisioner re-PUTs the VM's agent extension with the new settings (`adapters/vms/agent-bootstrap.ts`); kept, the
   * old agent would be refused and stop, and leave a Ready bot that nothing serves.
   */
  private async ensureAgent(spec: BotSpec): Promise<void> {
    const startAgent = this.deps.startAgent;
    const previous = this.agents.get(spec.botId);
    if (startAgent === undefined || (previous !== undefined && this.agentCredentials.get(spec.botId) === spec.agent.credential)) {
      await previous;
      return;
    }
    const started = Promise.resolve()
      .then(async () => {
        if (previous !== undefined) await (await previous.catch(() => undefined))?.stop();
      })
      .then(() => startAgent(spec))
      .catch((error: unknown) => {
        this.agents.delete(spec.botId);
        throw new ProvisioningError(
          PROVISIONING_REASONS.agentStartFailed,
          true,
          `simulated VM of bot ${spec.botId}: the agent did not start (${error instanceof Error ? error.name : typeof error})`,
        );
      });
    this.agents.set(spec.botId, started);
    this.agentCredentials.set(spec.botId, spec.agent.credential);
    await started;
    // a deprovision while the agent was starting has already stopped it: nothing left to watch
    if (this.agents.get(spec.botId) === started) this.watch(spec.botId, started);
  }

  /**
   * As a real VM's agent dies with its VM: while the agent runs, its VM row is read every `vmWatchMs`; once the row
   * is gone (deleted by anyone but `deprovision`, which stops the agent itself) the agent stops mid-run, without
   * reporting, and the bot's lifecycle finds it lost by its missing heartbeats.
   */
  private watch(botId: string, agent: Promise<RunningAgent | undefined>): void {
    this.unwatch(botId);
    let checking = false;
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      this.find(botId)
        .then(async (row) => {
          if (this.agents.get(botId) !== agent) {
            this.unwatch(botId); // deprovisioned, or replaced by a newer agent that has its own watch
            return;
          }
          if (row !== undefined) return;
          this.agents.delete(botId);
          this.unwatch(botId);
          this.deps.log?.(`simulated VM of bot ${botId} is gone: its agent stops`);
          await (await agent)?.stop();
        })
        .catch(() => undefined) // the table is unreachable for a moment: look again at the next tick
        .finally(() => {
          checking = false;
        });
    }, this.settings.vmWatchMs ?? 1_000);
    timer.unref();
    this.watches.set(botId, timer);
  }

  private unwatch(botId: string): void {
    clearInterval(this.watches.get(botId));
    this.watches.delete(botId);
  }

  /** As in Azure: one VM per bot id, and a VM keeps its image (deprovision first to change it). */
  private assertSameBot(row: SimulatedVmRow, spec: BotSpec): void {
    if (row.hostedRpaEnvironment !== spec.environmentId || row.hostedRpaGroup !== spec.groupId) {
      throw new ProvisioningError(
        PROVISIONING_REASONS.botIdConflict,
        false,
        `bot ${spec.botId} already has a simulated VM in group ${row.hostedRpaGroup} of environment ${row.hostedRpaEnvironment}`,
      );
    }
    if (row.image !== undefined && row.image.toLowerCase() !== imageOf(spec).toLowerCase()) {
      throw new ProvisioningError(
        PROVISIONING_REASONS.imageMismatch,
        false,
        `simulated VM of bot ${spec.botId} was built from another image: deprovision the bot before provisioning it from a new one`,
      );
    }
  }

  private async find(botId: string): Promise<SimulatedVmRow | undefined> {
    return this.storeCall('read', botId, async () => {
      try {
        const entity = await this.table.getEntity(this.settings.deploymentId, tableKey(botId));
        const row = simulatedVmRowSchema.safeParse(entity);
        if (!row.success) {
          throw new ProvisioningError(
            PROVISIONING_REASONS.storeFailure,
            false,
            `simulated VM row of bot ${botId} is malformed: ${row.error.issues.map((i) => i.path.join('.')).join(', ')}`,
          );
        }
        return row.data;
      } catch (error) {
        if (armErrorFields(error).status === 404) return undefined;
        throw error;
      }
    });
  }

  /** createTable ignores "already exists"; a failed attempt is forgotten so the next call tries again. */
  private ensureTable(): Promise<void> {
    this.tableReady ??= this.storeCall('create table', SIMULATED_VM_TABLE, () => this.table.createTable()).catch((error: unknown) => {
      this.tableReady = undefined;
      throw error;
    });
    return this.tableReady;
  }

  private async storeCall<T>(operation: string, botId: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ProvisioningError) throw error;
      const { status, code } = armErrorFields(error);
      const detail = [status === undefined ? undefined : `HTTP ${status}`, code].filter((p) => p !== undefined).join(' ');
      throw new ProvisioningError(
        PROVISIONING_REASONS.storeFailure,
        true,
        `simulated VM table: ${operation} of '${botId}' failed${detail.length > 0 ? ` (${detail})` : ''}`,
        { operation, resource: SIMULATED_VM_TABLE, ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { code }) },
      );
    }
  }
}
