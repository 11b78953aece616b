import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/stack/local-cloud.js';
import type { AppClients } from '../../composition/root/clients.js';
import { cancelRun } from '../../app/runs/control.js';
import type { ApiClient } from '../support/api-client.js';
import { createRunWorld, inProcessServices, readRun, runPath, submit, type RunWorld } from '../support/run-fixtures.js';
import { MAINTENANCE_TIMERS_OFF } from '../support/timer-schedules.js';
import { startE2eCloud, until } from './e2e-world.js';

// Run callbacks end to end (issue 21): a receiver on loopback, the real host, Durable engine, Cosmos and Key Vault
// peers. Runs stay queued (capacity 0) and end by cancel. Retries start 1 s apart (CALLBACK_RETRY_BASE_SECONDS); the
// callback sweep never fires on its own here: tests fire it through the admin route.

interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
}
type Answer = number | 'hang';
type Callback = { state: string; attempts: number; lastStatus: number | null; lastAttemptAt: string | null; target: string };

/** A receiver on 127.0.0.1 that answers each path's deliveries with its script in turn (then 200). */
class Receiver {
  readonly deliveries = new Map<string, Delivery[]>();
  readonly scripts = new Map<string, Answer[]>();
  readonly #hanging: ServerResponse[] = [];
  #server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const list = this.deliveries.get(path) ?? [];
        list.push({ headers: req.headers, body: Buffer.concat(chunks) });
        this.deliveries.set(path, list);
        const answer = this.scripts.get(path)?.shift() ?? 200;
        if (answer === 'hang') {
          this.#hanging.push(res);
          return;
        }
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server?.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  received(path: string): Delivery[] {
    return this.deliveries.get(path) ?? [];
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

let cloud: LocalCloud;
let admin: ApiClient;
let deps: AppClients;
let w: RunWorld;
const receiver = new Receiver();

beforeAll(async () => {
  ({ cloud, admin } = await startE2eCloud({ ...MAINTENANCE_TIMERS_OFF, CALLBACK_RETRY_BASE_SECONDS: '1', CONTROLLER_INTERVAL_SECONDS: '3600' }));
  deps = inProcessServices(cloud.settings);
  await receiver.start();
  w = await createRunWorld(admin);
}, 120_000);

afterAll(async () => {
  await receiver.stop();
  await deps?.queues.close();
  await cloud?.stop();
});

const secretOf = async () => (await admin.get<{ secret: string }>(`environments/${w.envId}/webhook-secret`)).body.secret;
const sign = (secret: string, body: Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const callbackOf = async (runId: string) => ((await readRun(w, runId)).body as unknown as { callback: Callback }).callback;
const settled = (runId: string) =>
  until(
    `run ${runId}'s callback to settle`,
    async () => {
      const callback = await callbackOf(runId);
      return callback.state === 'Pending' ? undefined : callback;
    },
    90_000,
    250,
  );

async function fireCallbackSweep(): Promise<void> {
  const res = await fetch(`${cloud.baseUrl}/admin/functions/callbackSweep?wait=true`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(200);
}

async function submitAndCancel(path: string): Promise<string> {
  const run = await submit(w, { callbackUrl: receiver.url(path) });
  expect((await admin.post(`${runPath(w.envId, run.id)}/cancel`)).status).toBe(200);
  return run.id;
}

describe('run callbacks', () => {
  it("POSTs the ended run's representation, signed with the environment's secret", async () => {
    const secret = await secretOf();
    const runId = await submitAndCancel('/signed?sig=abc');
    const callback = await settled(runId);
    expect(callback).toMatchObject({ state: 'Delivered', attempts: 1, lastStatus: 200, target: receiver.url('/signed') });

    const [delivery] = receiver.received('/signed?sig=abc');
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-signature']).toBe(sign(secret, delivery.body));
    expect(delivery.headers['x-run-id']).toBe(runId);
    expect(delivery.headers['x-delivery-id']).toBe(`${runId}.1`);
    expect(Number.isNaN(Date.parse(String(delivery.headers['x-timestamp'])))).toBe(false);
    const body = JSON.parse(delivery.body.toString('utf8')) as Record<string, unknown>;
    const current = (await readRun(w, runId)).body as unknown as Record<string, unknown>;
    // the same representation as GET .../runs/{id}, as it was when delivered (the callback's own state moved on since)
    expect({ ...body, etag: undefined, callback: undefined, updatedAt: undefined }).toEqual({
      ...current,
      etag: undefined,
      callback: undefined,
      updatedAt: undefined,
    });
    expect(body.state).toBe('Cancelled');
  });

  it('retries a receiver that fails (500 twice), with the rotated secret, and shows the attempts on the run', async () => {
    const old = await secretOf();
    const rotated = (await admin.post<{ secret: string }>(`environments/${w.envId}/webhook-secret`)).body.secret;
    receiver.scripts.set('/flaky', [500, 500]);
    const runId = await submitAndCancel('/flaky');
    const callback = await settled(runId);
    expect(callback).toMatchObject({ state: 'Delivered', attempts: 3, lastStatus: 200 });
    const deliveries = receiver.received('/flaky');
    expect(deliveries.map((d) => d.headers['x-delivery-attempt'])).toEqual(['1', '2', '3']);
    for (const d of deliveries) {
      expect(d.headers['x-signature']).toBe(sign(rotated, d.body));
      expect(d.headers['x-signature']).not.toBe(sign(old, d.body));
    }
  });

  it('a subscription to a run that has ended already is delivered at once', async () => {
    const run = await submit(w);
    expect((await admin.post(`${runPath(w.envId, run.id)}/cancel`)).status).toBe(200);
    expect((await admin.post(`${runPath(w.envId, run.id)}/callback`, { callbackUrl: receiver.url('/late') })).status).toBe(201);
    expect(await settled(run.id)).toMatchObject({ state: 'Delivered', attempts: 1 });
    expect(JSON.parse(receiver.received('/late')[0]?.body.toString('utf8') ?? '{}')).toMatchObject({ id: run.id, state: 'Cancelled' });
  });

  it('410 Gone unsubscribes the run: no further attempt', async () => {
    receiver.scripts.set('/gone', [410]);
    const runId = await submitAndCancel('/gone');
    expect(await settled(runId)).toMatchObject({ state: 'Unsubscribed', attempts: 1, lastStatus: 410 });
    expect(receiver.received('/gone')).toHaveLength(1);
  });

  it('a run ended by a host that died before starting the delivery is delivered by the callback sweep', async () => {
    const run = await submit(w, { callbackUrl: receiver.url('/swept') });
    // the end written as the API would, without the API's start of the delivery (the host "died" right after)
    const principal = { userId: admin.userId, name: 'admin', platformAdmin: true, isApp: false };
    await cancelRun(deps, principal, w.envId, run.id);
    expect((await callbackOf(run.id)).state).toBe('Pending');
    await fireCallbackSweep();
    expect(await settled(run.id)).toMatchObject({ state: 'Delivered', attempts: 1 });
    expect(receiver.received('/swept')).toHaveLength(1);
  });

  it('the host killed during a delivery: the callback still arrives after the restart', async () => {
    receiver.scripts.set('/restart', ['hang']);
    const runId = await submitAndCancel('/restart');
    await until('the first attempt to reach the receiver', async () => (receiver.received('/restart').length >= 1 ? true : undefined), 60_000);
    await cloud.host.restart('SIGKILL');
    // the delivery's orchestration resumes where it was; the sweep (fired as its schedule would) repairs anything else
    await fireCallbackSweep();
    expect(await settled(runId)).toMatchObject({ state: 'Delivered', lastStatus: 200 });
    const deliveries = receiver.received('/restart');
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    const secret = await secretOf();
    expect(deliveries.at(-1)?.headers['x-signature']).toBe(sign(secret, deliveries.at(-1)?.body ?? Buffer.alloc(0)));
  });
});
