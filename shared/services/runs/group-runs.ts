import type { Principal } from '../../auth/principal.js';
import type { Services } from '../../composition/services.js';
import type { RunDocument } from '../../domain/run.js';
import type { ScalingDecisionDocument } from '../../domain/scaling-decision.js';
import { invalidContinuationToken } from '../../http/continuation-tokens.js';
import type { Versioned } from '../../store/document-store.js';
import { latestScalingDecision } from '../../bots/scaling-decisions.js';
import { loadGroup } from '../groups/load-group.js';
import { BadContinuationTokenError, type PageRequest } from './run-store.js';

export interface QueueEntry {
  run: Versioned<RunDocument>;
  /** 1-based place in the group's dispatch order: running runs first (in the order they started), then queued ones */
  position: number;
  /** seconds the run waited in the queue: until now while queued, until it started once running */
  waitSeconds: number;
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
export async function groupQueue(deps: Services, principal: Principal, environmentId: string | undefined, groupId: string | undefined, page: PageRequest): Promise<QueueView> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  const token = decodeToken(page.continuationToken);
  const offset = token?.o ?? 0;
  const [result, lastScalingDecision] = await Promise.all([
    translated(deps.runs.queries.active(env.id, group.id, { pageSize: page.pageSize, continuationToken: token?.c })),
    latestScalingDecision(deps, env.id, group.id),
  ]);
  const now = deps.now();
  const items = result.items.map((run, i) => ({ run, position: offset + i + 1, waitSeconds: waitSecondsOf(run, now) }));
  return {
    items,
    ...(lastScalingDecision ? { lastScalingDecision } : {}),
    ...(result.continuationToken ? { continuationToken: encodeToken({ o: offset + items.length, c: result.continuationToken }) } : {}),
  };
}

/** The group's ended runs, the most recently ended first, a page at a time. */
export async function pastRuns(
  deps: Services,
  principal: Principal,
  environmentId: string | undefined,
  groupId: string | undefined,
  page: PageRequest,
): Promise<{ items: Versioned<RunDocument>[]; continuationToken?: string }> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  return translated(deps.runs.queries.ended(env.id, group.id, page));
}
