import type { IncomingMessage, ServerResponse } from 'node:http';

import { KeyVaultFault } from './key-vault-fault.js';

const MAX_BODY_BYTES = 256 * 1024;

/** Decoded path segments of the request URL, without the query (where `api-version` lives). */
export function pathSegments(request: IncomingMessage): string[] {
  try {
    return requestPath(request)
      .split('/')
      .filter((segment) => segment.length > 0)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw KeyVaultFault.badParameter('The request URI is not validly encoded');
  }
}

/** The path as sent, without the query; never throws, so it can name any request in the log. */
export function requestPath(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] ?? '/';
}

/** The query string's parameters (`api-version`, `maxresults`, `$skiptoken`). */
export function requestQuery(request: IncomingMessage): URLSearchParams {
  const url = request.url ?? '/';
  const start = url.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : url.slice(start + 1));
}

export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new KeyVaultFault(413, 'RequestEntityTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    // Never pass the parser's message on: V8 quotes the input, which holds the secret value.
    throw KeyVaultFault.badParameter('The request body is not valid JSON');
  }
}

export function sendJson(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text).toString(),
    })
    .end(text);
}
