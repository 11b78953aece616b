import { LIVE_BOT_STATES, type BotDocument } from '../../domain/bot.js';
import type { GroupDocument } from '../../domain/group.js';
import type { RunDocument } from '../../domain/run.js';
import { NO_RUNS, type RunCounts } from '../runs/run-counts.js';
import { DuplicateDocumentError, StalePreconditionError, type DocumentStore, type StoredDocument, type Versioned } from '../ports/document-store.js';
import { SECONDS_PER_DAY } from '../../domain/retention.js';
import {
  HISTORY_RETENTION_DAYS,
  HISTORY_TYPE,
  historyDocumentId,
  hourKeyOf,
  mergeSample,
  sampleDue,
  utilisationOf,
  type GroupSample,
  type MinuteBucket,
} from './group-history-rollup.js';
import { instruments } from '../observability/instruments.js';

/**
 * What a history round reads and writes: the active groups (control container), the bots and the history documents
 * (bots container), the run counts and the oldest queued run, the clock.
 */
export interface GroupHistoryPorts {
  store: Pick<DocumentStore, 'list'>;
  botStore: Pick<DocumentStore, 'get' | 'list' | 'create' | 'replace'>;
  runCounts: Pick<RunCounts, 'countsFor'>;
  /** the first queued run of a group, in dispatch order */
  runs: { queries: { nextQueued(environmentId: string, groupId: string, top: number): Promise<ReadonlyArray<Pick<RunDocument, 'queuedAt'>>> } };
  now(): Date;
}

/** One group's hour of history (`bots` container, the environment's partition), expiring HISTORY_RETENTION_DAYS after its last write. */
export interface GroupHistoryDocument extends StoredDocument {
  type: typeof HISTORY_TYPE;
  groupId: string;
  /** `2026-12-06T13` (UTC) */
  hour: string;
  /** buckets by minute of the hour, `00`..`59`; minutes without a sample are absent */
  minutes: Record<string, MinuteBucket>;
  ttl: number;
}

const WRITE_ATTEMPTS = 3;

export interface HistoryRound {
  /** groups whose sample this round took */
  sampled: number;
}

/**
 * The controller's history step, once per planning round: counts the round (the controller's heartbeat metric), then
 * for each active group whose current minute has no sample younger than SAMPLE_INTERVAL_MS, takes a sample (queued
 * runs and the queue head's age from the counts and the one-run query the planner uses, bots by state) and merges it
 * into the group's hour document under its etag, and records the group's gauges. Cost per round: the groups query
 * and one point read per group when nothing is due; otherwise the planner's two other queries (bots, run counts),
 * one TOP 1 query per group with runs waiting and one replace per sampled group. O(groups), never O(runs).
 */
export async function recordGroupHistory(deps: GroupHistoryPorts, environmentId: string): Promise<HistoryRound> {
  instruments().controllerRounds.add(1, { environmentId });
  const now = deps.now();
  const { hour, minute } = hourKeyOf(now);
  const groups = (await deps.store.list<GroupDocument>(environmentId, 'group')).items.filter((g) => g.status === 'active');
  const docs = await Promise.all(groups.map((g) => deps.botStore.get<GroupHistoryDocument>(environmentId, historyDocumentId(g.id, hour))));
  const docByGroup = new Map(groups.map((g, i) => [g.id, docs[i]]));
  const due = groups.filter((g) => sampleDue(docByGroup.get(g.id)?.minutes[minute], now));
  if (due.length === 0) return { sampled: 0 };

  // the same reads as the planning round (planningInput): the environment's live bots, the run counts
  const [bots, counts] = await Promise.all([
    deps.botStore.list<BotDocument>(environmentId, 'bot', { whereIn: { state: LIVE_BOT_STATES } }),
    deps.runCounts.countsFor(
      environmentId,
      due.map((g) => g.id),
    ),
  ]);
  for (const group of due) {
    const { queued, oldestQueuedAt: counted } = counts[group.id] ?? NO_RUNS;
    const oldestQueuedAt = queued === 0 ? undefined : (counted ?? (await deps.runs.queries.nextQueued(environmentId, group.id, 1))[0]?.queuedAt);
    const own = bots.items.filter((b) => b.groupId === group.id);
    const sample: GroupSample = {
      queued,
      oldestWaitSeconds: oldestQueuedAt ? Math.max(0, (now.getTime() - Date.parse(oldestQueuedAt)) / 1000) : 0,
      liveBots: own.length,
      busyBots: own.filter((b) => b.state === 'Busy').length,
    };
    recordGauges(environmentId, group.id, sample, own);
    await mergeIntoHour(deps, { environmentId, groupId: group.id, hour, minute }, docByGroup.get(group.id), sample, now);
  }
  return { sampled: due.length };
}

function recordGauges(environmentId: string, groupId: string, sample: GroupSample, bots: readonly BotDocument[]): void {
  const meters = instruments();
  const ids = { environmentId, groupId };
  meters.runsQueued.record(sample.queued, ids);
  meters.oldestQueuedWait.record(sample.oldestWaitSeconds, ids);
  for (const state of LIVE_BOT_STATES) meters.bots.record(bots.filter((b) => b.state === state).length, { ...ids, state });
  const utilisation = utilisationOf({ live: sample.liveBots, busy: sample.busyBots });
  if (utilisation !== undefined) meters.utilisation.record(utilisation, ids);
}

interface Slot {
  environmentId: string;
  groupId: string;
  hour: string;
  minute: string;
}

/** Read-modify-write of the hour document under its etag; a lost race reads it again (another round sampled first: skipped). */
async function mergeIntoHour(
  deps: Pick<GroupHistoryPorts, 'botStore'>,
  slot: Slot,
  known: Versioned<GroupHistoryDocument> | undefined,
  sample: GroupSample,
  now: Date,
): Promise<void> {
  let current = known;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    if (current && !sampleDue(current.minutes[slot.minute], now)) return;
    const at = now.toISOString();
    const minutes = { ...current?.minutes, [slot.minute]: mergeSample(current?.minutes[slot.minute], sample, now) };
    const ttl = HISTORY_RETENTION_DAYS * SECONDS_PER_DAY;
    try {
      if (current) {
        const { etag, ...doc } = current;
        await deps.botStore.replace<GroupHistoryDocument>({ ...doc, minutes, ttl, updatedAt: at }, etag);
      } else {
        const id = historyDocumentId(slot.groupId, slot.hour);
        await deps.botStore.create<GroupHistoryDocument>({
          id,
          environmentId: slot.environmentId,
          type: HISTORY_TYPE,
          groupId: slot.groupId,
          hour: slot.hour,
          minutes,
          ttl,
          createdAt: at,
          updatedAt: at,
        });
      }
      return;
    } catch (err) {
      if (!(err instanceof StalePreconditionError) && !(err instanceof DuplicateDocumentError)) throw err;
      current = await deps.botStore.get<GroupHistoryDocument>(slot.environmentId, historyDocumentId(slot.groupId, slot.hour));
    }
  }
}
