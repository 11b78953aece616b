import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import { clientFor, localCloud } from '../../support/api-client.js';
import { createGroup, groupEnvironment } from '../../support/group-fixtures.js';

/** Bot and decision records as the bot lifecycle and the controller write them (those come with the bots issue). */
async function insert(envId: string, docs: Array<Record<string, unknown>>): Promise<void> {
  const { settings } = localCloud();
  const client = new CosmosClient({ endpoint: settings.COSMOS_ENDPOINT ?? '', key: settings.COSMOS_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
  const bots = client.database('hostedrpa').container('bots');
  for (const doc of docs) await bots.items.create({ id: randomUUID(), environmentId: envId, ...doc });
  client.dispose();
}

describe('GET .../groups/{id}/bots and .../scaling', () => {
  it('lists the group’s bots and its scaling decisions newest first, paged, to those who may see the group', async () => {
    const { admin, envId, imageId } = await groupEnvironment();
    const group = await createGroup(admin, envId, imageId);
    const other = await createGroup(admin, envId, imageId);
    const now = Date.now();
    const at = (s: number) => new Date(now + s * 1000).toISOString();
    await insert(envId, [
      {
        type: 'bot',
        groupId: group.id,
        state: 'Ready',
        imageId,
        imageVersion: 'latest',
        since: at(1),
        credentialVersion: 1,
        createdAt: at(1),
        updatedAt: at(1),
      },
      {
        type: 'bot',
        groupId: group.id,
        state: 'Busy',
        imageId,
        imageVersion: 'latest',
        since: at(2),
        currentRunId: 'r1',
        credentialVersion: 1,
        createdAt: at(2),
        updatedAt: at(2),
      },
      {
        type: 'bot',
        groupId: other.id,
        state: 'Ready',
        imageId,
        imageVersion: 'latest',
        since: at(3),
        credentialVersion: 1,
        createdAt: at(3),
        updatedAt: at(3),
      },
      ...[1, 2, 3].map((i) => ({
        type: 'scalingDecision',
        groupId: group.id,
        at: at(i),
        action: 'create',
        botIds: [],
        count: i,
        reason: 'RunsWaiting',
        detail: `${i} runs waiting`,
        createdAt: at(i),
        updatedAt: at(i),
      })),
    ]);

    const bots = await admin.get<{ items: Array<{ state: string; currentRunId?: string }> }>(`environments/${envId}/groups/${group.id}/bots`);
    expect(bots.status).toBe(200);
    expect(bots.body.items.map((b) => b.state)).toEqual(['Busy', 'Ready']);
    expect(bots.body.items[0]?.currentRunId).toBe('r1');

    const first = await admin.get<{ items: Array<{ count: number }>; continuationToken?: string }>(
      `environments/${envId}/groups/${group.id}/scaling?pageSize=2`,
    );
    expect(first.body.items.map((d) => d.count)).toEqual([3, 2]);
    expect(first.body.continuationToken).toBeTruthy();
    const second = await admin.get<{ items: Array<{ count: number }>; continuationToken?: string }>(
      `environments/${envId}/groups/${group.id}/scaling?pageSize=2&continuationToken=${encodeURIComponent(first.body.continuationToken ?? '')}`,
    );
    expect(second.body.items.map((d) => d.count)).toEqual([1]);
    expect(second.body.continuationToken).toBeUndefined();

    expect((await admin.get(`environments/${envId}/groups/${group.id}/scaling?pageSize=0`)).status).toBe(400);
    const stranger = await clientFor();
    expect((await stranger.get(`environments/${envId}/groups/${group.id}/bots`)).status).toBe(404);
  });

  it('lists only the bots that exist by default, filters by state, and pages', async () => {
    const { admin, envId, imageId } = await groupEnvironment();
    const group = await createGroup(admin, envId, imageId);
    const now = Date.now();
    const at = (s: number) => new Date(now + s * 1000).toISOString();
    const states = ['Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning', 'Deleted', 'Failed', 'Deleted', 'Ready'];
    await insert(
      envId,
      states.map((state, i) => ({
        type: 'bot',
        groupId: group.id,
        state,
        imageId,
        imageVersion: 'latest',
        since: at(i),
        credentialVersion: 1,
        createdAt: at(i),
        updatedAt: at(i),
      })),
    );
    type Bots = { items: Array<{ state: string; createdAt: string }>; continuationToken?: string };
    const base = `environments/${envId}/groups/${group.id}/bots`;

    const live = await admin.get<Bots>(base);
    expect(live.status).toBe(200);
    expect(live.body.items.map((b) => b.state)).toEqual(['Ready', 'Deprovisioning', 'Draining', 'Busy', 'Ready', 'Provisioning']);
    expect(live.body.continuationToken).toBeUndefined();

    const gone = await admin.get<Bots>(`${base}?state=Deleted,Failed`);
    expect(gone.body.items.map((b) => b.state)).toEqual(['Deleted', 'Failed', 'Deleted']);
    const ready = await admin.get<Bots>(`${base}?state=Ready`);
    expect(ready.body.items.map((b) => b.state)).toEqual(['Ready', 'Ready']);

    // paged, newest first, the filter kept across pages
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page: { status: number; body: Bots } = await admin.get<Bots>(
        `${base}?state=Ready,Busy,Deleted&pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((b) => b.state));
      token = page.body.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual(['Ready', 'Deleted', 'Deleted', 'Busy', 'Ready']);

    // a token is good only for the filter it was handed out with
    const first = await admin.get<Bots>(`${base}?pageSize=2`);
    expect(first.body.continuationToken).toBeTruthy();
    const other = await admin.get<{ code: string }>(
      `${base}?state=Deleted&pageSize=2&continuationToken=${encodeURIComponent(first.body.continuationToken ?? '')}`,
    );
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('InvalidContinuationToken');

    const bad = await admin.get<{ errors: Array<{ field: string }> }>(`${base}?state=Ready,Sleeping`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['state']);
    expect((await admin.get(`${base}?state=`)).status).toBe(400);
    expect((await admin.get(`${base}?status=Ready`)).status).toBe(400);
  });
});
