import { inspect } from 'node:util';

import { AzureLogger, getLogLevel, setLogLevel } from '@azure/logger';
import type { TokenCredential } from '@azure/identity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AGENT_EXTENSION, decodeBootstrapScript, packageAgentBootstrap } from '../../../../adapters/vms/agent-bootstrap.js';
import { ArmBotProvisioner, type ArmBotProvisionerSettings } from '../../../../adapters/vms/arm-bot-provisioner.js';
import { ProvisioningError } from '../../../../app/ports/bot-provisioner.js';
import { botResourceNames } from '../../../../adapters/vms/bot-resources.js';
import { ADMIN_PASSWORD, aBotSpec, aBuiltInImageBot, BOT_CREDENTIAL, GALLERY_IMAGE_VERSION_ID, MemorySecretStore } from './bot-fixtures.js';
import { FakeArm } from './fake-arm.js';

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
const RG = 'rg-hostedrpa-bots';
const SUBNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-hostedrpa-net/providers/Microsoft.Network/virtualNetworks/vnet-bots/subnets/bots`;
const DEPLOYMENT = 'hostedrpa-prod-x7k2';
const RG_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}`;

const credential: TokenCredential = { getToken: async () => ({ token: 'unit-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

const spec = aBotSpec();
const names = botResourceNames(spec.botId);
const VM_PATH = `${RG_PATH}/providers/Microsoft.Compute/virtualMachines/${names.vm}`;
const NIC_PATH = `${RG_PATH}/providers/Microsoft.Network/networkInterfaces/${names.nic}`;
const DISK_PATH = `${RG_PATH}/providers/Microsoft.Compute/disks/${names.osDisk}`;
const EXTENSION_PATH = `${VM_PATH}/extensions/${AGENT_EXTENSION.name}`;

const VM_PUT = /\/virtualMachines\/[^/]+$/;
const NIC_PUT = /\/networkInterfaces\/[^/]+$/;

let fake: FakeArm;
let secrets: MemorySecretStore;
let progress: string[];
let sdkLog: string[];
let previousLogLevel: ReturnType<typeof getLogLevel>;
let previousLog: typeof AzureLogger.log;

function aProvisioner(settings: Partial<ArmBotProvisionerSettings> = {}): ArmBotProvisioner {
  return new ArmBotProvisioner(
    {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: RG,
      subnetId: SUBNET,
      deploymentId: DEPLOYMENT,
      pollIntervalMs: 0,
      log: (line) => progress.push(line),
      ...settings,
    },
    { credential, secrets, clientOptions: { httpClient: fake.httpClient, retryOptions: { maxRetries: 0 } } },
  );
}

async function failureOf(promise: Promise<unknown>): Promise<ProvisioningError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProvisioningError);
  return error as ProvisioningError;
}

/** Everything that could end up in a log: the SDK's own log lines, our progress lines, errors as printed. */
function everythingLogged(...errors: unknown[]): string {
  return [...sdkLog, ...progress, ...errors.flatMap((e) => [String(e), inspect(e, { depth: 10 }), JSON.stringify(e)])].join('\n');
}

beforeEach(() => {
  fake = new FakeArm(SUBSCRIPTION, RG);
  secrets = new MemorySecretStore();
  progress = [];
  sdkLog = [];
  previousLogLevel = getLogLevel();
  previousLog = AzureLogger.log;
  AzureLogger.log = (...args: unknown[]) => void sdkLog.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
  setLogLevel('verbose');
});

afterEach(() => {
  setLogLevel(previousLogLevel);
  AzureLogger.log = previousLog;
  // the recording client answers everything: nothing may have gone anywhere it does not know
  expect(fake.unexpected).toEqual([]);
});

describe('ArmBotProvisioner.provision', () => {
  it('creates the NIC, the VM, tags the OS disk and bootstraps the agent, in that order, with long-running operations polled to the end', async () => {
    const bot = await aProvisioner().provision(spec);

    expect(fake.calls({ writesOnly: true })).toEqual([`PUT ${NIC_PATH}`, `PUT ${VM_PATH}`, `PATCH ${DISK_PATH}`, `PUT ${EXTENSION_PATH}`]);
    // a look for a VM left by an earlier attempt, then each write followed by its Azure-AsyncOperation poll
    // and the final GET of the resource
    expect(fake.calls()).toEqual([
      `GET ${VM_PATH}`,
      `PUT ${NIC_PATH}`,
      `GET /subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/locations/northeurope/operations/op-1`,
      `GET ${NIC_PATH}`,
      `PUT ${VM_PATH}`,
      `GET /subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/northeurope/operations/op-2`,
      `GET ${VM_PATH}`,
      `PATCH ${DISK_PATH}`,
      `GET /subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/northeurope/operations/op-3`,
      `GET ${DISK_PATH}`,
      `PUT ${EXTENSION_PATH}`,
      `GET /subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/northeurope/operations/op-4`,
      `GET ${EXTENSION_PATH}`,
    ]);
    for (const request of fake.requests) {
      expect(request.query.get('api-version'), `${request.method} ${request.path}`).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
      expect(request.headers.authorization).toBe('Bearer unit-test-token');
    }
    expect(bot).toEqual({ botId: spec.botId, vmResourceId: VM_PATH, imageVersion: '1.2.3' });
  });

  it('puts the NIC in the bots subnet, without a public IP, in the environment region, tagged', async () => {
    await aProvisioner().provision(spec);

    const nic = fake.lastBody('PUT', NIC_PUT);
    expect(nic).toMatchObject({
      location: 'northeurope',
      tags: { 'hosted-rpa-deployment': DEPLOYMENT, 'hosted-rpa-environment': 'env-1', 'hosted-rpa-group': 'g-1', 'hosted-rpa-bot': spec.botId },
      properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: SUBNET }, privateIPAllocationMethod: 'Dynamic', primary: true } }] },
    });
    expect(JSON.stringify(nic)).not.toMatch(/publicIPAddress/i);
  });

  it('creates a Windows VM from the gallery image version, on the NIC, with disk and NIC deleted with it and the admin account of the group', async () => {
    await aProvisioner().provision(spec);

    const vm = fake.lastBody('PUT', VM_PUT);
    expect(vm).toMatchObject({
      location: 'northeurope',
      tags: { 'hosted-rpa-deployment': DEPLOYMENT, 'hosted-rpa-environment': 'env-1', 'hosted-rpa-group': 'g-1', 'hosted-rpa-bot': spec.botId },
      properties: {
        hardwareProfile: { vmSize: 'Standard_D2s_v5' },
        storageProfile: {
          imageReference: { id: GALLERY_IMAGE_VERSION_ID },
          osDisk: { name: names.osDisk, createOption: 'FromImage', deleteOption: 'Delete', managedDisk: { storageAccountType: 'StandardSSD_LRS' } },
        },
        osProfile: { computerName: names.computerName, adminUsername: 'rpaadmin', windowsConfiguration: { provisionVMAgent: true } },
        networkProfile: { networkInterfaces: [{ id: NIC_PATH, properties: { primary: true, deleteOption: 'Delete' } }] },
      },
    });
    // ARM requires the password in the create request: it is there, read from the secret store just now
    expect(vm).toMatchObject({ properties: { osProfile: { adminPassword: ADMIN_PASSWORD } } });
    expect(secrets.reads).toEqual([spec.account.password]);
    expect(names.computerName.length).toBeLessThanOrEqual(15);
    // a gallery image carries its own security type, licence and OS: nothing forced on it
    expect(vm).not.toHaveProperty('properties.securityProfile');
    expect(vm).not.toHaveProperty('properties.licenseType');
  });

  it('builds the built-in image from the Windows 11 Enterprise marketplace image, Trusted Launch, and reports the exact version ARM chose', async () => {
    const builtIn = aBuiltInImageBot({ vmSize: 'Standard_D4s_v5' });

    const bot = await aProvisioner().provision(builtIn);

    const vm = fake.lastBody('PUT', VM_PUT);
    expect(vm).toMatchObject({
      properties: {
        hardwareProfile: { vmSize: 'Standard_D4s_v5' },
        storageProfile: { imageReference: { publisher: 'MicrosoftWindowsDesktop', offer: 'windows-11', sku: 'win11-24h2-ent', version: 'latest' } },
        securityProfile: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
        licenseType: 'Windows_Client',
      },
    });
    expect(vm).not.toHaveProperty('properties.storageProfile.imageReference.id');
    expect(bot.imageVersion).toBe('26100.4061.250510');
  });

  it('uses the configured default VM size when the spec names none', async () => {
    await aProvisioner({ defaultVmSize: 'Standard_D8s_v5' }).provision(spec);

    expect(fake.lastBody('PUT', VM_PUT)).toMatchObject({ properties: { hardwareProfile: { vmSize: 'Standard_D8s_v5' } } });
  });

  it('tags the OS disk like the VM (VM tags do not reach the disk ARM creates)', async () => {
    await aProvisioner().provision(spec);

    expect(fake.lastBody('PATCH', /\/disks\//)).toEqual({
      tags: { 'hosted-rpa-deployment': DEPLOYMENT, 'hosted-rpa-environment': 'env-1', 'hosted-rpa-group': 'g-1', 'hosted-rpa-bot': spec.botId },
    });
    expect(fake.resources.get(DISK_PATH.toLowerCase())).toMatchObject({ tags: { 'hosted-rpa-deployment': DEPLOYMENT } });
  });

  it('hands the agent its control-plane URL and credential through the extension protectedSettings only', async () => {
    await aProvisioner().provision(spec);

    const extension = fake.lastBody('PUT', /\/extensions\//);
    expect(extension).toMatchObject({
      location: 'northeurope',
      tags: { 'hosted-rpa-bot': spec.botId },
      properties: { publisher: 'Microsoft.Compute', type: 'CustomScriptExtension', typeHandlerVersion: '1.10', settings: {} },
    });
    const properties = (extension.properties ?? {}) as { protectedSettings?: { commandToExecute?: string }; forceUpdateTag?: string };
    const script = decodeBootstrapScript(properties.protectedSettings?.commandToExecute ?? '');
    expect(script).toContain(`"credential":"${BOT_CREDENTIAL}"`);
    expect(script).toContain(`"controlPlaneUrl":"${spec.agent.controlPlaneUrl}"`);
    expect(script).toContain(`"botId":"${spec.botId}"`);
    // only inside protectedSettings: the rest of the request (public settings, tags, update tag) carries none of it
    const { protectedSettings: _hidden, ...publicProperties } = properties;
    expect(JSON.stringify({ ...extension, properties: publicProperties })).not.toContain(BOT_CREDENTIAL);
    expect(properties.forceUpdateTag).toMatch(/^[0-9a-f]{16}$/);
  });

  it('with the agent package, attaches the bots identity to the VM and lets the extension download the package with it, in protectedSettings only', async () => {
    const identityId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bots`;
    const bootstrap = packageAgentBootstrap({ containerUrl: 'https://st1.blob.core.windows.net/agent/', identityClientId: 'bots-client-id' });

    await aProvisioner({ agentBootstrap: bootstrap, botIdentityResourceId: identityId }).provision(spec);

    expect(fake.lastBody('PUT', VM_PUT)).toMatchObject({ identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: {} } } });
    const extension = fake.lastBody('PUT', /\/extensions\//);
    const properties = (extension.properties ?? {}) as { protectedSettings?: Record<string, unknown>; settings?: unknown };
    expect(properties.settings).toEqual({});
    expect(properties.protectedSettings).toMatchObject({
      fileUris: ['https://st1.blob.core.windows.net/agent/install-agent.ps1', 'https://st1.blob.core.windows.net/agent/hosted-rpa-agent.zip'],
      managedIdentity: { clientId: 'bots-client-id' },
    });
    const { protectedSettings: _hidden, ...publicProperties } = properties;
    expect(JSON.stringify({ ...extension, properties: publicProperties })).not.toMatch(/install-agent|bots-client-id/);
    expect(JSON.stringify(extension)).not.toContain(BOT_CREDENTIAL);
  });

  it('attaches no identity when none is configured (an image that carries the agent)', async () => {
    await aProvisioner().provision(spec);

    expect(fake.lastBody('PUT', VM_PUT)).not.toHaveProperty('identity');
  });

  it('never lets the password or the agent credential reach a log (SDK log at verbose, progress lines)', async () => {
    await aProvisioner().provision(aBuiltInImageBot());
    await aProvisioner().provision(spec);

    expect(sdkLog.length).toBeGreaterThan(10); // the capture works: the SDK logged every request
    expect(progress).toContain(`create virtual machine '${names.vm}'`);
    const logged = everythingLogged();
    expect(logged).not.toContain(ADMIN_PASSWORD);
    expect(logged).not.toContain(BOT_CREDENTIAL);
    // and ARM's answers never held it: only the VM PUT bodies did (ARM strips it from what it returns)
    const carrying = fake.requests.filter((r) => r.bodyText?.includes(ADMIN_PASSWORD)).map((r) => `${r.method} ${r.path}`);
    expect(JSON.stringify([...fake.resources.values()])).not.toContain(ADMIN_PASSWORD);
    expect(carrying).toEqual([`PUT ${RG_PATH}/providers/Microsoft.Compute/virtualMachines/${botResourceNames(aBuiltInImageBot().botId).vm}`, `PUT ${VM_PATH}`]);
  });

  it('is idempotent per bot: a retry finds the VM it created, reuses it without sending the password again, and re-applies tags and bootstrap', async () => {
    const first = await aProvisioner().provision(spec);
    fake.requests.length = 0;

    const second = await aProvisioner().provision(spec);

    expect(second).toEqual(first);
    expect(fake.calls()[0]).toBe(`GET ${VM_PATH}`);
    expect(fake.calls({ writesOnly: true })).toEqual([`PATCH ${DISK_PATH}`, `PUT ${EXTENSION_PATH}`]);
    expect(secrets.reads).toHaveLength(1);
    const vms = [...fake.resources.keys()].filter((k) => /\/virtualmachines\/[^/]+$/.test(k));
    expect(vms).toEqual([VM_PATH.toLowerCase()]);
    expect(progress).toContain(`reuse virtual machine '${names.vm}'`);
  });

  it('keeps the resource names and the bootstrap of a retry identical, so the extension does not run twice', async () => {
    await aProvisioner().provision(spec);
    await aProvisioner().provision(spec);

    const extensionPuts = fake.requests.filter((r) => r.method === 'PUT' && r.path === EXTENSION_PATH).map((r) => r.bodyText);
    expect(extensionPuts).toHaveLength(2);
    expect(new Set(extensionPuts).size).toBe(1);
  });

  it('PUTs again over a VM whose creation failed (the same names: still one VM)', async () => {
    fake.failAsync({ method: 'PUT', path: VM_PUT, code: 'AllocationFailed', message: 'no capacity' });
    await failureOf(aProvisioner().provision(spec));
    fake.requests.length = 0;

    await aProvisioner().provision(spec);

    expect(fake.calls({ writesOnly: true })).toEqual([`PUT ${NIC_PATH}`, `PUT ${VM_PATH}`, `PATCH ${DISK_PATH}`, `PUT ${EXTENSION_PATH}`]);
    expect(fake.resources.get(VM_PATH.toLowerCase())).toMatchObject({ properties: { provisioningState: 'Succeeded' } });
  });

  it('refuses to reuse a VM built from another image (the bot must be deprovisioned first)', async () => {
    await aProvisioner().provision(spec);
    fake.requests.length = 0;

    const error = await failureOf(aProvisioner().provision({ ...spec, image: { builtIn: true, version: 'latest' } }));

    expect(error).toMatchObject({ reason: 'ImageMismatch', retryable: false });
    expect(fake.calls({ writesOnly: true })).toEqual([]);
  });

  it("never touches a VM of the same name that is not this deployment's", async () => {
    fake.seed(VM_PATH, {
      location: 'northeurope',
      tags: { 'hosted-rpa-deployment': 'hostedrpa-staging', 'hosted-rpa-bot': spec.botId },
      properties: { provisioningState: 'Succeeded' },
    });

    const error = await failureOf(aProvisioner().provision(spec));

    expect(error).toMatchObject({ reason: 'ForeignResource', retryable: false });
    expect(fake.calls({ writesOnly: true })).toEqual([]);
  });

  it('refuses a spec it cannot act on before any request', async () => {
    const error = await failureOf(aProvisioner().provision(aBotSpec({ region: ' ', agent: { controlPlaneUrl: 'ftp://x', credential: BOT_CREDENTIAL } })));

    expect(error).toMatchObject({ reason: 'InvalidBotSpec', retryable: false });
    expect(error.message).toContain('region is empty');
    expect(fake.requests).toEqual([]);
  });

  it('fails without creating anything when the password is not in the secret store (not retryable) or the store is down (retryable)', async () => {
    secrets.values.clear();
    const missing = await failureOf(aProvisioner().provision(spec));
    secrets.failing = true;
    const down = await failureOf(aProvisioner().provision(spec));

    expect(missing).toMatchObject({ reason: 'SecretUnavailable', retryable: false });
    expect(missing.message).toContain('SECRET_NOT_FOUND');
    expect(down).toMatchObject({ reason: 'SecretUnavailable', retryable: true });
    expect(fake.calls({ writesOnly: true })).toEqual([]);
  });
});

describe('ArmBotProvisioner errors', () => {
  it.each([
    { name: '429 throttled', status: 429, code: 'TooManyRequests', retryable: true },
    { name: '503 unavailable', status: 503, code: 'ServiceUnavailable', retryable: true },
    { name: '500 with an unknown code', status: 500, code: 'SomethingBroke', retryable: true },
    { name: '409 core quota exceeded', status: 409, code: 'OperationNotAllowed', retryable: true },
    { name: '400 invalid parameter', status: 400, code: 'InvalidParameter', retryable: false },
    { name: '403 missing role', status: 403, code: 'AuthorizationFailed', retryable: false },
    { name: '404 gallery image version missing', status: 404, code: 'GalleryImageNotFound', retryable: false },
    { name: '409 property change refused', status: 409, code: 'PropertyChangeNotAllowed', retryable: false },
  ])('maps the VM PUT answered $name to ProvisioningError(retryable: $retryable)', async ({ status, code, retryable }) => {
    fake.failNext({ method: 'PUT', path: VM_PUT, status, code, message: `The request failed: ${code}.` });

    const error = await failureOf(aProvisioner().provision(spec));

    expect(error).toMatchObject({ reason: code, retryable, details: { operation: 'create virtual machine', resource: names.vm, status, code } });
    expect(error.message).toBe(`create virtual machine '${names.vm}' failed: HTTP ${status} ${code}`);
  });

  it('maps a long-running operation that ends Failed (AllocationFailed) to a retryable error with its code', async () => {
    fake.failAsync({
      method: 'PUT',
      path: VM_PUT,
      code: 'AllocationFailed',
      message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region.',
    });

    const error = await failureOf(aProvisioner().provision(spec));

    expect(error).toMatchObject({ reason: 'AllocationFailed', retryable: true, details: { code: 'AllocationFailed' } });
    expect(error.message).toBe(`create virtual machine '${names.vm}' failed: operation failed AllocationFailed`);
  });

  it('gives up waiting at the call deadline with a retryable OperationStillRunning (the activity stays within functionTimeout)', async () => {
    fake.stallAsync('PUT', VM_PUT);

    const error = await failureOf(aProvisioner({ maxCallMs: 50, pollIntervalMs: 5 }).provision(spec));

    expect(error).toMatchObject({ reason: 'OperationStillRunning', retryable: true, details: { operation: 'create virtual machine', resource: names.vm } });
  });

  it('keeps ARM messages (which may echo the request) out of the error: no password, no cause holding the request', async () => {
    fake.failNext({
      method: 'PUT',
      path: VM_PUT,
      status: 400,
      code: 'InvalidParameter',
      message: `The supplied password '${ADMIN_PASSWORD}' does not meet the complexity requirements.`,
    });

    const error = await failureOf(aProvisioner().provision(spec));

    expect(error.cause).toBeUndefined();
    expect(everythingLogged(error)).not.toContain(ADMIN_PASSWORD);
    expect(error.message).not.toContain('complexity');
  });

  it('maps a failure of the NIC (network SDK) the same way', async () => {
    fake.failNext({
      method: 'PUT',
      path: NIC_PUT,
      status: 400,
      code: 'InvalidResourceReference',
      message: `Resource ${SUBNET} referenced by resource ${NIC_PATH} was not found.`,
    });

    const error = await failureOf(aProvisioner().provision(spec));

    expect(error).toMatchObject({
      reason: 'InvalidResourceReference',
      retryable: false,
      details: { operation: 'create network interface', resource: names.nic, status: 400 },
    });
    expect(fake.calls({ writesOnly: true })).toEqual([`PUT ${NIC_PATH}`]);
  });

  it('maps a token failure to AuthenticationFailed without a request', async () => {
    const failing: TokenCredential = {
      getToken: async () => {
        throw Object.assign(new Error('ManagedIdentityCredential: endpoint unreachable'), { name: 'AuthenticationError' });
      },
    };
    const provisioner = new ArmBotProvisioner(
      { subscriptionId: SUBSCRIPTION, resourceGroup: RG, subnetId: SUBNET, deploymentId: DEPLOYMENT, pollIntervalMs: 0 },
      { credential: failing, secrets, clientOptions: { httpClient: fake.httpClient, retryOptions: { maxRetries: 0 } } },
    );

    const error = await failureOf(provisioner.provision(spec));

    expect(error).toMatchObject({ reason: 'AuthenticationFailed', retryable: true });
    expect(fake.requests).toEqual([]);
  });
});

describe('ArmBotProvisioner.deprovision', () => {
  it('deletes the VM (which takes its NIC and OS disk), then makes sure the NIC and the disk are gone', async () => {
    await aProvisioner().provision(spec);
    fake.requests.length = 0;

    await aProvisioner().deprovision(spec);

    expect(fake.calls({ writesOnly: true })).toEqual([`DELETE ${VM_PATH}`, `DELETE ${NIC_PATH}`, `DELETE ${DISK_PATH}`]);
    expect(fake.calls()[0]).toBe(`GET ${VM_PATH}`);
    expect([...fake.resources.keys()]).toEqual([]);
    for (const request of fake.requests) expect(request.query.has('api-version'), request.path).toBe(true);
  });

  it('treats what is missing as done: nothing there at all, or a 404 on a DELETE', async () => {
    await expect(aProvisioner().deprovision(spec)).resolves.toBeUndefined();
    expect(fake.calls({ writesOnly: true })).toEqual([`DELETE ${NIC_PATH}`, `DELETE ${DISK_PATH}`]);

    await aProvisioner().provision(spec);
    fake.failNext({ method: 'DELETE', path: VM_PUT, status: 404, code: 'NotFound', message: 'gone meanwhile' });
    await expect(aProvisioner().deprovision(spec)).resolves.toBeUndefined();
  });

  it('removes a NIC left behind by a provision that never got to the VM', async () => {
    fake.failNext({ method: 'PUT', path: VM_PUT, status: 409, code: 'OperationNotAllowed', message: 'quota' });
    await failureOf(aProvisioner().provision(spec));
    expect(fake.resources.has(NIC_PATH.toLowerCase())).toBe(true);

    await aProvisioner().deprovision(spec);

    expect(fake.resources.has(NIC_PATH.toLowerCase())).toBe(false);
  });

  it("leaves a VM of the same name alone when it is not this deployment's", async () => {
    fake.seed(VM_PATH, { location: 'northeurope', tags: { 'hosted-rpa-deployment': 'someone-else', 'hosted-rpa-bot': spec.botId }, properties: {} });

    const error = await failureOf(aProvisioner().deprovision(spec));

    expect(error).toMatchObject({ reason: 'ForeignResource', retryable: false });
    expect(fake.calls({ writesOnly: true })).toEqual([]);
  });

  it('maps a throttled DELETE to a retryable error', async () => {
    await aProvisioner().provision(spec);
    fake.failNext({ method: 'DELETE', path: VM_PUT, status: 429, code: 'TooManyRequests', message: 'slow down', headers: { 'retry-after': '0' } });

    const error = await failureOf(aProvisioner().deprovision(spec));

    expect(error).toMatchObject({ retryable: true, details: { operation: 'delete virtual machine', status: 429 } });
  });
});

describe('ArmBotProvisioner.list', () => {
  it("lists this deployment's VMs by tag, across pages, and nothing else in the resource group", async () => {
    const provisioner = aProvisioner();
    const other = aBuiltInImageBot({ groupId: 'g-2' });
    await provisioner.provision(spec);
    await provisioner.provision(other);
    fake.seed(`${RG_PATH}/providers/Microsoft.Compute/virtualMachines/jumpbox`, { location: 'northeurope', properties: {} });
    fake.seed(`${RG_PATH}/providers/Microsoft.Compute/virtualMachines/bot-of-staging`, {
      location: 'northeurope',
      tags: { 'hosted-rpa-deployment': 'hostedrpa-staging', 'hosted-rpa-bot': 'b-9' },
      properties: {},
    });
    // an orphan: tagged by this deployment, unknown to the control plane, on the last page
    const orphanPath = `${RG_PATH}/providers/Microsoft.Compute/virtualMachines/bot-orphan`;
    fake.seed(orphanPath, {
      location: 'northeurope',
      tags: { 'hosted-rpa-deployment': DEPLOYMENT, 'hosted-rpa-environment': 'env-1', 'hosted-rpa-group': 'g-1', 'hosted-rpa-bot': 'orphan-1' },
      properties: {},
    });
    fake.requests.length = 0;

    const vms = await provisioner.list();

    expect(vms).toEqual([
      { botId: spec.botId, environmentId: 'env-1', groupId: 'g-1', vmResourceId: VM_PATH, createdAt: '2025-01-01T00:01:00.000Z' },
      {
        botId: other.botId,
        environmentId: 'env-1',
        groupId: 'g-2',
        vmResourceId: `${RG_PATH}/providers/Microsoft.Compute/virtualMachines/${botResourceNames(other.botId).vm}`,
        createdAt: expect.any(String),
      },
      { botId: 'orphan-1', environmentId: 'env-1', groupId: 'g-1', vmResourceId: orphanPath },
    ]);
    expect(fake.calls()).toEqual([
      `GET ${RG_PATH}/providers/Microsoft.Compute/virtualMachines`,
      `GET ${RG_PATH}/providers/Microsoft.Compute/virtualMachines`,
      `GET ${RG_PATH}/providers/Microsoft.Compute/virtualMachines`,
    ]);
    expect(fake.requests.map((r) => r.query.get('$skiptoken'))).toEqual([null, '2', '4']);
    expect(fake.requests.every((r) => r.query.has('api-version'))).toBe(true);
  });

  it('maps a failed list to a ProvisioningError', async () => {
    fake.failNext({ method: 'GET', path: /\/virtualMachines$/, status: 503, code: 'ServiceUnavailable', message: 'try later' });

    const error = await failureOf(aProvisioner().list());

    expect(error).toMatchObject({ retryable: true, details: { operation: 'list virtual machines', resource: RG, status: 503 } });
  });
});
