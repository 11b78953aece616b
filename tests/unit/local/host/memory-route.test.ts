import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRoute } from '../../../../local/host/admin-routes.js';

// GET /admin/host/memory: a local-only extension of the host that the soak reads for the host's memory breakdown.

describe('the local host’s memory route', () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    const handler = memoryRoute();
    server = http.createServer((req, res) => void handler(req, res, Buffer.alloc(0)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/host/memory`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers the process’s memory usage, and after a full collection with ?gc=1', async () => {
    for (const url of [base, `${base}?gc=1`]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const usage = (await res.json()) as Record<string, number>;
      expect(usage.rss).toBeGreaterThan(0);
      expect(usage.heapUsed).toBeGreaterThan(0);
      expect(usage.heapUsed).toBeLessThanOrEqual(usage.heapTotal ?? 0);
    }
  });

  it('refuses any other method with 405', async () => {
    const res = await fetch(base, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});
