import { checkSasToken, grantAllows, type AuthorizationRule } from './sas.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, queueEntry, queueFeed } from './atom.js';
import { readEntityDescription } from './atom-entry.js';
import { NotSupportedByPeerError, TOPICS_NOT_SUPPORTED } from './not-supported.js';
import { queuePropertiesFromDescription } from './queue-description.js';
import type { QueueStore } from './queue-store.js';

const ATOM_CONTENT_TYPE = 'application/atom+xml;type=entry;charset=utf-8';
const QUEUE_LIST_PATH = '$Resources/Queues';

/**
 * The queue subset of the Service Bus management REST API (Atom XML) for ServiceBusAdministrationClient:
 * create/update (PUT), get (GET), delete (DELETE), list (GET $Resources/Queues). Runtime counts are part
 * of every queue entry. The SAS token is required but its signature is not checked. Topics, subscriptions,
 * rules and anything else the peer does not implement are refused with 501 (the SDK's `NotImplemented`).
 */
export function createAdminRequestHandler(store: QueueStore, log: (line: string) => void, rules: readonly AuthorizationRule[]) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    readBody(request)
      .then((body) => authorized(request, rules) ?? route(store, request, body))
      .then(({ status, xml }) => send(response, status, xml))
      .catch((error: unknown) => {
        log(`[servicebus] admin request failed: ${error instanceof Error ? error.message : String(error)}`);
        send(response, 500, errorBody(500, 'Internal error in the local Service Bus peer.'));
      });
  };
}

interface AdminResponse {
  status: number;
  xml: string;
}

/** The management API needs a token of a rule with the Manage right that covers the path (Service Bus SAS rules). */
function authorized(request: IncomingMessage, rules: readonly AuthorizationRule[]): AdminResponse | undefined {
  const header = request.headers.authorization;
  if (!header) return failure(401, 'Missing Authorization header (a SharedAccessSignature is expected).');
  const checked = checkSasToken(header, rules, Date.now());
  if (!checked.ok) return failure(401, checked.reason);
  const path = new URL(request.url ?? '/', 'https://localhost').pathname;
  if (!grantAllows(checked.grant, path, 'Manage', Date.now())) {
    return failure(401, "Unauthorized access. 'Manage' claim(s) are required to perform this operation.");
  }
  return undefined;
}

function route(store: QueueStore, request: IncomingMessage, body: string): AdminResponse {
  if (!request.headers.authorization) return failure(401, 'Missing Authorization header (a SharedAccessSignature is expected).');
  const url = new URL(request.url ?? '/', 'https://localhost');
  const path = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const baseUrl = `https://${request.headers.host ?? 'localhost'}`;

  if (path.toLowerCase() === QUEUE_LIST_PATH.toLowerCase()) {
    if (request.method !== 'GET') return failure(405, `Method ${String(request.method)} is not supported on ${QUEUE_LIST_PATH}.`);
    const skip = Number(url.searchParams.get('$skip') ?? 0) || 0;
    const top = Number(url.searchParams.get('$top') ?? 100) || 100;
    return { status: 200, xml: queueFeed(baseUrl, store.list(), skip, top) };
  }
  const refusal = unsupportedPath(path, String(request.method));
  if (refusal) return failure(501, refusal);
  if (!path) return failure(404, 'No messaging entity at /.');

  switch (request.method) {
    case 'GET': {
      const queue = store.get(path);
      return queue ? { status: 200, xml: queueEntry(baseUrl, queue) } : failure(404, `The messaging entity '${path}' could not be found.`);
    }
    case 'PUT':
      return putQueue(store, path, body, request.headers['if-match'] === '*', baseUrl);
    case 'DELETE':
      return store.delete(path) ? { status: 200, xml: '' } : failure(404, `The messaging entity '${path}' could not be found.`);
    default:
      return failure(405, `Method ${String(request.method)} is not supported.`);
  }
}

/** Why the peer refuses a path it does not serve, or undefined for a queue name. */
function unsupportedPath(path: string, method: string): string | undefined {
  if (/^\$Resources\/Topics$/i.test(path) || /\/Subscriptions(\/|$)/i.test(path)) return TOPICS_NOT_SUPPORTED;
  if (path.startsWith('$')) return `The local Service Bus peer does not implement ${method} /${path}.`;
  if (path.includes('/')) return `Entity names with '/' are not supported by the local Service Bus peer: ${path}.`;
  return undefined;
}

function putQueue(store: QueueStore, name: string, body: string, isUpdate: boolean, baseUrl: string): AdminResponse {
  const description = readEntityDescription(body);
  if (!description) return failure(400, 'The request body is not an Atom entry with a QueueDescription.');
  if (description.kind === 'TopicDescription') return failure(501, TOPICS_NOT_SUPPORTED);
  if (description.kind !== 'QueueDescription') return failure(501, `${description.kind} entities are not supported by the local Service Bus peer.`);
  try {
    const queueProperties = queuePropertiesFromDescription(description.elements);
    if (isUpdate) {
      const queue = store.get(name);
      if (!queue) return failure(404, `The messaging entity '${name}' could not be found.`);
      queue.update(queueProperties);
      return { status: 200, xml: queueEntry(baseUrl, queue) };
    }
    const queue = store.create(name, queueProperties);
    if (!queue) return failure(409, `The messaging entity '${name}' already exists.`);
    return { status: 201, xml: queueEntry(baseUrl, queue) };
  } catch (error) {
    if (error instanceof RangeError) return failure(400, error.message);
    if (error instanceof NotSupportedByPeerError) return failure(501, error.message);
    throw error;
  }
}

function failure(status: number, detail: string): AdminResponse {
  return { status, xml: errorBody(status, detail) };
}

function send(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, xml ? { 'content-type': ATOM_CONTENT_TYPE, 'content-length': Buffer.byteLength(xml) } : { 'content-length': 0 });
  response.end(xml);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
