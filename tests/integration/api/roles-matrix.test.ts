import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import type { Role } from '../../../domain/roles.js';
import { clientFor, type ApiClient, type ApiResult } from '../../support/api-client.js';
import {
  aConnection,
  aDesktopFlow,
  builtInImageId,
  controlContainer,
  createGroup,
  GROUP_ACCOUNT,
  shareGroup,
  shareImage,
} from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';
import { aCustomImage } from '../../support/image-fixtures.js';

/**
 * Every user route against every role, with and without shares, after the shares are revoked and after deactivation
 * (issue #17). Two tables: who holds which rights (PRODUCT.md's roles table and turn 2's "Access"), and which right
 * each route needs. Probes change nothing that matters: writes carry a stale If-Match (412 means the caller got past
 * the rights check), creates are refused by a business rule after it (422), runs are already ended.
 */

type Access = 'none' | 'use' | 'manage';
/** what a probe tells: past the rights check (`ok`), 403 (`forbidden`; `revoked`: GroupAccessRevoked), 404 (`hidden`), or for lists whether the resource is in it */
type Verdict = 'ok' | 'forbidden' | 'revoked' | 'hidden' | 'listed' | 'unlisted';

interface Caller {
  roles: Role[];
  /** shares of the image, the group and the credential the owner made */
  shares?: 'User' | 'CoOwner';
  /** what happened after the caller made its connection */
  then?: 'revoked' | 'deactivated';
  /** the owner of every resource the probes touch */
  owner?: true;
  image: Access;
  group: Access;
  credential: Access;
  createImage: boolean;
  /** create groups and desktop flows */
  createGroup: boolean;
  /** create connections and credentials */
  holdConnections: boolean;
}

const ALL: Pick<Caller, 'image' | 'group' | 'credential'> = { image: 'manage', group: 'manage', credential: 'manage' };
const NONE: Pick<Caller, 'image' | 'group' | 'credential'> = { image: 'none', group: 'none', credential: 'none' };
const USE: Pick<Caller, 'image' | 'group' | 'credential'> = { image: 'use', group: 'use', credential: 'use' };
const MAKER = { createImage: true, createGroup: true, holdConnections: true };
const MACHINE_OWNER = { createImage: false, createGroup: true, holdConnections: true };
const IMAGE_ADMIN = { createImage: true, createGroup: false, holdConnections: false };
const BASIC = { createImage: false, createGroup: false, holdConnections: true };

/** Who holds which rights on the owner's image, group and credential. */
const CALLERS: Record<string, Caller> = {
  SystemAdministrator: { roles: ['SystemAdministrator'], ...ALL, ...MAKER },
  'EnvironmentMaker, owner of everything': { roles: ['EnvironmentMaker'], owner: true, ...ALL, ...MAKER },
  EnvironmentMaker: { roles: ['EnvironmentMaker'], ...NONE, ...MAKER },
  'EnvironmentMaker, User shares': { roles: ['EnvironmentMaker'], shares: 'User', ...USE, ...MAKER },
  'EnvironmentMaker, CoOwner shares': { roles: ['EnvironmentMaker'], shares: 'CoOwner', ...ALL, ...MAKER },
  DesktopFlowsMachineOwner: { roles: ['DesktopFlowsMachineOwner'], ...NONE, ...MACHINE_OWNER },
  'DesktopFlowsMachineOwner, User shares': { roles: ['DesktopFlowsMachineOwner'], shares: 'User', ...USE, ...MACHINE_OWNER },
  'DesktopFlowsMachineOwner, CoOwner shares': { roles: ['DesktopFlowsMachineOwner'], shares: 'CoOwner', ...ALL, ...MACHINE_OWNER },
  // full rights on every image; no group, connection or credential, shared or not
  DesktopFlowsMachineImageAdmin: { roles: ['DesktopFlowsMachineImageAdmin'], image: 'manage', group: 'none', credential: 'none', ...IMAGE_ADMIN },
  'DesktopFlowsMachineImageAdmin, CoOwner shares': {
    roles: ['DesktopFlowsMachineImageAdmin'],
    shares: 'CoOwner',
    image: 'manage',
    group: 'none',
    credential: 'none',
    ...IMAGE_ADMIN,
  },
  BasicUser: { roles: ['BasicUser'], ...NONE, ...BASIC },
  'BasicUser, User shares': { roles: ['BasicUser'], shares: 'User', ...USE, ...BASIC },
  // a BasicUser never manages an image, but co-owns groups and credentials
  'BasicUser, CoOwner shares': { roles: ['BasicUser'], shares: 'CoOwner', image: 'use', group: 'manage', credential: 'manage', ...BASIC },
  'BasicUser, User shares revoked': { roles: ['BasicUser'], shares: 'User', then: 'revoked', ...NONE, ...BASIC },
  'BasicUser, CoOwner shares, deactivated': { roles: ['BasicUser'], shares: 'CoOwner', then: 'deactivated', ...NONE, ...BASIC },
};

interface World {
  envId: string;
  imageId: string;
  groupId: string;
  credentialId: string;
  flowId: string;
  connectionId: string;
  queuedRunId: string;
  endedRunId: string;
  /** a member whose roles and membership the admin-only probes aim at */
  targetUserId: string;
}

interface Probe {
  request(client: ApiClient, own: { connectionId?: string }): Promise<ApiResult>;
  expected(caller: Caller, admin: boolean): Verdict;
  /** list routes: whether the owner's resource is in the answer */
  lists?: (body: unknown) => boolean;
}

const STALE = { 'if-match': '"stale"' };
const OTHER_VAULT_SECRET = 'https://elsewhere.vault.azure.net/secrets/runner';
let w: World;

const byAccess = (access: Access, needed: 'use' | 'manage'): Verdict =>
  access === 'none' ? 'hidden' : needed === 'manage' && access !== 'manage' ? 'forbidden' : 'ok';
const allowedIf = (yes: boolean): Verdict => (yes ? 'ok' : 'forbidden');
const listedIf = (yes: boolean): Verdict => (yes ? 'listed' : 'unlisted');
const items = (body: unknown) => (body as { items?: Array<{ id?: string; groupId?: string }> }).items ?? [];
const hasId = (id: () => string) => (body: unknown) => items(body).some((i) => i.id === id());

/** The owner's connection: its owner, SystemAdministrators and the group's managers see it. */
const seesConnection = (c: Caller) => c.owner === true || c.group === 'manage';
/** The owner's run: readable with use of the group, controllable with its management (the probes' runs are not the caller's). */
const runRight = (c: Caller): Access => c.group;

/** Which right each user route needs, and how to ask without changing anything that matters. */
const PROBES: Record<string, Probe> = {
  // environments and members
  createEnvironment: {
    request: (c) => c.post('environments', { name: 'Matrix', geography: 'Europe', plan: 'paid', capacity: 0 }),
    expected: (_c, admin) => allowedIf(admin),
  },
  // the caller itself, and the environments it is an active member of (a Platform.Admin: all)
  getMe: { request: (c) => c.get('me'), expected: () => 'ok' },
  listEnvironments: {
    request: (c) => c.get('environments?pageSize=200'),
    lists: hasId(() => w.envId),
    expected: (c, admin) => listedIf(admin || c.then !== 'deactivated'),
  },
  getEnvironment: { request: (c) => c.get(`environments/${w.envId}`), expected: () => 'ok' },
  updateEnvironment: { request: (c) => c.patch(`environments/${w.envId}`, { capacity: 0 }, STALE), expected: (_c, admin) => allowedIf(admin) },
  getCapacity: {
    request: (c) => c.get(`environments/${w.envId}/capacity`),
    lists: (b) => (b as { groups: Array<{ groupId: string }> }).groups.some((g) => g.groupId === w.groupId),
    expected: (c) => listedIf(c.group !== 'none'),
  },
  listMembers: { request: (c) => c.get(`environments/${w.envId}/members`), expected: () => 'ok' },
  setMemberRoles: {
    request: (c) => c.put(`environments/${w.envId}/members/${w.targetUserId}`, { roles: ['BasicUser'] }, STALE),
    expected: (_c, admin) => allowedIf(admin),
  },
  deactivateMember: { request: (c) => c.delete(`environments/${w.envId}/members/${w.targetUserId}`, STALE), expected: (_c, admin) => allowedIf(admin) },
  listAuditEntries: { request: (c) => c.get(`environments/${w.envId}/audit`), expected: (_c, admin) => allowedIf(admin) },
  listMaintenanceActions: { request: (c) => c.get(`environments/${w.envId}/maintenance`), expected: (_c, admin) => allowedIf(admin) },
  // images
  listImages: { request: (c) => c.get(`environments/${w.envId}/images`), lists: hasId(() => w.imageId), expected: (c) => listedIf(c.image !== 'none') },
  createImage: {
    request: (c) => c.post(`environments/${w.envId}/images`, aCustomImage({ replicatedRegions: ['westus'] })),
    expected: (c) => allowedIf(c.createImage),
  },
  getImage: { request: (c) => c.get(`environments/${w.envId}/images/${w.imageId}`), expected: (c) => byAccess(c.image, 'use') },
  updateImage: {
    request: (c) => c.patch(`environments/${w.envId}/images/${w.imageId}`, { description: 'x' }, STALE),
    expected: (c) => byAccess(c.image, 'manage'),
  },
  deleteImage: { request: (c) => c.delete(`environments/${w.envId}/images/${w.imageId}`, STALE), expected: (c) => byAccess(c.image, 'manage') },
  getImageAccess: { request: (c) => c.get(`environments/${w.envId}/images/${w.imageId}/access`), expected: (c) => byAccess(c.image, 'manage') },
  setImageAccess: { request: (c) => c.put(`environments/${w.envId}/images/${w.imageId}/access`, [], STALE), expected: (c) => byAccess(c.image, 'manage') },
  // groups and what hangs off them
  listGroups: { request: (c) => c.get(`environments/${w.envId}/groups`), lists: hasId(() => w.groupId), expected: (c) => listedIf(c.group !== 'none') },
  createGroup: {
    request: (c) => c.post(`environments/${w.envId}/groups`, { name: 'Probe', maxBots: 1, committedBots: 2, imageId: w.imageId, account: GROUP_ACCOUNT }),
    expected: (c) => allowedIf(c.createGroup),
  },
  getGroup: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}`), expected: (c) => byAccess(c.group, 'use') },
  updateGroup: {
    request: (c) => c.patch(`environments/${w.envId}/groups/${w.groupId}`, { description: 'x' }, STALE),
    expected: (c) => byAccess(c.group, 'manage'),
  },
  deleteGroup: { request: (c) => c.delete(`environments/${w.envId}/groups/${w.groupId}`, STALE), expected: (c) => byAccess(c.group, 'manage') },
  reactivateGroup: {
    request: (c) => c.post(`environments/${w.envId}/groups/${w.groupId}/reactivate`, undefined, STALE),
    expected: (c) => byAccess(c.group, 'manage'),
  },
  getGroupAccess: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/access`), expected: (c) => byAccess(c.group, 'manage') },
  setGroupAccess: { request: (c) => c.put(`environments/${w.envId}/groups/${w.groupId}/access`, [], STALE), expected: (c) => byAccess(c.group, 'manage') },
  listGroupConnections: {
    request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/connections`),
    lists: hasId(() => w.connectionId),
    // a User-share holder sees only its own
    expected: (c) => (c.group === 'none' ? 'hidden' : listedIf(c.group === 'manage')),
  },
  listGroupErrors: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/errors`), expected: (c) => byAccess(c.group, 'use') },
  listGroupBots: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/bots`), expected: (c) => byAccess(c.group, 'use') },
  listScalingDecisions: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/scaling`), expected: (c) => byAccess(c.group, 'use') },
  getGroupHistory: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/history`), expected: (c) => byAccess(c.group, 'use') },
  getGroupQueue: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/queue`), expected: (c) => byAccess(c.group, 'use') },
  listGroupRuns: { request: (c) => c.get(`environments/${w.envId}/groups/${w.groupId}/runs`), expected: (c) => byAccess(c.group, 'use') },
  // connections (the owner's)
  listConnections: {
    request: (c) => c.get(`environments/${w.envId}/connections`),
    lists: hasId(() => w.connectionId),
    expected: (c) => listedIf(seesConnection(c)),
  },
  createConnection: {
    request: (c) => c.post(`environments/${w.envId}/connections`, aConnection(w.groupId, { username: 'someone-else' })),
    expected: (c) => (!c.holdConnections ? 'forbidden' : c.group === 'none' ? 'hidden' : 'ok'),
  },
  getConnection: { request: (c) => c.get(`environments/${w.envId}/connections/${w.connectionId}`), expected: (c) => (seesConnection(c) ? 'ok' : 'hidden') },
  // only its owner changes a connection; whoever sees it may delete it
  updateConnection: {
    request: (c) => c.patch(`environments/${w.envId}/connections/${w.connectionId}`, { name: 'x' }, STALE),
    expected: (c) => (c.owner ? 'ok' : seesConnection(c) ? 'forbidden' : 'hidden'),
  },
  deleteConnection: {
    request: (c) => c.delete(`environments/${w.envId}/connections/${w.connectionId}`, STALE),
    expected: (c) => (seesConnection(c) ? 'ok' : 'hidden'),
  },
  // credentials
  listCredentials: {
    request: (c) => c.get(`environments/${w.envId}/credentials`),
    lists: hasId(() => w.credentialId),
    expected: (c) => listedIf(c.credential !== 'none'),
  },
  createCredential: {
    request: (c) => c.post(`environments/${w.envId}/credentials`, { name: 'Probe', username: GROUP_ACCOUNT.username, keyVaultSecretUri: OTHER_VAULT_SECRET }),
    expected: (c) => allowedIf(c.holdConnections),
  },
  getCredential: { request: (c) => c.get(`environments/${w.envId}/credentials/${w.credentialId}`), expected: (c) => byAccess(c.credential, 'use') },
  updateCredential: {
    request: (c) => c.patch(`environments/${w.envId}/credentials/${w.credentialId}`, { name: 'x' }, STALE),
    expected: (c) => byAccess(c.credential, 'manage'),
  },
  deleteCredential: {
    request: (c) => c.delete(`environments/${w.envId}/credentials/${w.credentialId}`, STALE),
    expected: (c) => byAccess(c.credential, 'manage'),
  },
  getCredentialAccess: {
    request: (c) => c.get(`environments/${w.envId}/credentials/${w.credentialId}/access`),
    expected: (c) => byAccess(c.credential, 'manage'),
  },
  setCredentialAccess: {
    request: (c) => c.put(`environments/${w.envId}/credentials/${w.credentialId}/access`, [], STALE),
    expected: (c) => byAccess(c.credential, 'manage'),
  },
  // desktop flows: every member reads and runs them; their owner and SystemAdministrators change them
  listDesktopFlows: { request: (c) => c.get(`environments/${w.envId}/desktop-flows`), lists: hasId(() => w.flowId), expected: () => 'listed' },
  createDesktopFlow: {
    request: (c) => c.post(`environments/${w.envId}/desktop-flows`, aDesktopFlow({ name: 'Probe' })),
    expected: (c) => allowedIf(c.createGroup),
  },
  getDesktopFlow: { request: (c) => c.get(`environments/${w.envId}/desktop-flows/${w.flowId}`), expected: () => 'ok' },
  replaceDesktopFlow: {
    request: (c) => c.put(`environments/${w.envId}/desktop-flows/${w.flowId}`, aDesktopFlow(), STALE),
    expected: (c, admin) => allowedIf(admin || c.owner === true),
  },
  deleteDesktopFlow: {
    request: (c) => c.delete(`environments/${w.envId}/desktop-flows/${w.flowId}`, STALE),
    expected: (c, admin) => allowedIf(admin || c.owner === true),
  },
  // runs: submit through the caller's own connection (made while it had access) or, lacking one, the owner's
  submitRun: {
    request: (c, own) =>
      c.post(`environments/${w.envId}/runs`, { connectionId: own.connectionId ?? w.connectionId, desktopFlowId: w.flowId, inputs: {}, priority: 'Normal' }),
    expected: (c, admin) => (c.then === 'revoked' ? 'revoked' : admin || c.owner || (c.holdConnections && c.group !== 'none') ? 'ok' : 'forbidden'),
  },
  getRun: { request: (c) => c.get(`environments/${w.envId}/runs/${w.queuedRunId}`), expected: (c) => byAccess(runRight(c), 'use') },
  // the environment's runs: the owner's run is listed to whoever may use its group
  listRuns: {
    request: (c) => c.get(`environments/${w.envId}/runs?pageSize=200`),
    lists: hasId(() => w.queuedRunId),
    expected: (c) => listedIf(runRight(c) !== 'none'),
  },
  // a resubmission is a submission through the run's connection (the owner's): seeing the run, then holding the connection
  resubmitRun: {
    request: (c) => c.post(`environments/${w.envId}/runs/${w.endedRunId}/resubmit`),
    expected: (c, admin) => (runRight(c) === 'none' ? 'hidden' : admin || c.owner ? 'ok' : 'forbidden'),
  },
  changeRunPriority: {
    request: (c) => c.patch(`environments/${w.envId}/runs/${w.queuedRunId}`, { priority: 'High' }, STALE),
    expected: (c) => byAccess(runRight(c), 'manage'),
  },
  // on an ended run: 422 RunNotQueued once past the rights check
  moveRunToTop: { request: (c) => c.post(`environments/${w.envId}/runs/${w.endedRunId}/move-to-top`), expected: (c) => byAccess(runRight(c), 'manage') },
  // on a cancelled run: cancelling again is harmless
  cancelRun: { request: (c) => c.post(`environments/${w.envId}/runs/${w.endedRunId}/cancel`), expected: (c) => byAccess(runRight(c), 'manage') },
  // run callbacks, on the queued run (submitted with a callback; it never ends, so nothing is delivered)
  subscribeRunCallback: {
    request: (c) => c.post(`environments/${w.envId}/runs/${w.queuedRunId}/callback`, { callbackUrl: NEVER_CALLED }),
    expected: (c) => byAccess(runRight(c), 'manage'),
  },
  deleteRunCallback: { request: (c) => c.delete(`environments/${w.envId}/runs/${w.queuedRunId}/callback`), expected: (c) => byAccess(runRight(c), 'manage') },
  getWebhookSecret: { request: (c) => c.get(`environments/${w.envId}/webhook-secret`), expected: (_c, admin) => allowedIf(admin) },
  rotateWebhookSecret: { request: (c) => c.post(`environments/${w.envId}/webhook-secret`), expected: (_c, admin) => allowedIf(admin) },
};

/** a run callback receiver nobody listens on (the local cloud allows loopback http) */
const NEVER_CALLED = 'http://127.0.0.1:9/never-called';

function verdictOf(res: ApiResult, probe: Probe): Verdict | string {
  if (res.status === 404) return 'hidden';
  if (res.status === 403) return (res.body as { code?: string } | undefined)?.code === 'GroupAccessRevoked' ? 'revoked' : 'forbidden';
  if (probe.lists && res.status === 200) return listedIf(probe.lists(res.body));
  if ((res.status >= 200 && res.status < 300) || [409, 412, 422].includes(res.status)) return 'ok';
  return `unexpected ${res.status} ${res.text.slice(0, 200)}`;
}

/** routes not under an environment: a deactivated member still reaches them (and no longer sees the environment listed) */
const OUTSIDE_ENVIRONMENTS = ['createEnvironment', 'getMe', 'listEnvironments'];

function expectedVerdicts(caller: Caller, admin: boolean): Record<string, Verdict> {
  return Object.fromEntries(
    Object.entries(PROBES).map(([name, probe]) => [
      name,
      caller.then === 'deactivated' && !OUTSIDE_ENVIRONMENTS.includes(name) ? 'hidden' : probe.expected(caller, admin),
    ]),
  );
}

let clients: Record<string, ApiClient>;
const ownConnections: Record<string, string> = {};

async function must<T>(res: Promise<ApiResult<T>>, status: number, what: string): Promise<T> {
  const done = await res;
  if (done.status !== status) throw new Error(`${what}: ${done.status} ${done.text}`);
  return done.body;
}

beforeAll(async () => {
  const admin = await clientFor({ platformAdmin: true });
  // capacity for the owner's group at create; then 0 behind the API, so that no bot ever takes a run
  const envId = (await createEnvironment(admin, { capacity: 2 })).id;
  const names = Object.keys(CALLERS).filter((n) => n !== 'SystemAdministrator');
  const members = await Promise.all(names.map(async () => clientFor()));
  const target = await clientFor();
  clients = { SystemAdministrator: admin, ...Object.fromEntries(names.map((n, i) => [n, members[i] as ApiClient])) };
  await Promise.all([
    ...names.map((n) => addMember(admin, envId, clients[n] as ApiClient, CALLERS[n]?.roles ?? [])),
    addMember(admin, envId, target, ['BasicUser']),
  ]);
  const owner = clients['EnvironmentMaker, owner of everything'] as ApiClient;

  const builtIn = await builtInImageId(admin, envId);
  await shareImage(admin, envId, builtIn, [{ userId: owner.userId, permission: 'User' }]);
  const group = await createGroup(owner, envId, builtIn);
  const image = await must(owner.post<{ id: string }>(`environments/${envId}/images`, aCustomImage({ replicatedRegions: ['northeurope'] })), 201, 'image');
  const credential = await must(owner.post<{ id: string }>(`environments/${envId}/credentials`, { name: 'Runner', ...GROUP_ACCOUNT }), 201, 'credential');
  const flow = await must(owner.post<{ id: string }>(`environments/${envId}/desktop-flows`, aDesktopFlow()), 201, 'flow');
  const shares = (permission: 'User' | 'CoOwner') =>
    names.filter((n) => CALLERS[n]?.shares === permission).map((n) => ({ userId: (clients[n] as ApiClient).userId, permission }));
  const allShares = [...shares('User'), ...shares('CoOwner')];
  await Promise.all([
    shareImage(owner, envId, image.id, allShares),
    shareGroup(owner, envId, group.id, allShares),
    must(owner.put(`environments/${envId}/credentials/${credential.id}/access`, allShares), 200, 'credential share'),
  ]);
  const connection = await must(owner.post<{ id: string }>(`environments/${envId}/connections`, aConnection(group.id)), 201, 'connection');
  // every caller who may connect to the group makes a connection of its own (before any revocation)
  await Promise.all(
    Object.entries(clients).map(async ([name, client]) => {
      const res = await client.post<{ id: string }>(`environments/${envId}/connections`, aConnection(group.id));
      if (res.status === 201) ownConnections[name] = res.body.id;
    }),
  );
  const env = controlContainer().item(envId, envId);
  const { resource } = await env.read<Record<string, unknown>>();
  await env.replace({ ...resource, capacity: 0 });
  const run = (id: string) => ({ connectionId: id, desktopFlowId: flow.id, inputs: {}, priority: 'Normal' });
  const queued = await must(owner.post<{ id: string }>(`environments/${envId}/runs`, { ...run(connection.id), callbackUrl: NEVER_CALLED }), 202, 'run');
  const ended = await must(owner.post<{ id: string }>(`environments/${envId}/runs`, run(connection.id)), 202, 'run');
  await must(owner.post(`environments/${envId}/runs/${ended.id}/cancel`), 200, 'cancel');

  // then the revocations: shares removed, a member deactivated
  const revoked = names.filter((n) => CALLERS[n]?.then === 'revoked').map((n) => (clients[n] as ApiClient).userId);
  const remaining = allShares.filter((s) => !revoked.includes(s.userId));
  await Promise.all([
    shareImage(owner, envId, image.id, remaining),
    shareGroup(owner, envId, group.id, remaining),
    must(owner.put(`environments/${envId}/credentials/${credential.id}/access`, remaining), 200, 'credential share'),
    ...names
      .filter((n) => CALLERS[n]?.then === 'deactivated')
      .map((n) => must(admin.delete(`environments/${envId}/members/${(clients[n] as ApiClient).userId}`), 204, 'deactivate')),
  ]);
  w = {
    envId,
    imageId: image.id,
    groupId: group.id,
    credentialId: credential.id,
    flowId: flow.id,
    connectionId: connection.id,
    queuedRunId: queued.id,
    endedRunId: ended.id,
    targetUserId: target.userId,
  };
}, 90_000);

describe('roles × routes (PRODUCT.md roles table, turn 2 "Access")', () => {
  it('probes every user route of the table', () => {
    const userRoutes = apiRoutes.filter((r) => r.auth === 'user').map((r) => r.name);
    expect(userRoutes.filter((name) => !(name in PROBES))).toEqual([]);
    expect(Object.keys(PROBES).filter((name) => !userRoutes.includes(name))).toEqual([]);
  });

  // the rows change nothing another row reads: they run side by side
  it.concurrent.for(Object.keys(CALLERS))('%s', async (name, { expect }) => {
    const caller = CALLERS[name] as Caller;
    const client = clients[name] as ApiClient;
    const actual: Record<string, Verdict | string> = {};
    for (const [route, probe] of Object.entries(PROBES)) actual[route] = verdictOf(await probe.request(client, { connectionId: ownConnections[name] }), probe);
    expect(actual).toEqual(expectedVerdicts(caller, name === 'SystemAdministrator'));
  });
});
