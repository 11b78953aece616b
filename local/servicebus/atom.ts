import { MAX_DURATION } from './durations.js';
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
    element('DuplicateDetectionHistoryTimeWindow', s.duplicateDetectionHistoryTimeWindow) +
    element('MaxDeliveryCount', s.maxDeliveryCount) +
    element('EnableBatchedOperations', s.enableBatchedOperations) +
    element('SizeInBytes', 0) +
    element('MessageCount', total) +
    element('IsAnonymousAccessible', false) +
    '<AuthorizationRules/>' +
    element('Status', 'Active') +
    (s.userMetadata === undefined ? '' : element('UserMetadata', s.userMetadata)) +
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
    element('EnableExpress', s.enableExpress) +
    element('MaxMessageSizeInKilobytes', 256) +
    '</QueueDescription>'
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
