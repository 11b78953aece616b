import { samplesFor } from './duration-model.js';
import { expectedStarts, type StartEstimateBot } from './expected-start.js';
import { DEFAULT_OUTLOOK, outlookOf } from './outlook.js';
import type { BotState } from './planner-input.js';
import { typicalRunMinutes, type GroupScalingStats } from './group-stats.js';

/**
 * `expectedStartAt` of the queue view (GET .../groups/{id}/queue): from what the view reads (the group's bots, the
 * page of its queue in dispatch order, the controller's latest decision) and the group's learned stats. Pure.
 * docs/scaling.md, "Expected start".
 */
export interface QueueEstimateBot {
  state: BotState;
  /** when it entered its state (ISO 8601) */
  since: string;
  /** when the record was created (a Provisioning bot's provisioning started then) */
  createdAt: string;
  releaseRequested?: boolean;
  drainRequested?: boolean;
  /** the flow of the run it runs (Busy), when the page shows that run */
  runFlowId?: string;
}

export interface QueueEstimateInput {
  now: string;
  /** queued runs of this page, in dispatch order */
  queued: ReadonlyArray<{ id: string; desktopFlowId: string }>;
  /** queued runs ahead of this page (earlier pages), each counted with the group's typical run */
  queuedAhead: number;
  bots: readonly QueueEstimateBot[];
  stats: GroupScalingStats;
  /** the provisioning time assumed before the group has any (about 10 min) */
  defaultProvisionMinutes: number;
  /** no run is dispatched (maintenance, Hosted RPA off): every estimate is null with this reason */
  blocked?: string;
  /** the controller's latest `none` reason (why runs get no bot), given to runs no bot is expected for */
  unservedReason?: string;
}

export interface QueueEstimate {
  id: string;
  /** ISO 8601, or null when no bot is expected for the run */
  expectedStartAt: string | null;
  /** why expectedStartAt is null */
  reason?: string;
}

/** No bot of the group is up, provisioning or planned for the run (the controller has not acted yet). */
export const NO_BOT_YET = 'no-bot-yet';

const toMinutes = (ms: number) => ms / 60_000;

export function queueEstimates(input: QueueEstimateInput): QueueEstimate[] {
  if (input.blocked !== undefined) return input.queued.map((r) => ({ id: r.id, expectedStartAt: null, reason: input.blocked }));
  const nowMs = Date.parse(input.now);
  // the expected (median) provisioning time, not the planner's high percentile: an estimate, not a safety margin
  const provisionMinutes = outlookOf({ provisionMs: input.stats.provisionMs, runMs: [], count: () => 0 }, nowMs, {
    ...DEFAULT_OUTLOOK,
    provisionQuantile: 0.5,
    defaultProvisionMinutes: input.defaultProvisionMinutes,
  }).provisionMinutes;
  const groupSamples = input.stats.runMs.length > 0 ? input.stats.runMs.map(toMinutes) : [typicalRunMinutes(input.stats, '', provisionMinutes)];
  // a busy bot's run and each queued run: its flow's learned durations, or the group's when the flow's are no different
  const byFlow = new Map<string, readonly number[]>();
  const samplesOf = (flowId: string | undefined) => {
    if (flowId === undefined) return groupSamples;
    let samples = byFlow.get(flowId);
    if (samples === undefined) byFlow.set(flowId, (samples = samplesFor(input.stats.runMsByFlow[flowId]?.map(toMinutes), groupSamples)));
    return samples;
  };
  const bots: StartEstimateBot[] = [];
  for (const b of input.bots) {
    if (b.releaseRequested === true || b.drainRequested === true) continue;
    if (b.state === 'Ready') bots.push({ state: 'Ready', since: b.since });
    else if (b.state === 'Busy') bots.push({ state: 'Busy', since: b.since, runSamplesMinutes: samplesOf(b.runFlowId) });
    else if (b.state === 'Provisioning') bots.push({ state: 'Provisioning', since: b.createdAt });
  }
  const ahead = Array.from({ length: Math.max(0, Math.floor(input.queuedAhead)) }, (_, i) => ({
    id: `ahead-${i}`,
    runMinutes: 0,
    runSamplesMinutes: groupSamples,
  }));
  const page = input.queued.map((r) => ({ id: r.id, runMinutes: 0, runSamplesMinutes: samplesOf(r.desktopFlowId) }));
  const estimates = expectedStarts({ now: input.now, queued: [...ahead, ...page], bots, creating: 0, provisionMinutes }).slice(ahead.length);
  return estimates.map((e) =>
    e.expectedStartAt === undefined
      ? { id: e.id, expectedStartAt: null, reason: input.unservedReason ?? NO_BOT_YET }
      : { id: e.id, expectedStartAt: e.expectedStartAt },
  );
}
