import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';

import { challengeHeader, DEFAULT_LOCAL_TENANT_ID, hasBearerToken } from './challenge.js';
import { EncryptedDataFile } from './encrypted-data-file.js';
import { pathSegments, readJsonBody, requestPath, requestQuery, sendJson } from './http-io.js';
import { KeyVaultFault } from './key-vault-fault.js';
import { routeKeyVaultRequest } from './key-vault-routes.js';
import { errorBody } from './key-vault-wire.js';
import { SecretVault } from './secret-vault.js';

export interface KeyVaultPeerOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  tls: { key: string | Buffer; cert: string | Buffer };
  /** Where the secrets live between runs, encrypted; created on the first change. */
  dataFile: string;
  /** 32 bytes for AES-256-GCM; a peer given another key than the file's refuses to start. */
  encryptionKey: Buffer;
  /** Tenant named in the 401 challenge; the local credential ignores it. */
  tenantId?: string;
  log?: (entry: KeyVaultPeerLogEntry) => void;
}

/** One line per request; carries names and statuses, never a value. */
export interface KeyVaultPeerLogEntry {
  method: string;
  path: string;
  status: number;
  /** False for the SDK's first, token-less request that earns the challenge. */
  authenticated: boolean;
  error?: string;
}

export interface KeyVaultPeer {
  port: number;
  /** `https://<host>:<port>`, the SecretClient's vault URL. */
  vaultUrl: string;
  close(): Promise<void>;
}

/** An HTTPS stand-in for Azure Key Vault's secrets API, for the real SecretClient of the local cloud. */
export async function startKeyVaultPeer(options: KeyVaultPeerOptions): Promise<KeyVaultPeer> {
  const vault = await SecretVault.open(new EncryptedDataFile(options.dataFile, options.encryptionKey));
  const host = options.host ?? '127.0.0.1';
  const challenge = challengeHeader(options.tenantId ?? DEFAULT_LOCAL_TENANT_ID);
  const log = options.log ?? (() => undefined);
  let vaultUrl = '';

  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (request, response) => {
    // A failure after the answer started (a throwing log callback, say) must not become an unhandled rejection.
    serve(request, response).catch(() => response.destroy());
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const entry = { method, path: requestPath(request), authenticated: hasBearerToken(request) };
    if (!entry.authenticated) {
      request.resume();
      sendJson(response, 401, errorBody('Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.'), {
        'www-authenticate': challenge,
      });
      log({ ...entry, status: 401 });
      return;
    }
    try {
      const segments = pathSegments(request);
      const result = await routeKeyVaultRequest(vault, vaultUrl, {
        method,
        segments,
        query: requestQuery(request),
        readJsonBody: () => readJsonBody(request),
      });
      sendJson(response, result.status, result.body);
      log({ ...entry, status: result.status });
    } catch (error) {
      const fault = error instanceof KeyVaultFault ? error : new KeyVaultFault(500, 'InternalError', 'The local Key Vault peer failed to handle the request');
      sendJson(response, fault.status, errorBody(fault.code, fault.message), fault.headers);
      log({ ...entry, status: fault.status, error: error instanceof Error ? error.message : String(error) });
    }
  }

  const port = await listen(server, host, options.port ?? 0);
  vaultUrl = `https://${urlHost(host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    port,
    vaultUrl,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        // Changes already accepted reach the disk before the last connections go.
        void vault.settled().then(() => server.closeAllConnections());
      });
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (typeof address === 'object' && address !== null) {
        resolve(address.port);
      } else {
        reject(new Error(`the local Key Vault peer is not listening on a TCP port (${String(address)})`));
      }
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') {
    return 'localhost';
  }
  return host.includes(':') ? `[${host}]` : host;
}
