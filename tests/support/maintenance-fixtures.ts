import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { durableClientBindingData } from '../../local/durable/api/client-binding.js';
import { durableLifecycleSignals } from '../../orchestrations/activities/durable-signals.js';
import type { AppClients } from '../../composition/root/clients.js';
import type { BotDocument, BotState } from '../../domain/bot.js';
import type { BotProvisioner } from '../../app/ports/bot-provisioner.js';
import type { GroupDocument } from '../../domain/group.js';
import { SimulatedBotProvisioner } from '../../local/bots/simulated-bot-provisioner.js';
import type { LifecycleSignals } from '../../app/maintenance/lifecycle-signals.js';
import { controllerInstanceId } from '../../orchestrations/names.js';
import { localCloud } from './api-client.js';
import { builtInImageId, createGroup } from './connection-fixtures.js';
import { alterGroupDocument } from './group-fixtures.js';
import type { ApiClient } from './api-client.js';
import { createRunWorld, inProcessServices, type RunWorld } from './run-fixtures.js';

/** A clock the test moves: the sweeps read time only through `AppClients.now`. */
export class TestClock {
  private at: number;
  constructor(start: Date = new Date()) {
    this.at = start.getTime();
  }
  now = (): Date => new Date(this.at);
  advance(ms: number): this {
    this.at += ms;
    return this;
  }
  set(to: Date): this {
    this.at = to.getTime();
    return this;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * The services a timer gets, in this process against the shared local cloud, with the test's clock and limited
 * to the test's environments (the shared cloud holds other tests' environments, which a sweep must not touch).
 */
export function sweepServices(environmentIds: string[], clock: TestClock): AppClients {
  return { ...inProcessServices(), now: clock.now, environmentIds: async () => environmentIds };
}

/**
 * The real Durable client of the shared local cloud's host, built as the host hands it to a function (the
 * `durableClient` input binding's data), for the sweeps' signals: controllers really wake, bots really get Release.
 */
export function localDurableClient(): DurableClient {
  const { baseUrl, settings } = localCloud();
  const input = df.input.durableClient();
  const context = new InvocationContext({ functionName: 'test', options: { extraInputs: [input] } });
  const data = durableClientBindingData(baseUrl, settings.DURABLE_TASK_HUB ?? 'hostedrpa').string ?? '{}';
  context.extraInputs.set(input, JSON.parse(data) as unknown);
  return df.getClient(context);
}

/** The sweeps' signals through the real Durable client, recording what was asked so that tests can check it. */
export class RecordedSignals implements LifecycleSignals {
  readonly woken: string[] = [];
  readonly released: Array<{ botId: string; reason: string }> = [];
  private readonly real: LifecycleSignals = durableLifecycleSignals(localDurableClient());
  wakeController = async (environmentId: string): Promise<void> => {
    this.woken.push(environmentId);
    await this.real.wakeController(environmentId);
  };
  releaseBot = async (botId: string, reason: string): Promise<void> => {
    this.released.push({ botId, reason });
    await this.real.releaseBot(botId, reason);
  };
}

/** The local cloud's simulated provisioner (the VMs table in its Azurite), seen from this process: VMs boot at once. */
export function localVms(deps: AppClients, storage: string = localCloud().settings.AzureWebJobsStorage ?? ''): BotProvisioner {
  return new SimulatedBotProvisioner(
    SimulatedBotProvisioner.tableFromConnectionString(storage),
    { deploymentId: deps.config.DEPLOYMENT_ID ?? 'local', provisionDelayMs: 0, failureRate: 0 },
    { secrets: deps.secrets },
  );
}

/** Creates a VM for `botId` the way the provisioner does for a bot, with the group's account; no agent starts. */
export async function aVm(
  provisioner: BotProvisioner,
  deps: AppClients,
  environmentId: string,
  groupId: string,
  botId: string = randomUUID(),
): Promise<string> {
  const group = await deps.store.get<GroupDocument>(environmentId, groupId);
  if (!group) throw new Error(`no group ${groupId}`);
  await provisioner.provision({
    environmentId,
    groupId,
    botId,
    region: 'eastus',
    image: { builtIn: true, version: 'latest' },
    account: group.account,
    agent: { controlPlaneUrl: 'http://127.0.0.1:1/api', credential: 'not-used' },
  });
  return botId;
}

/** The provisioner limited to VMs of the given environments (the sweep sees only the test's own). */
export function scopedProvisioner(provisioner: BotProvisioner, environmentIds: string[]): BotProvisioner {
  return {
    provision: (spec) => provisioner.provision(spec),
    deprovision: (ref) => provisioner.deprovision(ref),
    list: async () => (await provisioner.list()).filter((vm) => environmentIds.includes(vm.environmentId)),
  };
}

/** A bot record as the controller writes it, from the group's (built-in) image, in the given state; no lifecycle runs for it. */
export async function aBotRecord(
  deps: AppClients,
  environmentId: string,
  groupId: string,
  state: BotState,
  overrides: Partial<BotDocument> = {},
): Promise<BotDocument> {
  const at = deps.now().toISOString();
  const group = await deps.store.get<GroupDocument>(environmentId, groupId);
  const bot: BotDocument = {
    id: randomUUID(),
    environmentId,
    type: 'bot',
    groupId,
    state,
    imageId: group?.imageId ?? 'built-in',
    imageVersion: 'latest',
    since: at,
    credentialVersion: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
  return deps.botStore.create(bot);
}

/** A run world (tests/support/run-fixtures.ts) with what a sweep over it needs: its own clock, services and signals. */
export interface SweepWorld {
  world: RunWorld;
  clock: TestClock;
  deps: AppClients;
  signals: RecordedSignals;
}

export async function aSweepWorld(admin: ApiClient): Promise<SweepWorld> {
  const world = await createRunWorld(admin);
  const clock = new TestClock();
  return { world, clock, deps: sweepServices([world.envId], clock), signals: new RecordedSignals() };
}

/**
 * A group the environment's real controller leaves alone, for tests that run planning rounds themselves: created with
 * no committed bot (the round its creation wakes plans nothing), the controller then terminated once that round is
 * done, and `committedBots` set behind the API (which would wake it again).
 */
export async function aGroupWithoutController(admin: ApiClient, envId: string, options: { maxBots: number; committedBots: number }): Promise<{ id: string }> {
  const group = await createGroup(admin, envId, await builtInImageId(admin, envId), { maxBots: options.maxBots, committedBots: 0 });
  const client = localDurableClient();
  const instanceId = controllerInstanceId(envId);
  for (let i = 0; i < 100; i++) {
    const status = await client.getStatus(instanceId).catch(() => undefined);
    if (status && (status.customStatus as { lastPlanAt?: string } | undefined)?.lastPlanAt) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await client.terminate(instanceId, 'the test plans this environment itself').catch(() => undefined);
  await alterGroupDocument(envId, group.id, (doc) => ({ ...doc, committedBots: options.committedBots }));
  return group;
}
