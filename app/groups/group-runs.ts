import type { Principal } from '../../domain/principal.js';
import type { RunDocument } from '../../domain/run.js';
import type { ScalingDecisionDocument } from '../../domain/scaling-decision.js';
import { invalidContinuationToken } from '../paging/continuation-tokens.js';
import type { DocumentStore, Versioned } from '../ports/document-store.js';
import { latestScalingDecision } from '../bots/scaling-decisions.js';
import { groupStatsOf } from '../bots/group-scaling-stats.js';
import { LIVE_BOT_STATES, type BotDocument } from '../../domain/bot.js';
import { queueEstimates, SERVICE_LEVEL_CONFLICT, type QueueEstimate } from '../../domain/planner/index.js';
import { loadGroup, type GroupReadPorts } from './load-group.js';
import { BadContinuationTokenError, type PageRequest, type RunStore } from '../runs/run-store.js';

/** What reading a group's queue and past runs needs. */
export interface GroupRunsPorts extends GroupReadPorts {
  runs: RunStore;
  /** the group's bots, scaling decisions and learned stats */
  botStore: DocumentStore;
}

export interface QueueEntry {
  run: Versioned<RunDocument>;
  /** 1-based place in the group's dispatch order: running runs first (in the order they started), then queued ones */
  position: number;
  /** seconds the run waited in the queue: until now while queued, until it started once running */
  waitSeconds: number;
  /** a queued run's expected start (null with `expectedStartReason` when no bot is expected); absent for running runs */
  expectedStartAt?: string | null;
  expectedStartReason?: string;
}

export interface QueueView {
  items: QueueEntry[];
  continuationToken?: string;
  /** the environment controller's latest decision about the group: why its runs wait, or what it did for them */
  lastScalingDecision?: ScalingDecisionDocument;
}

/** Our token wraps the store's and the position the next page starts after. */
interface QueueToken {
  o: number;
  c: string;
}

function encodeToken(token: QueueToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

function decodeToken(raw: string | undefined): QueueToken | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { o, c } = parsed as { o?: unknown; c?: unknown };
      if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && typeof c === 'string') return { o, c };
    }
  } catch {
    // fall through: not one of ours
  }
  throw badToken();
}

const badToken = invalidContinuationToken;

async function translated<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof BadContinuationTokenError) throw badToken();
    throw err;
  }
}

function waitSecondsOf(run: RunDocument, now: Date): number {
  const until = run.state === 'Running' && run.startedAt ? Date.parse(run.startedAt) : now.getTime();
  return Math.max(0, Math.round((until - Date.parse(run.queuedAt)) / 1000));
}

/** The group's queue as its users see it: queued and running runs in dispatch order, with position and wait. */
export async function groupQueue(deps: GroupRunsPorts, principal: Principal, environmentId: string, groupId: string, page: PageRequest): Promise<QueueView> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  const token = decodeToken(page.continuationToken);
  const offset = token?.o ?? 0;
  const [result, lastScalingDecision, bots, stats] = await Promise.all([
    translated(deps.runs.queries.active(env.id, group.id, { pageSize: page.pageSize, continuationToken: token?.c })),
    latestScalingDecision(deps, env.id, group.id),
    deps.botStore.list<BotDocument>(env.id, 'bot', {
      where: { groupId: group.id },
      whereIn: { state: LIVE_BOT_STATES },
      orderBy: 'createdAt',
      descending: true,
    }),
    groupStatsOf(deps, env.id, group.id),
  ]);
  const now = deps.now();
  const estimates = estimatesOf(result.items, bots.items, offset, now, {
    stats,
    blocked: group.maintenance ? 'group-in-maintenance' : undefined,
    unservedReason: lastScalingDecision?.action === 'none' && lastScalingDecision.reason !== SERVICE_LEVEL_CONFLICT ? lastScalingDecision.reason : undefined,
  });
  const items = result.items.map((run, i) => {
    const entry: QueueEntry = { run, position: offset + i + 1, waitSeconds: waitSecondsOf(run, now) };
    const estimate = estimates.get(run.id);
    if (estimate !== undefined) {
      entry.expectedStartAt = estimate.expectedStartAt;
      if (estimate.reason !== undefined) entry.expectedStartReason = estimate.reason;
    }
    return entry;
  });
  return {
    items,
    ...(lastScalingDecision ? { lastScalingDecision } : {}),
    ...(result.continuationToken ? { continuationToken: encodeToken({ o: offset + items.length, c: result.continuationToken }) } : {}),
  };
}

/** The provisioning time assumed for a group none of whose bots has been provisioned yet, minutes. */
const DEFAULT_PROVISION_MINUTES = 10;

/**
 * The expected start of each queued run of the page (domain/planner/queue-estimate.ts): the group's bots (a
 * busy bot's run's flow when the page shows it), the queued runs ahead of the page (its offset minus the running
 * runs, which are listed first) and the group's learned stats.
 */
function estimatesOf(
  runs: readonly RunDocument[],
  bots: readonly BotDocument[],
  offset: number,
  now: Date,
  context: { stats: Parameters<typeof queueEstimates>[0]['stats']; blocked: string | undefined; unservedReason: string | undefined },
): Map<string, QueueEstimate> {
  const flowOfRun = new Map(runs.map((r) => [r.id, r.desktopFlowId]));
  const running = bots.filter((b) => b.state === 'Busy' || b.state === 'Draining').length;
  const estimates = queueEstimates({
    now: now.toISOString(),
    queued: runs.filter((r) => r.state === 'Queued').map((r) => ({ id: r.id, desktopFlowId: r.desktopFlowId })),
    queuedAhead: Math.max(0, offset - running),
    bots: bots.map((b) => {
      const flow = b.currentRunId === undefined ? undefined : flowOfRun.get(b.currentRunId);
      return {
        state: b.state,
        since: b.since,
        createdAt: b.createdAt,
        ...(b.releaseRequested === undefined ? {} : { releaseRequested: true }),
        ...(b.drainRequested === undefined ? {} : { drainRequested: true }),
        ...(flow === undefined ? {} : { runFlowId: flow }),
      };
    }),
    stats: context.stats,
    defaultProvisionMinutes: DEFAULT_PROVISION_MINUTES,
    ...(context.blocked === undefined ? {} : { blocked: context.blocked }),
    ...(context.unservedReason === undefined ? {} : { unservedReason: context.unservedReason }),
  });
  return new Map(estimates.map((e) => [e.id, e]));
}

/** The group's ended runs, the most recently ended first, a page at a time. */
export async function pastRuns(
  deps: GroupRunsPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  page: PageRequest,
): Promise<{ items: Versioned<RunDocument>[]; continuationToken?: string }> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  return translated(deps.runs.queries.ended(env.id, group.id, page));
}
