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
