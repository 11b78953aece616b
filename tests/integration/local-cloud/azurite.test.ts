import net from 'node:net';
import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { freePorts, startAzurite } from '../../../local/stack/azurite.js';

describe('Azurite for the local cloud', () => {
  it('picks distinct free ports for its three services (sequential picks once handed queue and table the same port)', async () => {
    for (let i = 0; i < 50; i++) {
      const ports = await freePorts(3);
      expect(new Set(ports).size).toBe(3);
      // and each is free to bind
      for (const port of ports) {
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('starts again on other ports when one it picked was taken before it could bind it', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const address = taken.address();
    const takenPort = typeof address === 'object' && address ? address.port : 0;
    const picks: number[][] = [];
    const lines: string[] = [];
    const pickPorts = async () => {
      const ports = picks.length === 0 ? [...(await freePorts(2)), takenPort] : await freePorts(3);
      picks.push(ports);
      return ports;
    };
    try {
      const azurite = await startAzurite({ pickPorts, log: (line) => lines.push(line) });
      await azurite.stop();
      expect(picks).toHaveLength(2);
      expect(azurite.tablePort).not.toBe(takenPort);
      expect(lines.some((l) => /a port was taken/.test(l))).toBe(true);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('starts in memory and serves tables with the connection string it hands out', async () => {
    const azurite = await startAzurite();
    try {
      expect(new Set([azurite.blobPort, azurite.queuePort, azurite.tablePort]).size).toBe(3);
      const table = TableClient.fromConnectionString(azurite.connectionString, 'canary', { allowInsecureConnection: true });
      await table.createTable();
      await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
      expect((await table.getEntity<{ value: number }>('p', 'r')).value).toBe(42);
    } finally {
      await azurite.stop();
    }
  });
});
