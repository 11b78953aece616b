import { MAX_DURATION } from './durations.js';
import type { QueueProperties } from './queue-properties.js';
import type { Queue } from './queue-store.js';

/** Atom XML as the Service Bus management endpoint writes it (what the SDK's atomXmlHelper parses). */

const ATOM_NS = 'http://www.w3.org/2005/Atom';
const CONNECT_NS = 'http://schemas.microsoft.com/netservices/2010/10/servicebus/connect';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const COUNT_NS = 'http://schemas.microsoft.com/netservices/2011/06/servicebus';
export const API_VERSION = '2021-05';

export function queueEntry(baseUrl: string, queue: Queue): string {
  return `<?xml version="1.0" encoding="utf-8"?>${entryElement(baseUrl, queue, ` xmlns="${ATOM_NS}"`)}`;
}

export function queueFeed(baseUrl: string, queues: Queue[], skip: number, top: number): string {
  const page = queues.slice(skip, skip + top);
  const self = `${baseUrl}/$Resources/Queues?api-version=${API_VERSION}`;
  const links = [`<link rel="self" href="${escapeXml(self)}"/>`];
  if (skip + top < queues.length) {
    const next = `${baseUrl}/$Resources/Queues?%24skip=${skip + top}&%24top=${top}&api-version=${API_VERSION}`;
    links.push(`<link rel="next" href="${escapeXml(next)}"/>`);
  }
  return (
    `<?xml version="1.0" encoding="utf-8"?><feed xmlns="${ATOM_NS}"><title type="text">Queues</title>` +
    `<id>${escapeXml(self)}</id><updated>${new Date().toISOString()}</updated>${links.join('')}` +
    `${page.map((queue) => entryElement(baseUrl, queue, '')).join('')}</feed>`
  );
}

export function errorBody(code: number, detail: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Detail>${escapeXml(detail)}</Detail></Error>`;
}

/**
 * Reads the `QueueDescription` of a create/update request. Only flat elements matter here, so a small
 * scanner does instead of an XML parser. Throws RangeError for values that are not numbers/booleans.
 */
export function parseQueueDescription(xml: string): Partial<QueueProperties> & { requiresSession?: boolean } {
  const description = /<(?:\w+:)?QueueDescription\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?QueueDescription>)/.exec(xml);
  const fields = new Map<string, string>();
  for (const match of (description?.[1] ?? '').matchAll(/<(?:\w+:)?(\w+)(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?\1>/g)) {
    fields.set(match[1]!, unescapeXml(match[2]!.trim()));
  }
  const properties: Partial<QueueProperties> & { requiresSession?: boolean } = {};
  const text = (name: string): string | undefined => fields.get(name) || undefined;
  if (text('LockDuration')) properties.lockDuration = text('LockDuration');
  if (text('MaxDeliveryCount')) properties.maxDeliveryCount = integer('MaxDeliveryCount', text('MaxDeliveryCount')!);
  if (text('DefaultMessageTimeToLive')) properties.defaultMessageTimeToLive = text('DefaultMessageTimeToLive');
  if (text('DeadLetteringOnMessageExpiration')) {
    properties.deadLetteringOnMessageExpiration = boolean('DeadLetteringOnMessageExpiration', text('DeadLetteringOnMessageExpiration')!);
  }
  if (text('MaxSizeInMegabytes')) properties.maxSizeInMegabytes = integer('MaxSizeInMegabytes', text('MaxSizeInMegabytes')!);
  if (text('RequiresSession')) properties.requiresSession = boolean('RequiresSession', text('RequiresSession')!);
  return properties;
}

function entryElement(baseUrl: string, queue: Queue, namespace: string): string {
  const url = `${baseUrl}/${encodeURIComponent(queue.name)}?api-version=${API_VERSION}`;
  return (
    `<entry${namespace}><id>${escapeXml(url)}</id><title type="text">${escapeXml(queue.name)}</title>` +
    `<published>${queue.createdAt.toISOString()}</published><updated>${queue.updatedAt.toISOString()}</updated>` +
    `<author><name>local</name></author><link rel="self" href="${escapeXml(url)}"/>` +
    `<content type="application/xml">${queueDescription(queue)}</content></entry>`
  );
}

function queueDescription(queue: Queue): string {
  const s = queue.settings;
  const counts = queue.counts();
  const total = counts.active + counts.locked + counts.scheduled + counts.deadLetter;
  const element = (name: string, value: string | number | boolean): string => `<${name}>${escapeXml(String(value))}</${name}>`;
  return (
    `<QueueDescription xmlns="${CONNECT_NS}" xmlns:i="${XSI_NS}">` +
    element('LockDuration', s.lockDuration) +
    element('MaxSizeInMegabytes', s.maxSizeInMegabytes) +
    element('RequiresDuplicateDetection', false) +
    element('RequiresSession', false) +
    element('DefaultMessageTimeToLive', s.defaultMessageTimeToLive) +
    element('DeadLetteringOnMessageExpiration', s.deadLetteringOnMessageExpiration) +
    element('DuplicateDetectionHistoryTimeWindow', 'PT10M') +
    element('MaxDeliveryCount', s.maxDeliveryCount) +
    element('EnableBatchedOperations', true) +
    element('SizeInBytes', 0) +
    element('MessageCount', total) +
    element('IsAnonymousAccessible', false) +
    '<AuthorizationRules/>' +
    element('Status', 'Active') +
    element('CreatedAt', queue.createdAt.toISOString()) +
    element('UpdatedAt', queue.updatedAt.toISOString()) +
    element('AccessedAt', queue.accessedAt.toISOString()) +
    element('SupportOrdering', true) +
    `<CountDetails xmlns:d2p1="${COUNT_NS}">` +
    `<d2p1:ActiveMessageCount>${counts.active + counts.locked}</d2p1:ActiveMessageCount>` +
    `<d2p1:DeadLetterMessageCount>${counts.deadLetter}</d2p1:DeadLetterMessageCount>` +
    `<d2p1:ScheduledMessageCount>${counts.scheduled}</d2p1:ScheduledMessageCount>` +
    '<d2p1:TransferMessageCount>0</d2p1:TransferMessageCount>' +
    '<d2p1:TransferDeadLetterMessageCount>0</d2p1:TransferDeadLetterMessageCount>' +
    '</CountDetails>' +
    element('AutoDeleteOnIdle', MAX_DURATION) +
    element('EnablePartitioning', false) +
    element('EntityAvailabilityStatus', 'Available') +
    element('EnableExpress', false) +
    element('MaxMessageSizeInKilobytes', 256) +
    '</QueueDescription>'
  );
}

function integer(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return parsed;
}

function boolean(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new RangeError(`${name} must be true or false, got ${value}`);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
