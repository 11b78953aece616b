import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';

export interface AzuriteInstance {
  blobPort: number;
  queuePort: number;
  tablePort: number;
  /** a connection string for the storage SDKs and `AzureWebJobsStorage` */
  connectionString: string;
  stop(): Promise<void>;
}

// The well-known development account every Azurite instance serves; it is public, not a secret.
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

function listenOnAnyPort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** `count` distinct free ports: all are held open at once, so the system cannot hand the same one out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listenOnAnyPort()));
  const ports = servers.map((server) => {
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no port');
  return port;
}

class AzuriteStartError extends Error {
  constructor(
    message: string,
    readonly portTaken: boolean,
  ) {
    super(message);
  }
}

/** Spawns Azurite on the given ports and waits until it listens; the error says whether a port was taken meanwhile. */
async function launch(blobPort: number, queuePort: number, tablePort: number): Promise<ChildProcess> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('azurite/dist/src/azurite.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      main,
      '--inMemoryPersistence',
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(blobPort),
      '--queueHost',
      '127.0.0.1',
      '--queuePort',
      String(queuePort),
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(tablePort),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AzuriteStartError(`Azurite did not start within 20 s: ${output.slice(-500)}`, false)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Table service is successfully listening/i.test(output) && /Blob service is successfully listening/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new AzuriteStartError(`Azurite exited with code ${code}: ${output.slice(-500)}`, /EADDRINUSE/.test(output)));
    });
  });
  return child;
}

/**
 * Starts Azurite (blob, queue, table) as a child process with in-memory persistence. Telemetry is
 * off because it would try to reach the internet. Ports are picked free, but another process (a second local cloud
 * starting at the same time) may take one before Azurite binds it: then it starts again on new ports.
 */
export async function startAzurite(options: { log?: (line: string) => void; pickPorts?: () => Promise<number[]> } = {}): Promise<AzuriteInstance> {
  const pickPorts = options.pickPorts ?? (() => freePorts(3));
  for (let attempt = 1; ; attempt++) {
    const [blobPort = 0, queuePort = 0, tablePort = 0] = await pickPorts();
    try {
      const child = await launch(blobPort, queuePort, tablePort);
      return running(child, blobPort, queuePort, tablePort, options.log);
    } catch (err) {
      if (!(err instanceof AzuriteStartError && err.portTaken && attempt < 3)) throw err;
      options.log?.(`Azurite: a port was taken before it could bind it; starting again on other ports (${err.message.slice(0, 120)})`);
    }
  }
}

function running(child: ChildProcess, blobPort: number, queuePort: number, tablePort: number, log?: (line: string) => void): AzuriteInstance {
  // Keep draining its output so the pipe never fills and blocks the child.
  child.stdout?.on('data', (chunk: Buffer) => log?.(chunk.toString().trimEnd()));
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
    `BlobEndpoint=http://127.0.0.1:${blobPort}/${ACCOUNT};QueueEndpoint=http://127.0.0.1:${queuePort}/${ACCOUNT};` +
    `TableEndpoint=http://127.0.0.1:${tablePort}/${ACCOUNT};`;
  return {
    blobPort,
    queuePort,
    tablePort,
    connectionString,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}
