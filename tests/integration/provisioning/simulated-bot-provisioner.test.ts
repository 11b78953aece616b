import { randomUUID } from 'node:crypto';

import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { type AzuriteInstance, startAzurite } from '../../../local/stack/azurite.js';
import type { BotSpec } from '../../../app/ports/bot-provisioner.js';
import { ProvisioningError } from '../../../app/ports/bot-provisioner.js';
import {
  type RunningAgent,
  SimulatedBotProvisioner,
  type SimulatedBotProvisionerSettings,
  type SimulatedVmRow,
} from '../../../local/bots/simulated-bot-provisioner.js';
import { aBotSpec, MemorySecretStore } from '../../unit/adapters/vms/bot-fixtures.js';
import { seededRandom } from '../../support/seeded-random.js';

const DELAY_MS = 50;

let azurite: AzuriteInstance;
let table: TableClient;

beforeAll(async () => {
  azurite = await startAzurite();
  table = SimulatedBotProvisioner.tableFromConnectionString(azurite.connectionString);
});

afterAll(async () => {
  await azurite?.stop();
});

/** The reference agent as the provisioner sees it: started with the spec, stopped at deprovision. */
class AgentRecorder {
  readonly started: BotSpec[] = [];
  readonly stopped: string[] = [];
  readonly start = (spec: BotSpec): RunningAgent => {
    this.started.push(spec);
    return { stop: async () => void this.stopped.push(spec.botId) };
  };
}

/** Each test gets its own deployment id: its own partition and tag value in the shared table. */
function aSimulatedCloud(settings: Partial<SimulatedBotProvisionerSettings> = {}, random?: () => number, now?: () => Date) {
  const deploymentId = settings.deploymentId ?? `it-${randomUUID().slice(0, 8)}`;
  const agents = new AgentRecorder();
  const secrets = new MemorySecretStore();
  /** every boot wait, per instance */
  const sleeps: number[][] = [];
  const open = () => {
    const waits: number[] = [];
    sleeps.push(waits);
    return new SimulatedBotProvisioner(
      SimulatedBotProvisioner.tableFromConnectionString(azurite.connectionString),
      { deploymentId, provisionDelayMs: DELAY_MS, failureRate: 0, ...settings },
      {
        secrets,
        startAgent: agents.start,
        sleep: (ms) => {
          waits.push(ms);
          return new Promise((resolve) => setTimeout(resolve, ms));
        },
        ...(random === undefined ? {} : { random }),
        ...(now === undefined ? {} : { now }),
      },
    );
  };
  return { deploymentId, agents, secrets, sleeps, provisioner: open(), reopen: open };
}

function aBot(n: number, overrides: Partial<BotSpec> = {}): BotSpec {
  return aBotSpec({ botId: `bot-${n}-${randomUUID()}`, ...overrides });
}

async function failureOf(promise: Promise<unknown>): Promise<ProvisioningError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProvisioningError);
  return error as ProvisioningError;
}

describe('SimulatedBotProvisioner on Azurite', () => {
  it('boots a VM after the provisioning delay, then starts its agent, and lists it by tag', async () => {
    const { provisioner, agents, deploymentId, sleeps } = aSimulatedCloud();
    const spec = aBot(1);

    const bot = await provisioner.provision(spec);

    expect(sleeps[0]).toEqual([DELAY_MS]); // the whole boot delay, before the agent starts
    expect(bot).toEqual({
      botId: spec.botId,
      vmResourceId: expect.stringMatching(/\/providers\/Microsoft\.Compute\/virtualMachines\/bot-/),
      imageVersion: '1.2.3',
    });
    expect(agents.started).toEqual([spec]);
    await expect(provisioner.list()).resolves.toEqual([
      { botId: spec.botId, environmentId: 'env-1', groupId: 'g-1', vmResourceId: bot.vmResourceId, createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
    ]);
    const row = await table.getEntity<SimulatedVmRow>(deploymentId, spec.botId);
    expect(row).toMatchObject({ state: 'Running', hostedRpaDeployment: deploymentId, hostedRpaBot: spec.botId, adminUsername: 'rpaadmin' });
    expect(JSON.stringify(row)).not.toContain('Correct-Horse');
  });

  it('is idempotent per bot: sequential and concurrent retries give one VM and one agent', async () => {
    const { provisioner, agents } = aSimulatedCloud();
    const spec = aBot(2);

    const [a, b] = await Promise.all([provisioner.provision(spec), provisioner.provision(spec)]);
    const c = await provisioner.provision(spec);

    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(agents.started.map((s) => s.botId)).toEqual([spec.botId]);
    expect((await provisioner.list()).map((vm) => vm.botId)).toEqual([spec.botId]);
  });

  it('restarts the agent with the new credential when a retried provisioning brings one, as the agent extension is re-PUT in Azure', async () => {
    const { provisioner, agents } = aSimulatedCloud();
    const spec = aBot(3);
    const rotated: BotSpec = { ...spec, agent: { ...spec.agent, credential: `${spec.agent.credential}-v2` } };

    const first = await provisioner.provision(spec);
    const [again, overlapping] = await Promise.all([provisioner.provision(rotated), provisioner.provision(rotated)]);

    expect(again).toEqual(first); // the same VM, not booted again
    expect(overlapping).toEqual(first);
    expect(agents.started.map((s) => s.agent.credential)).toEqual([spec.agent.credential, rotated.agent.credential]);
    expect(agents.stopped).toEqual([spec.botId]); // the old agent, before the new one started
    expect((await provisioner.list()).map((vm) => vm.botId)).toEqual([spec.botId]);
  });

  it('fails at LOCAL_PROVISION_FAILURE_RATE with a retryable SimulatedFailure, as the seeded random source decides, leaving nothing behind', async () => {
    const seed = 20_240_611;
    const { provisioner, agents } = aSimulatedCloud({ failureRate: 0.5 }, seededRandom(seed));
    const draws = seededRandom(seed);
    const expected = Array.from({ length: 8 }, () => (draws() < 0.5 ? 'failed' : 'ok'));
    const bots = Array.from({ length: 8 }, (_, i) => aBot(100 + i));

    const outcomes: string[] = [];
    for (const bot of bots) {
      try {
        await provisioner.provision(bot);
        outcomes.push('ok');
      } catch (error) {
        expect(error).toBeInstanceOf(ProvisioningError);
        expect(error).toMatchObject({ reason: 'SimulatedFailure', retryable: true });
        outcomes.push('failed');
      }
    }

    expect(outcomes).toEqual(expected);
    expect(outcomes).toContain('failed');
    expect(outcomes).toContain('ok');
    const succeeded = bots.filter((_, i) => outcomes[i] === 'ok').map((b) => b.botId);
    expect((await provisioner.list()).map((vm) => vm.botId).sort()).toEqual([...succeeded].sort());
    expect(agents.started.map((s) => s.botId)).toEqual(succeeded);
  });

  it('lets a retry succeed after a simulated failure', async () => {
    const cloud = aSimulatedCloud({ failureRate: 1 });
    const spec = aBot(3);
    await failureOf(cloud.provisioner.provision(spec));

    const healthy = new SimulatedBotProvisioner(
      table,
      { deploymentId: cloud.deploymentId, provisionDelayMs: DELAY_MS, failureRate: 0 },
      { secrets: cloud.secrets },
    );

    await expect(healthy.provision(spec)).resolves.toMatchObject({ botId: spec.botId });
  });

  it('deprovisions: stops the agent, removes the VM; a second deprovision is a no-op', async () => {
    const { provisioner, agents } = aSimulatedCloud();
    const keep = aBot(4);
    const drop = aBot(5);
    await provisioner.provision(keep);
    await provisioner.provision(drop);

    await provisioner.deprovision(drop);
    await provisioner.deprovision(drop);

    expect(agents.stopped).toEqual([drop.botId]);
    expect((await provisioner.list()).map((vm) => vm.botId)).toEqual([keep.botId]);
  });

  it('stops the agent of a VM deleted behind its back, as a deleted VM takes its agent down', async () => {
    const { provisioner, agents, deploymentId } = aSimulatedCloud({ vmWatchMs: 50 });
    const keep = aBot(7);
    const lost = aBot(8);
    await provisioner.provision(keep);
    await provisioner.provision(lost);

    await table.deleteEntity(deploymentId, lost.botId);
    await vi.waitFor(() => expect(agents.stopped).toEqual([lost.botId]), { timeout: 3_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 200));
    expect(agents.stopped).toEqual([lost.botId]);
    await provisioner.deprovision(lost); // the VM is already gone: nothing left to stop or delete
    expect(agents.stopped).toEqual([lost.botId]);
    await provisioner.deprovision(keep);
  });

  it('keeps its VMs across a restart: a new instance over the same table lists them, and a retried provision returns without a second boot and restarts the agent', async () => {
    const cloud = aSimulatedCloud();
    const spec = aBot(6);
    const first = await cloud.provisioner.provision(spec);

    const afterRestart = cloud.reopen();
    const listed = await afterRestart.list();
    const again = await afterRestart.provision(spec);

    expect(listed.map((vm) => vm.botId)).toEqual([spec.botId]);
    expect(again).toEqual(first);
    expect(cloud.sleeps).toEqual([[DELAY_MS], []]); // booted once, by the first instance
    expect(cloud.agents.started.map((s) => s.botId)).toEqual([spec.botId, spec.botId]); // one agent per process
  });

  it('finishes the boot of a VM a crashed attempt left Booting, waiting only for the rest of the delay', async () => {
    const at = Date.now();
    const cloud = aSimulatedCloud({ provisionDelayMs: 300 }, undefined, () => new Date(at));
    const spec = aBot(7);
    const halfBooted = new Date(at - 200).toISOString();
    await table.createTable();
    await table.createEntity({
      partitionKey: cloud.deploymentId,
      rowKey: spec.botId,
      hostedRpaDeployment: cloud.deploymentId,
      hostedRpaEnvironment: 'env-1',
      hostedRpaGroup: 'g-1',
      hostedRpaBot: spec.botId,
      vmResourceId: '/subscriptions/0/resourceGroups/simulated-bots/providers/Microsoft.Compute/virtualMachines/crashed',
      imageVersion: '1.2.3',
      state: 'Booting',
      createdAt: halfBooted,
    });

    const bot = await cloud.provisioner.provision(spec);

    expect(cloud.sleeps[0]).toEqual([100]); // 300 ms of boot, 200 of them already done
    expect(bot.vmResourceId).toMatch(/crashed$/);
    await expect(table.getEntity<SimulatedVmRow>(cloud.deploymentId, spec.botId)).resolves.toMatchObject({ state: 'Running' });
    expect(cloud.agents.started).toHaveLength(1);
  });

  it('lists an orphan written behind its back, and only its own deployment', async () => {
    const cloud = aSimulatedCloud();
    const other = aSimulatedCloud();
    await cloud.provisioner.provision(aBot(8));
    await other.provisioner.provision(aBot(9));
    await table.createEntity({
      partitionKey: cloud.deploymentId,
      rowKey: 'orphan-bot',
      hostedRpaDeployment: cloud.deploymentId,
      hostedRpaEnvironment: 'env-9',
      hostedRpaGroup: 'g-9',
      hostedRpaBot: 'orphan-bot',
      vmResourceId: '/subscriptions/0/resourceGroups/simulated-bots/providers/Microsoft.Compute/virtualMachines/orphan',
    });

    const vms = await cloud.provisioner.list();

    expect(vms).toHaveLength(2);
    expect(vms).toContainEqual({ botId: 'orphan-bot', environmentId: 'env-9', groupId: 'g-9', vmResourceId: expect.stringMatching(/orphan$/) });
    await cloud.provisioner.deprovision({ environmentId: 'env-9', groupId: 'g-9', botId: 'orphan-bot' });
    expect((await cloud.provisioner.list()).map((vm) => vm.botId)).not.toContain('orphan-bot');
  });

  it('refuses to provision without the admin password in the secret store, a bot id already used by another group, or over a VM of another image', async () => {
    const cloud = aSimulatedCloud();
    const spec = aBot(10);
    cloud.secrets.values.clear();
    const missing = await failureOf(cloud.provisioner.provision(spec));
    cloud.secrets.values.set(spec.account.password.name, 'Correct-Horse-9-Battery!');
    await cloud.provisioner.provision(spec);

    const conflict = await failureOf(cloud.provisioner.provision({ ...spec, groupId: 'g-other' }));
    const otherImage = await failureOf(cloud.provisioner.provision({ ...spec, image: { builtIn: true, version: 'latest' } }));

    expect(missing).toMatchObject({ reason: 'SecretUnavailable', retryable: false });
    expect(conflict).toMatchObject({ reason: 'BotIdConflict', retryable: false });
    expect(otherImage).toMatchObject({ reason: 'ImageMismatch', retryable: false });
    expect((await cloud.provisioner.list()).map((vm) => vm.botId)).toEqual([spec.botId]);
  });

  it('reports the table being unreachable as a retryable store failure', async () => {
    const unreachable = new SimulatedBotProvisioner(
      TableClient.fromConnectionString(azurite.connectionString.replace(`:${azurite.tablePort}/`, ':1/'), 'simulatedvms', {
        allowInsecureConnection: true,
        retryOptions: { maxRetries: 0 },
      }),
      { deploymentId: 'it-down', provisionDelayMs: DELAY_MS, failureRate: 0 },
      { secrets: new MemorySecretStore() },
    );

    const error = await failureOf(unreachable.list());

    expect(error).toMatchObject({ reason: 'SimulatedStoreFailure', retryable: true });
  });
});
