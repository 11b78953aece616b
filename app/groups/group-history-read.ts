import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../domain/errors/app-error.js';
import { loadGroup } from './load-group.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { GroupHistoryDocument } from './group-history.js';
import {
  HISTORY_RETENTION_DAYS,
  historyDocumentId,
  historySeries,
  hoursBetween,
  stepMinutesFor,
  type HistoryPoint,
  type MinuteBucket,
} from './group-history-rollup.js';

/** What reading a group's history needs: what loading the group for the caller needs, the history documents, the clock. */
export type GroupHistoryReadPorts = Parameters<typeof loadGroup>[0] & { botStore: Pick<DocumentStore, 'get'>; now(): Date };

export const DEFAULT_HISTORY_HOURS = 24;
const MAX_RANGE_MS = HISTORY_RETENTION_DAYS * 86_400_000;

export interface GroupHistory {
  groupId: string;
  from: string;
  to: string;
  stepMinutes: number;
  points: HistoryPoint[];
}

/**
 * A group's history over [from, to) (default the last DEFAULT_HISTORY_HOURS), for anyone who may see the group:
 * one point a minute, wider steps beyond 24 h so that at most MAX_POINTS come back. From the controller's hour
 * rollups (one point read per hour of the range), never from the runs. `from` after `to`, or a range longer than
 * the rollups are kept (HISTORY_RETENTION_DAYS), is refused (400).
 */
export async function readGroupHistory(
  deps: GroupHistoryReadPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<GroupHistory> {
  const { group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  const to = range.to ? new Date(range.to) : deps.now();
  const from = range.from ? new Date(range.from) : new Date(to.getTime() - DEFAULT_HISTORY_HOURS * 3_600_000);
  if (from.getTime() >= to.getTime())
    throw AppError.validation([{ field: 'from', message: 'Must be before `to` (default: now).' }], 'The history range is not valid.');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw AppError.validation(
      [{ field: 'from', message: `The range may span at most ${HISTORY_RETENTION_DAYS} days (how long history is kept).` }],
      'The history range is not valid.',
    );
  }
  const hours = hoursBetween(from, to);
  const docs = await Promise.all(hours.map((hour) => deps.botStore.get<GroupHistoryDocument>(group.environmentId, historyDocumentId(group.id, hour))));
  const minutesByHour = new Map<string, Record<string, MinuteBucket>>();
  for (const doc of docs) if (doc) minutesByHour.set(doc.hour, doc.minutes);
  const stepMinutes = stepMinutesFor(from, to);
  return { groupId: group.id, from: from.toISOString(), to: to.toISOString(), stepMinutes, points: historySeries(minutesByHour, from, to, stepMinutes) };
}
