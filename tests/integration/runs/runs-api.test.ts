import { randomUUID } from 'node:crypto';
import { ServiceBusAdministrationClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceBusDefinitions } from '../../../app/config/infra-definitions.js';
import type { AppClients } from '../../../composition/root/clients.js';
import { runPlanningRound } from '../../../app/bots/planning-round.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { finishRun } from '../../../app/runs/finish.js';
import { definitionHashOf } from '../../../domain/desktop-flow.js';
import { agentHeartbeat } from '../../../app/agent.js';
import { aBotRecord } from '../../support/maintenance-fixtures.js';
import { rawDocumentsOf } from '../../support/group-fixtures.js';
import { clientFor, localCloud, type ApiClient } from '../../support/api-client.js';
import { aDesktopFlow, markGroupDeleted, shareGroup } from '../../support/connection-fixtures.js';
import { addMember } from '../../support/fixtures.js';
import {
  aRun,
  claimAll,
  connectAndRegisterFlow,
  createRunWorld,
  inProcessServices,
  pollUntilEnded,
  queueOf,
  readRun,
  runPath,
  runsPath,
  submit,
  type Problem,
  type RunBody,
  type RunWorld,
} from '../../support/run-fixtures.js';

// Runs over HTTP on the local cloud; claims and finishes in this process through the service functions the bots'
// Durable activities call, against the same Cosmos and Service Bus (real SDKs, no mocks).

let admin: ApiClient;
let deps: AppClients;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  deps = inProcessServices();
});

afterAll(async () => {
  await deps?.queues.close();
});

/** A fresh world per test: its own environment and group, so queues never mix. */
const world = () => createRunWorld(admin);

describe('submitting and polling (asynchronous request-reply)', () => {
  it('answers 202 with Location and Retry-After, keeps answering 202 while queued and running, then 200 with outputs', async () => {
    const w = await world();
    const res = await admin.post<RunBody>(runsPath(w.envId), aRun(w, { inputs: { invoice: 'INV-1' } }));
    expect(res.status).toBe(202);
    const run = res.body;
    expect(res.headers.get('location')).toBe(`${localCloud().baseUrl}/api/${runPath(w.envId, run.id)}`);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('etag')).toBe(`"${run.etag}"`);
    expect(run).toMatchObject({
      state: 'Queued',
      priority: 'Normal',
      groupId: w.groupId,
      timeoutMinutes: 1440,
      botId: null,
      startedAt: null,
      endedAt: null,
      outputs: null,
      error: null,
    });
    expect(run.definition).toEqual(aDesktopFlow().definition);

    const queued = await readRun(w, run.id);
    expect(queued.status).toBe(202);
    expect(queued.headers.get('location')).toBe(res.headers.get('location'));
    expect(queued.headers.get('retry-after')).toBeTruthy();

    const claim = await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-1' });
    expect('run' in claim && claim.run.id).toBe(run.id);
    const running = await readRun(w, run.id);
    expect(running.status).toBe(202);
    expect(running.body).toMatchObject({ state: 'Running', botId: 'bot-1', attempt: 1 });
    expect(running.headers.get('retry-after')).toBeTruthy();

    await finishRun(deps, { environmentId: w.envId, runId: run.id, botId: 'bot-1', outcome: 'Succeeded', outputs: { invoice: '42' } });
    const done = await pollUntilEnded(w, run.id, 5_000);
    expect(done.status).toBe(200);
    expect(done.headers.get('location')).toBeNull();
    expect(done.body).toMatchObject({ state: 'Succeeded', outputs: { invoice: '42' }, error: null, botId: 'bot-1' });
    expect(Date.parse(done.body.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.body.startedAt ?? ''));
  });

  it('reports a failed run with its error, and finishing is idempotent', async () => {
    const w = await world();
    const run = await submit(w);
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-f' });
    const first = await finishRun(deps, {
      environmentId: w.envId,
      runId: run.id,
      botId: 'bot-f',
      outcome: 'Failed',
      error: { message: 'The invoice portal refused the login.' },
    });
    expect(first.changed).toBe(true);
    const again = await finishRun(deps, {
      environmentId: w.envId,
      runId: run.id,
      botId: 'bot-f',
      outcome: 'Failed',
      error: { message: 'The invoice portal refused the login.' },
    });
    expect(again.changed).toBe(false);
    expect(again.run.etag).toBe(first.run.etag);
    await expect(finishRun(deps, { environmentId: w.envId, runId: run.id, botId: 'another-bot', outcome: 'Succeeded' })).rejects.toMatchObject({
      code: 'Forbidden',
    });
    const done = await readRun(w, run.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'Failed', error: { code: 'DesktopFlowFailed', message: 'The invoice portal refused the login.' } });
  });

  it('fails a run whose outputs exceed 64 KiB with OutputsTooLarge', async () => {
    const w = await world();
    const run = await submit(w);
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-big' });
    await finishRun(deps, { environmentId: w.envId, runId: run.id, botId: 'bot-big', outcome: 'Succeeded', outputs: { blob: 'x'.repeat(70 * 1024) } });
    const done = await readRun(w, run.id);
    expect(done.body).toMatchObject({ state: 'Failed', outputs: null, error: { code: 'OutputsTooLarge' } });
  });

  it('keeps the definition the run was submitted with when the flow changes afterwards', async () => {
    const w = await world();
    const run = await submit(w);
    const changed = { name: 'Post invoices', definition: { steps: [{ fail: { message: 'changed after submission' } }] } };
    expect((await admin.put(`environments/${w.envId}/desktop-flows/${w.flowId}`, changed)).status).toBe(200);
    expect((await readRun(w, run.id)).body.definition).toEqual(aDesktopFlow().definition);
  });
});

describe('desktop flow versions (a run references the version it was submitted with, no copy per run)', () => {
  const flowPath = (w: RunWorld) => `environments/${w.envId}/desktop-flows/${w.flowId}`;

  it('stores the version and its hash on the run, not the definition: a large flow costs its runs nothing', async () => {
    const w = await world();
    // close to the 1 MiB body limit: 500 steps of 1.9 KiB
    const large = {
      name: 'Large flow',
      definition: { steps: Array.from({ length: 500 }, (_, i) => ({ output: { name: `o${i}`, value: 'x'.repeat(1900) } })) },
    };
    expect((await admin.put(flowPath(w), large)).status).toBe(200);
    const runs = [await submit(w), await submit(w), await submit(w)];
    expect(runs.map((r) => r.desktopFlowVersion)).toEqual([2, 2, 2]);
    const stored = (await rawDocumentsOf(w.envId, 'runs')).filter((d) => d.type === 'run');
    expect(stored).toHaveLength(3);
    for (const doc of stored) {
      expect(doc).toMatchObject({ desktopFlowId: w.flowId, desktopFlowVersion: 2, definitionHash: definitionHashOf(large.definition) });
      expect(doc).not.toHaveProperty('definition');
      expect(JSON.stringify(doc).length).toBeLessThan(4_096);
    }
    // the definition is served from the version document
    expect((await readRun(w, runs[0]?.id ?? '')).body.definition).toEqual(large.definition);
  });

  it('makes a version per definition: a replace with new steps is the next version, a rename is not; each run reads its own', async () => {
    const w = await world();
    const first = await submit(w);
    const v2 = { name: 'Post invoices', definition: { steps: [{ output: { name: 'v', value: '2' } }] } };
    expect((await admin.put<{ version: number }>(flowPath(w), v2)).body.version).toBe(2);
    const second = await submit(w);
    expect((await admin.put<{ version: number }>(flowPath(w), { ...v2, name: 'Renamed' })).body.version).toBe(2);
    expect(first).toMatchObject({ desktopFlowVersion: 1, definition: aDesktopFlow().definition });
    expect(second).toMatchObject({ desktopFlowVersion: 2, definition: v2.definition });
    expect((await readRun(w, first.id)).body).toMatchObject({ desktopFlowVersion: 1, definition: aDesktopFlow().definition });
    const versions = (await rawDocumentsOf(w.envId, 'control')).filter((d) => d.type === 'desktopFlowVersion');
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
  });

  it('keeps the versions when the flow is deleted: a queued run is still read, claimed and handed to its bot with its definition', async () => {
    const w = await world();
    const run = await submit(w);
    expect((await admin.delete(flowPath(w))).status).toBe(204);
    expect((await admin.get(flowPath(w))).status).toBe(404);
    expect((await readRun(w, run.id)).body.definition).toEqual(aDesktopFlow().definition);

    const botId = randomUUID();
    const claim = await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId });
    expect('run' in claim && claim.run.id).toBe(run.id);
    await aBotRecord(deps, w.envId, w.groupId, 'Busy', { id: botId, currentRunId: run.id });
    const identity = { environmentId: w.envId, groupId: w.groupId, botId, credentialVersion: 1 };
    // the agent gets the definition until it reports the run as the one it executes
    expect((await agentHeartbeat(deps, identity, undefined)).assignedRun).toMatchObject({ runId: run.id, definition: aDesktopFlow().definition });
    const executing = await agentHeartbeat(deps, identity, run.id);
    expect(executing.assignedRun).toMatchObject({ runId: run.id });
    expect(executing.assignedRun).not.toHaveProperty('definition');
  });
});

describe('dispatch order', () => {
  it('dispatches High before Normal and first come first served within a priority', async () => {
    const w = await world();
    const n1 = await submit(w, { priority: 'Normal' });
    const h1 = await submit(w, { priority: 'High' });
    const n2 = await submit(w, { priority: 'Normal' });
    const h2 = await submit(w, { priority: 'High' });
    const view = await queueOf(w);
    expect(view.items.map((r) => r.id)).toEqual([h1.id, h2.id, n1.id, n2.id]);
    expect(view.items.map((r) => r.position)).toEqual([1, 2, 3, 4]);
    expect(view.items.every((r) => typeof r.waitSeconds === 'number' && r.waitSeconds >= 0)).toBe(true);
    expect(await claimAll(deps, w, 'order')).toEqual([h1.id, h2.id, n1.id, n2.id]);
  });

  it('moves a run to the top and changes priorities, although the queue messages stay where they are', async () => {
    const w = await world();
    const [a, b, c, d] = [await submit(w), await submit(w), await submit(w), await submit(w, { priority: 'High' })];
    if (!a || !b || !c || !d) throw new Error('submissions missing');
    const moved = await admin.post<RunBody>(`${runPath(w.envId, c.id)}/move-to-top`);
    expect(moved.status).toBe(200);
    expect(moved.body.movedToTopAt).toBeTruthy();
    const raised = await admin.patch<RunBody>(runPath(w.envId, b.id), { priority: 'High' }, { 'if-match': b.etag });
    expect(raised.status).toBe(200);
    expect(raised.body.priority).toBe('High');
    const stale = await admin.patch<Problem>(runPath(w.envId, b.id), { priority: 'Normal' }, { 'if-match': b.etag });
    expect(stale.status).toBe(412);
    // c (moved), then High by time queued: b (queued before d), d; then a
    expect((await queueOf(w)).items.map((r) => r.id)).toEqual([c.id, b.id, d.id, a.id]);
    const lowered = await admin.patch<RunBody>(runPath(w.envId, d.id), { priority: 'Normal' });
    expect(lowered.status).toBe(200);
    expect(await claimAll(deps, w, 'reorder')).toEqual([c.id, b.id, a.id, d.id]);
    // only queued runs move
    const late = await admin.post<Problem>(`${runPath(w.envId, a.id)}/move-to-top`);
    expect(late.status).toBe(422);
    expect(late.body.reason).toBe('RunNotQueued');
  });

  it('lists running runs first in the queue view, pages it with positions, and counts runs in the group views', async () => {
    const w = await world();
    const runs = [await submit(w), await submit(w), await submit(w)];
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-v' });
    const first = await queueOf(w, '?pageSize=2');
    expect(first.items.map((r) => [r.id, r.state, r.position])).toEqual([
      [runs[0]?.id, 'Running', 1],
      [runs[1]?.id, 'Queued', 2],
    ]);
    expect(first.continuationToken).toBeTruthy();
    const second = await queueOf(w, `?pageSize=2&continuationToken=${encodeURIComponent(first.continuationToken ?? '')}`);
    expect(second.items.map((r) => [r.id, r.position])).toEqual([[runs[2]?.id, 3]]);
    expect(second.continuationToken).toBeUndefined();
    expect((await admin.get(`environments/${w.envId}/groups/${w.groupId}/queue?continuationToken=garbage`)).status).toBe(400);

    const group = await admin.get<{ runningCount: number; queuedCount: number }>(`environments/${w.envId}/groups/${w.groupId}`);
    expect(group.body).toMatchObject({ runningCount: 1, queuedCount: 2 });
    const list = await admin.get<{ items: Array<{ id: string; runningCount: number; queuedCount: number }> }>(`environments/${w.envId}/groups`);
    expect(list.body.items.find((g) => g.id === w.groupId)).toMatchObject({ runningCount: 1, queuedCount: 2 });
  });
});

describe('why runs wait', () => {
  it('the queue view carries the controller’s latest decision about the group, the same as .../scaling', async () => {
    const w = await world(); // capacity 0: no bot can ever be created for it
    expect((await admin.get<Record<string, unknown>>(`environments/${w.envId}/groups/${w.groupId}/queue`)).body).not.toHaveProperty('lastScalingDecision');
    await submit(w);
    await runPlanningRound(deps, w.envId, async (envId, groupId) => (await deps.runs.queries.nextQueued(envId, groupId, 1))[0]?.queuedAt);
    const queue = await admin.get<{ lastScalingDecision?: { action: string; reason: string; detail: string } }>(
      `environments/${w.envId}/groups/${w.groupId}/queue`,
    );
    expect(queue.body.lastScalingDecision).toMatchObject({ action: 'none', reason: 'environment-capacity-exhausted', detail: expect.any(String) });
    const scaling = await admin.get<{ items: unknown[] }>(`environments/${w.envId}/groups/${w.groupId}/scaling`);
    expect(queue.body.lastScalingDecision).toEqual(scaling.body.items[0]);
  });
});

describe('cancelling', () => {
  it('never dispatches a run cancelled while queued: its message is discarded at claim', async () => {
    const w = await world();
    const a = await submit(w);
    const b = await submit(w);
    const cancelled = await admin.post<RunBody>(`${runPath(w.envId, a.id)}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'Cancelled', error: { code: 'Cancelled' } });
    expect((await admin.post(`${runPath(w.envId, a.id)}/cancel`)).status).toBe(200);
    // two messages, one queued run: the second claim finds nothing
    expect(await claimAll(deps, w, 'cancel')).toEqual([b.id]);
    expect((await readRun(w, a.id)).status).toBe(200);
    expect(await deps.queues.depth(w.groupId)).toBe(0);
  });

  it('tells the bot to stop a running run (cancelRequested), which its bot then finishes as Cancelled', async () => {
    const w = await world();
    const run = await submit(w);
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-c' });
    const res = await admin.post<RunBody>(`${runPath(w.envId, run.id)}/cancel`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'Running', cancelRequested: true });
    await finishRun(deps, { environmentId: w.envId, runId: run.id, botId: 'bot-c', outcome: 'Cancelled' });
    expect((await readRun(w, run.id)).body).toMatchObject({ state: 'Cancelled', cancelRequested: true });
    const ended = await admin.post<Problem>(`${runPath(w.envId, run.id)}/cancel`);
    expect(ended.status).toBe(200);
    const other = await submit(w);
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-d' });
    await finishRun(deps, { environmentId: w.envId, runId: other.id, botId: 'bot-d', outcome: 'Succeeded' });
    const late = await admin.post<Problem>(`${runPath(w.envId, other.id)}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body.reason).toBe('RunAlreadyEnded');
  });

  it('ends a run Cancelled once its cancel was accepted (202), even when its bot then reports Succeeded', async () => {
    const w = await world();
    const run = await submit(w);
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-e' });
    expect((await admin.post<RunBody>(`${runPath(w.envId, run.id)}/cancel`)).status).toBe(202);
    // the bot had not seen the cancel yet: its flow ran to the end
    await finishRun(deps, { environmentId: w.envId, runId: run.id, botId: 'bot-e', outcome: 'Succeeded', outputs: { invoice: '42' } });
    expect((await readRun(w, run.id)).body).toMatchObject({ state: 'Cancelled', error: { code: 'Cancelled' } });
  });
});

describe('idempotent submission', () => {
  it('answers the first run for the same key and body, 422 for another body, and scopes keys per caller', async () => {
    const w = await world();
    const body = aRun(w, { inputs: { invoice: 'INV-77' } });
    const first = await admin.post<RunBody>(runsPath(w.envId), body, { 'idempotency-key': 'flow-run-77' });
    const second = await admin.post<RunBody>(runsPath(w.envId), { ...body, priority: 'Normal' }, { 'idempotency-key': 'flow-run-77' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    const other = await admin.post<Problem>(runsPath(w.envId), { ...body, inputs: { invoice: 'INV-78' } }, { 'idempotency-key': 'flow-run-77' });
    expect(other.status).toBe(422);
    expect(other.body.reason).toBe('IdempotencyKeyReused');
    const fresh = await admin.post<RunBody>(runsPath(w.envId), body, { 'idempotency-key': 'flow-run-78' });
    expect(fresh.body.id).not.toBe(first.body.id);
    // the replay re-sent a wake-up: still one run, and the extra message is discarded at claim
    expect(await claimAll(deps, w, 'idem')).toEqual([first.body.id, fresh.body.id]);
  });

  it('makes one run of concurrent submissions with one key', async () => {
    const w = await world();
    const body = aRun(w);
    const results = await Promise.all(Array.from({ length: 6 }, () => admin.post<RunBody>(runsPath(w.envId), body, { 'idempotency-key': 'burst' })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(202));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await queueOf(w)).items).toHaveLength(1);
  });

  it('refuses keys that are not 1..128 printable ASCII characters', async () => {
    const w = await world();
    for (const key of ['x'.repeat(129), 'tab\there', 'é']) {
      const res = await admin.post<Problem>(runsPath(w.envId), aRun(w), { 'idempotency-key': key });
      expect(res.status, key).toBe(400);
      expect(res.body.errors?.[0]?.field).toBe('Idempotency-Key');
    }
    expect((await admin.post(runsPath(w.envId), aRun(w), { 'idempotency-key': 'x'.repeat(128) })).status).toBe(202);
  });
});

describe('refusals', () => {
  let w: RunWorld;
  beforeAll(async () => {
    w = await world();
  });

  it('validates the body: GUIDs, priority, timeoutMinutes 1..1440, inputs up to 64 KiB, no unknown fields', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ connectionId: 'nope' }, 'connectionId'],
      [{ priority: 'Urgent' }, 'priority'],
      [{ timeoutMinutes: 0 }, 'timeoutMinutes'],
      [{ timeoutMinutes: 1441 }, 'timeoutMinutes'],
      [{ inputs: { blob: 'x'.repeat(64 * 1024) } }, 'inputs'],
      [{ botId: 'me' }, 'botId'],
    ];
    for (const [overrides, field] of cases) {
      const res = await admin.post<Problem>(runsPath(w.envId), aRun(w, overrides));
      expect(res.status, JSON.stringify(overrides).slice(0, 80)).toBe(400);
      expect(
        res.body.errors?.some((e) => e.field === field),
        JSON.stringify(res.body.errors),
      ).toBe(true);
    }
    expect((await admin.post(runsPath(w.envId), aRun(w, { timeoutMinutes: 1, inputs: { blob: 'x'.repeat(60 * 1024) } }))).status).toBe(202);
  });

  it('refuses a connection or desktop flow that does not exist (404)', async () => {
    const missing = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
    expect((await admin.post<Problem>(runsPath(w.envId), aRun(w, { connectionId: missing }))).status).toBe(404);
    expect((await admin.post<Problem>(runsPath(w.envId), aRun(w, { desktopFlowId: missing }))).status).toBe(404);
  });

  it("refuses a connection the caller does not own (403), DesktopFlowsMachineImageAdmin even on its own, and lets an owner's User share read but not cancel", async () => {
    const maker = await clientFor();
    await addMember(admin, w.envId, maker, ['EnvironmentMaker']);
    expect((await maker.post<Problem>(runsPath(w.envId), aRun(w))).status).toBe(403);

    await shareGroup(admin, w.envId, w.groupId, [{ userId: maker.userId, permission: 'User' }]);
    const own = await connectAndRegisterFlow(maker, w.envId, w.groupId);
    const mine = await maker.post<RunBody>(runsPath(w.envId), aRun(own));
    expect(mine.status).toBe(202);
    // the admin's run: the maker may read it (use access to the group) but not control it
    const adminRun = await submit(w);
    expect((await maker.get(runPath(w.envId, adminRun.id))).status).toBe(202);
    expect((await maker.post<Problem>(`${runPath(w.envId, adminRun.id)}/cancel`)).status).toBe(403);
    expect((await maker.patch<Problem>(runPath(w.envId, adminRun.id), { priority: 'High' })).status).toBe(403);
    // the submitter controls their own run; the group owner (here a SystemAdministrator) too
    expect((await maker.patch<RunBody>(runPath(w.envId, mine.body.id), { priority: 'High' })).status).toBe(200);
    expect((await admin.post<RunBody>(`${runPath(w.envId, mine.body.id)}/move-to-top`)).status).toBe(200);

    // a CoOwner of the group controls every run of it
    const coOwner = await clientFor();
    await addMember(admin, w.envId, coOwner, ['BasicUser']);
    await shareGroup(admin, w.envId, w.groupId, [
      { userId: maker.userId, permission: 'User' },
      { userId: coOwner.userId, permission: 'CoOwner' },
    ]);
    expect((await coOwner.patch<RunBody>(runPath(w.envId, adminRun.id), { priority: 'High' })).status).toBe(200);
    expect((await coOwner.post<RunBody>(`${runPath(w.envId, mine.body.id)}/cancel`)).status).toBe(200);

    const stranger = await clientFor();
    await addMember(admin, w.envId, stranger, ['BasicUser']);
    expect((await stranger.get(runPath(w.envId, adminRun.id))).status).toBe(404);
    expect((await stranger.get(`environments/${w.envId}/groups/${w.groupId}/queue`)).status).toBe(404);
    const outsider = await clientFor();
    expect((await outsider.get(runPath(w.envId, adminRun.id))).status).toBe(404);
  });

  it('refuses while hostedRpaEnabled is off (422 HostedRpaDisabled), and a claim answers none', async () => {
    const v = await world();
    const env = await admin.get<{ etag: string }>(`environments/${v.envId}`);
    expect((await admin.patch(`environments/${v.envId}`, { hostedRpaEnabled: false }, { 'if-match': env.body.etag })).status).toBe(200);
    const res = await admin.post<Problem>(runsPath(v.envId), aRun(v));
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('HostedRpaDisabled');
    expect(await claimNextRun(deps, { environmentId: v.envId, groupId: v.groupId, botId: 'b' })).toEqual({ none: 'HostedRpaDisabled' });
  });

  it('refuses runs on a group the inactivity timer marked deleted (422 GroupDeleted)', async () => {
    const v = await world();
    await markGroupDeleted(v.envId, v.groupId);
    const res = await admin.post<Problem>(runsPath(v.envId), aRun(v));
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('GroupDeleted');
  });
});

describe('group lifecycle', () => {
  it("creates the group's queue with the properties of infra/definitions/service-bus.json", async () => {
    const w = await world();
    const { settings, caCert } = localCloud();
    const admin = new ServiceBusAdministrationClient(settings.SERVICEBUS_CONNECTION_STRING ?? '', { tlsOptions: { ca: caCert } });
    const { namePrefix, ...properties } = serviceBusDefinitions.groupQueue;
    expect(await admin.getQueue(`${namePrefix}${w.groupId}`)).toMatchObject(properties);
  });

  it('holds runs of a group in maintenance: accepted, not dispatched until maintenance ends', async () => {
    const w = await world();
    const run = await submit(w);
    const group = await admin.get<{ etag: string }>(`environments/${w.envId}/groups/${w.groupId}`);
    const on = await admin.patch<{ etag: string }>(`environments/${w.envId}/groups/${w.groupId}`, { maintenance: true }, { 'if-match': group.body.etag });
    expect(await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'm' })).toEqual({ none: 'GroupInMaintenance' });
    await admin.patch(`environments/${w.envId}/groups/${w.groupId}`, { maintenance: false }, { 'if-match': on.body.etag });
    expect(await claimAll(deps, w, 'maint')).toEqual([run.id]);
  });

  it('deleting a group cancels its queued runs, deletes its queue, and its runs stay readable', async () => {
    const w = await world();
    const queued = await submit(w);
    const running = await submit(w);
    await admin.post(`${runPath(w.envId, running.id)}/move-to-top`);
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-del' });
    expect((await admin.delete(`environments/${w.envId}/groups/${w.groupId}`)).status).toBe(204);
    expect((await readRun(w, queued.id)).body).toMatchObject({ state: 'Cancelled', error: { code: 'GroupDeleted' } });
    expect((await readRun(w, running.id)).body.state).toBe('Running');
    await expect(deps.queues.depth(w.groupId)).rejects.toMatchObject({ name: 'QueueNotFoundError' });
    const res = await admin.post<Problem>(runsPath(w.envId), aRun(w));
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('GroupDeleted');
  });

  it("lists a group's past runs newest first, paged", async () => {
    const w = await world();
    const runs = [await submit(w), await submit(w), await submit(w)];
    for (const run of runs) {
      const claim = await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: `past-${run.id}` });
      if (!('run' in claim)) throw new Error('nothing claimed');
      await finishRun(deps, { environmentId: w.envId, runId: claim.run.id, botId: `past-${run.id}`, outcome: 'Succeeded' });
    }
    const cancelled = await submit(w);
    await admin.post(`${runPath(w.envId, cancelled.id)}/cancel`);
    await submit(w); // still queued: not a past run
    const page1 = await admin.get<{ items: RunBody[]; continuationToken?: string }>(`environments/${w.envId}/groups/${w.groupId}/runs?pageSize=3`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((r) => r.id)).toEqual([cancelled.id, runs[2]?.id, runs[1]?.id]);
    expect(page1.body.items[0]).not.toHaveProperty('inputs');
    const page2 = await admin.get<{ items: RunBody[]; continuationToken?: string }>(
      `environments/${w.envId}/groups/${w.groupId}/runs?pageSize=3&continuationToken=${encodeURIComponent(page1.body.continuationToken ?? '')}`,
    );
    expect(page2.body.items.map((r) => r.id)).toEqual([runs[0]?.id]);
    expect(page2.body.continuationToken).toBeUndefined();
    expect((await admin.get(`environments/${w.envId}/groups/${w.groupId}/runs?pageSize=201`)).status).toBe(400);
  });
});
