import type { AppConfig } from '../config/app-config.js';
import { LIVE_BOT_STATES, type BotDocument } from '../../domain/bot.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import type { GroupDocument } from '../../domain/group.js';
import { groupsRemovedUnderTheirBots, plannerGroupOf } from '../../domain/planner/input-projection.js';
import type { ImageDocument } from '../../domain/image.js';
import {
  EMPTY_STATS,
  endedRunIds,
  isQuietEnvironment,
  observe,
  outlookFromStats,
  plan,
  SERVICE_LEVEL_CONFLICT,
  summarise,
  type Decision,
  type GroupScalingStats,
  type Plan,
  type PlannerGroup,
  type PlannerInput,
} from '../../domain/planner/index.js';
import type { ScalingDecisionDocument } from '../../domain/scaling-decision.js';
import { botImageSpecOf } from '../ports/bot-provisioner.js';
import type { DocumentStore, Versioned } from '../ports/document-store.js';
import { NO_RUNS, type GroupRunCounts, type RunCounts } from '../runs/run-counts.js';
import { updateBot } from './bot-records.js';
import { endedRuns, loadGroupStats, saveGroupStats, type EndedRunPorts, type GroupScalingStatsDocument, type GroupStatsPorts } from './group-scaling-stats.js';
import { recoverLostBusyBots, type LostBusyBot, type LostBusyBotPorts } from './lost-busy-bots.js';
import { latestScalingDecision, type ScalingDecisionPorts } from './scaling-decisions.js';
import { resendStrandedWakeUps, type StrandedWakeUpPorts } from './stranded-wake-ups.js';

/**
 * What a planning round reads and writes: the environment, its groups and images (control container), the bots and
 * decisions (bots container), the run counts, the settings it plans with, the clock and new ids; and what the steps
 * it runs need (learning the stats, recovering lost busy bots, re-sending stranded wake-ups).
 */
export type PlanningRoundPorts = {
  store: Pick<DocumentStore, 'get' | 'list'>;
  botStore: DocumentStore;
  runCounts: Pick<RunCounts, 'countsFor' | 'unfinishedRuns'>;
  config: Pick<AppConfig, 'BOT_IDLE_TIMEOUT_SECONDS' | 'GROUP_IDLE_TEARDOWN_HOURS' | 'BOT_HEARTBEAT_TIMEOUT_SECONDS'>;
  now(): Date;
  newId(): string;
} & GroupStatsPorts &
  EndedRunPorts &
  LostBusyBotPorts &
  ScalingDecisionPorts &
  StrandedWakeUpPorts;

/** A leaving, idle bot still there this long after its record last changed is sent its Release again. */
const STUCK_LEAVING_MS = 30_000;

/** The queue of a group as the planner needs it; `oldestQueuedAt` is the first run in dispatch order. */
export type OldestQueued = (environmentId: string, groupId: string) => Promise<string | undefined>;

export interface NewBot {
  environmentId: string;
  groupId: string;
  botId: string;
}

export interface PlanningOutcome {
  active: boolean;
  plan?: Plan;
  created: NewBot[];
  /**
   * Bots an earlier round created whose lifecycle never ran (a round that wrote their records and then failed, and
   * was retried, plans with them as existing bots): Provisioning, never provisioned. Starting them again is a no-op
   * for a lifecycle that does run.
   */
  unstarted: NewBot[];
  /** events for bot lifecycles: Release (reason), Drain ({mode, reason}), RunFinished (a leaving bot's run ended) */
  signals: Array<{ botId: string; event: 'Release' | 'Drain' | 'RunFinished'; data?: unknown }>;
  /** busy bots found lost this round (their runs requeued or failed) */
  lost: LostBusyBot[];
  /** wake-ups re-sent for runs that waited while bots idled (app/bots/stranded-wake-ups.ts) */
  strandedWakeUps: number;
  /** nothing for the controller to watch until something wakes it (`isQuietEnvironment`) */
  quiet?: boolean;
}

function imageVersionOf(image: ImageDocument | undefined): string {
  if (!image) return 'unknown';
  try {
    return botImageSpecOf(image).version;
  } catch {
    return 'unknown';
  }
}

/** A group's stats as the round found them, and as they are after this round's observation. */
export interface LearnedStats {
  previous?: Versioned<GroupScalingStatsDocument>;
  next: GroupScalingStats;
}

/**
 * What the round learns about each group (domain/planner/group-stats.ts) from the bot records it read and one
 * point read per run that ended since the last round (the groups' reads go out together). A group with a service
 * level plans with the outlook learned from it (warm bots, the break-even idle keep); the others keep
 * BOT_IDLE_TIMEOUT_SECONDS.
 */
async function learn(
  deps: PlanningRoundPorts,
  environmentId: string,
  groups: readonly GroupDocument[],
  stored: Map<string, Versioned<GroupScalingStatsDocument>>,
  bots: readonly BotDocument[],
  counts: Record<string, GroupRunCounts>,
  now: string,
): Promise<Map<string, LearnedStats>> {
  const learned = await Promise.all(
    groups.map(async (g): Promise<[string, LearnedStats]> => {
      const previous = stored.get(g.id);
      const { queued, running } = counts[g.id] ?? NO_RUNS;
      const observation = { now, bots: bots.filter((b) => b.groupId === g.id), demand: queued + running };
      const stats = previous?.stats ?? EMPTY_STATS;
      const ended = await endedRuns(deps, environmentId, endedRunIds(stats, observation));
      return [g.id, { ...(previous === undefined ? {} : { previous }), next: observe(stats, observation, ended) }];
    }),
  );
  return new Map(learned);
}

/**
 * The round's reads, together: the environment's groups, images, live bots (records of Deleted and Failed bots are
 * kept BOT_RECORD_RETENTION_DAYS and plan nothing) and group stats, and its unfinished runs by group (the counts of
 * every group, one GROUP BY).
 */
export type RoundLists = Awaited<ReturnType<typeof roundLists>>;

export async function roundLists(deps: PlanningRoundPorts, environmentId: string) {
  const [groups, images, bots, stored, unfinished] = await Promise.all([
    deps.store.list<GroupDocument>(environmentId, 'group'),
    deps.store.list<ImageDocument>(environmentId, 'image'),
    deps.botStore.list<BotDocument>(environmentId, 'bot', { whereIn: { state: LIVE_BOT_STATES } }),
    loadGroupStats(deps, environmentId),
    deps.runCounts.unfinishedRuns(environmentId),
  ]);
  return { groups, images, bots, stored, unfinished };
}

/**
 * Reads what the planner needs: one environment, its groups, images, bots, queue counts, oldest queued runs and learned
 * stats (all in-partition). Reads that do not depend on one another go out together: the round waits for the lists
 * (`lists` when the caller read them beside the environment), which bring every group's counts, then for the ended
 * runs and for the oldest run of a group whose first run was moved to the top (its dispatch key holds no queue time).
 */
export async function planningInput(
  deps: PlanningRoundPorts,
  env: Versioned<EnvironmentDocument>,
  oldestQueued: OldestQueued,
  lists?: RoundLists,
): Promise<{ input: PlannerInput; bots: BotDocument[]; learned: Map<string, LearnedStats>; runningRuns: number }> {
  const { groups, images, bots, stored, unfinished } = lists ?? (await roundLists(deps, env.id));
  const counts = await deps.runCounts.countsFor(
    env.id,
    groups.items.map((g) => g.id),
    unfinished,
  );
  const now = deps.now().toISOString();
  const [learned, oldest] = await Promise.all([
    learn(deps, env.id, groups.items, stored, bots.items, counts, now),
    Promise.all(
      groups.items.map((g) => {
        const { queued, oldestQueuedAt } = counts[g.id] ?? NO_RUNS;
        return queued === 0 ? undefined : (oldestQueuedAt ?? oldestQueued(env.id, g.id));
      }),
    ),
  ]);
  const imageById = new Map(images.items.map((i) => [i.id, i]));
  const plannerGroups: PlannerGroup[] = [];
  for (const [i, g] of groups.items.entries()) {
    const { queued, queuedHigh } = counts[g.id] ?? NO_RUNS;
    const imageVersion = imageVersionOf(imageById.get(g.imageId));
    const group = plannerGroupOf({ ...g, imageVersion }, bots.items, { queued, queuedHigh, oldestQueuedAt: oldest[i] });
    const stats = learned.get(g.id)?.next;
    if (group.serviceLevel !== undefined && stats !== undefined) group.outlook = outlookFromStats(stats, Date.parse(now));
    plannerGroups.push(group);
  }
  plannerGroups.push(...groupsRemovedUnderTheirBots(groups.items, bots.items, now));
  const input: PlannerInput = {
    now,
    environment: { id: env.id, plan: env.plan, capacity: env.capacity, hostedRpaEnabled: env.hostedRpaEnabled },
    groups: plannerGroups,
    settings: { botIdleTimeoutSeconds: deps.config.BOT_IDLE_TIMEOUT_SECONDS, groupIdleTeardownHours: deps.config.GROUP_IDLE_TEARDOWN_HOURS },
  };
  const runningRuns = Object.values(counts).reduce((sum, c) => sum + c.running, 0);
  return { input, bots: bots.items, learned, runningRuns };
}

function decisionRecord(deps: PlanningRoundPorts, environmentId: string, d: Decision, at: string, botIds: string[]): ScalingDecisionDocument {
  const base = { id: deps.newId(), environmentId, type: 'scalingDecision' as const, groupId: d.groupId, at, createdAt: at, updatedAt: at, detail: d.message };
  if (d.kind === 'create') return { ...base, action: 'create', botIds, count: d.count, reason: d.reason };
  return { ...base, action: d.kind, botIds: [d.botId], count: 1, reason: d.reason };
}

/**
 * One planning round of an environment: plan, record every decision with its reason (and the reason a waiting
 * group got nothing, when it changes), create the records of new bots, and say which lifecycles to start or
 * signal. Bot records are written before their lifecycles start, so the next round counts them.
 */
export async function runPlanningRound(deps: PlanningRoundPorts, environmentId: string, oldestQueued: OldestQueued): Promise<PlanningOutcome> {
  // the environment and the lists together: one round trip fewer; a deleted environment's last round reads its lists for nothing
  const [env, lists] = await Promise.all([deps.store.get<EnvironmentDocument>(environmentId, environmentId), roundLists(deps, environmentId)]);
  if (!env) return { active: false, created: [], unstarted: [], signals: [], lost: [], strandedWakeUps: 0 };
  const { input, bots, learned, runningRuns } = await planningInput(deps, env, oldestQueued, lists);
  const recovered = await recoverLostBusyBots(deps, environmentId, bots, deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS);
  const unstarted = bots
    .filter((b) => b.state === 'Provisioning' && b.credentialVersion === 0)
    .map((b) => ({ environmentId, groupId: b.groupId, botId: b.id }));
  const result = plan(input);
  const at = result.at;
  const created: NewBot[] = [];
  const signals: PlanningOutcome['signals'] = [];
  /** each group's latest decision record once this round's are written (GroupScalingStats.latestNone) */
  const latestNone = new Map<string, string | null>();

  for (const decision of result.decisions) {
    latestNone.set(decision.groupId, null);
    const botIds: string[] = [];
    if (decision.kind === 'create') {
      // plan() already cut the creates to the slots free now: what is recorded is what it decided
      for (let i = 0; i < decision.count; i++) {
        const botId = deps.newId();
        const bot: BotDocument = {
          id: botId,
          environmentId,
          type: 'bot',
          groupId: decision.groupId,
          state: 'Provisioning',
          imageId: decision.imageId,
          imageVersion: decision.imageVersion,
          since: at,
          credentialVersion: 0,
          reason: decision.reason,
          createdAt: at,
          updatedAt: at,
        };
        await deps.botStore.create(bot);
        botIds.push(botId);
        created.push({ environmentId, groupId: decision.groupId, botId });
      }
    } else if (decision.kind === 'release') {
      // the request is kept on the record (a provisioning or busy bot acts on it at its next claim) and sent as an
      // event (an idle bot acts on it at once)
      await updateBot(deps, { environmentId, groupId: decision.groupId, botId: decision.botId }, (b) =>
        b.releaseRequested ? undefined : { ...b, releaseRequested: decision.reason },
      );
      signals.push({ botId: decision.botId, event: 'Release', data: decision.reason });
    } else {
      await updateBot(deps, { environmentId, groupId: decision.groupId, botId: decision.botId }, (b) =>
        b.drainRequested ? undefined : { ...b, drainRequested: 'reprovision' },
      );
      signals.push({ botId: decision.botId, event: 'Drain', data: { mode: 'reprovision', reason: decision.reason } });
    }
    await deps.botStore.create(decisionRecord(deps, environmentId, decision, at, botIds));
  }
  await recordUnserved(deps, environmentId, result, at, learned, latestNone);
  await recordConflictsAndStats(deps, environmentId, result, learned, at, latestNone);

  // a lost bot goes (its lifecycle waits for nothing else); a leaving bot whose run ended without its finish is told
  for (const lost of recovered.lost) signals.push({ botId: lost.botId, event: 'Release', data: lost.reason });
  for (const botId of recovered.runEnded) signals.push({ botId, event: 'RunFinished' });
  // a leaving bot that holds no run is still there well after its release was written: its lifecycle missed the Release
  // (a host restart, a lost event), so it is told again rather than at its safety timer (SERVE_CHECK_SECONDS)
  const now = Date.parse(at);
  for (const b of bots) {
    const idleLeaving = b.releaseRequested !== undefined && (b.state === 'Ready' || b.state === 'Draining');
    if (idleLeaving && now - Date.parse(b.updatedAt) > STUCK_LEAVING_MS && !signals.some((s) => s.botId === b.id))
      signals.push({ botId: b.id, event: 'Release', data: b.releaseRequested });
  }
  const strandedWakeUps = await resendStrandedWakeUps(deps, input);
  const quiet = unstarted.length === 0 && recovered.lost.length === 0 && isQuietEnvironment(input, result, runningRuns);
  return { active: true, plan: result, created, unstarted, signals, lost: recovered.lost, strandedWakeUps, quiet };
}

/**
 * A group's "got nothing" reason is recorded when it changes, not at every round. The group's stats remember its latest
 * record (`latestNone`), so that a round of waiting groups reads no decision; only a group whose stats do not know it
 * yet has its latest record read (those reads go out together).
 */
async function recordUnserved(
  deps: PlanningRoundPorts,
  environmentId: string,
  result: Plan,
  at: string,
  learned: Map<string, LearnedStats>,
  latestNone: Map<string, string | null>,
): Promise<void> {
  const previous = await Promise.all(
    result.unserved.map(async (u) => {
      const known = latestNone.has(u.groupId) ? latestNone.get(u.groupId) : learned.get(u.groupId)?.previous?.stats.latestNone;
      if (known !== undefined) return known;
      const latest = await latestScalingDecision(deps, environmentId, u.groupId);
      return latest?.action === 'none' ? latest.reason : null;
    }),
  );
  for (const [i, u] of result.unserved.entries()) {
    latestNone.set(u.groupId, u.reason);
    if (previous[i] === u.reason) continue;
    await deps.botStore.create<ScalingDecisionDocument>({
      id: deps.newId(),
      environmentId,
      type: 'scalingDecision',
      groupId: u.groupId,
      at,
      action: 'none',
      botIds: [],
      count: 0,
      reason: u.reason,
      detail: u.message,
      createdAt: at,
      updatedAt: at,
    });
  }
}

/**
 * A group whose targetWaitMinutes and minUtilization conflict gets a `service-level-conflict` record when the
 * conflict starts (the stats remember the last round's verdict); then every group's stats are saved.
 */
async function recordConflictsAndStats(
  deps: PlanningRoundPorts,
  environmentId: string,
  result: Plan,
  learned: Map<string, LearnedStats>,
  at: string,
  latestNone: Map<string, string | null>,
): Promise<void> {
  const planOf = new Map(result.groups.map((g) => [g.groupId, g]));
  const conflictOf = new Map<string, boolean>();
  for (const [groupId, { next }] of learned) {
    const sl = planOf.get(groupId)?.serviceLevel;
    const conflict = sl?.conflict === true;
    conflictOf.set(groupId, conflict);
    if (conflict && !next.conflict) {
      latestNone.set(groupId, SERVICE_LEVEL_CONFLICT);
      await deps.botStore.create<ScalingDecisionDocument>({
        id: deps.newId(),
        environmentId,
        type: 'scalingDecision',
        groupId,
        at,
        action: 'none',
        botIds: [],
        count: 0,
        reason: SERVICE_LEVEL_CONFLICT,
        detail: sl?.message ?? 'targetWaitMinutes and minUtilization conflict.',
        createdAt: at,
        updatedAt: at,
      });
    }
  }
  // each group's stats document is its own (etag on each): the saves go out together
  const saves = [...learned].map(([groupId, { previous, next }]) => {
    const latest = latestNone.has(groupId) ? latestNone.get(groupId) : next.latestNone;
    return saveGroupStats(deps, environmentId, groupId, previous, {
      ...next,
      conflict: conflictOf.get(groupId) === true,
      ...(latest === undefined ? {} : { latestNone: latest }),
    });
  });
  const failed = (await Promise.allSettled(saves)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export { summarise };
