import { plannerGroupOf } from '../../domain/planner/input-projection.js';
import type { Plan, PlannerGroup, PlannerInput, PlannerOutlook, PlannerServiceLevel, PlannerSettings } from '../../domain/planner/index.js';
import { DEFAULT_OUTLOOK, outlookOf, sortedCounter } from '../../domain/planner/outlook.js';
import { plan } from '../../domain/planner/plan.js';
import { estimateStarts } from '../estimates.js';
import { MINUTE } from '../model.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import { PRODUCT_CONFIG } from '../product-settings.js';
import { iso } from '../run-queue.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';

/**
 * This project's policy: the real capacity planner (`plan` from domain/planner), called the way the
 * environment controller calls it (orchestrations/environment-controller.ts, app/bots/planning-round.ts):
 * - when woken: a run submitted, a bot provisioned, failed or torn down; and on its safety timer,
 *   CONTROLLER_INTERVAL_SECONDS after its last plan;
 * - its input built as planningInput builds it: every bot not Deleted (with `releaseRequested` when a release
 *   is pending), queue counts as Normal (priorities are resolved at claim time), oldestQueuedAt of the first run
 *   in dispatch order, lastActivityAt the latest of the group's lastRunStartedAt (or creation) and the moment an idle bot went idle;
 * - its decisions applied as runPlanningRound applies them: releases recorded at once (an idle bot
 *   goes now, a provisioning or busy one at its next claim: a busy bot handed over to a starved group finishes
 *   its run, then tears down instead of claiming, and its teardown wakes the controller), new bots only in
 *   slots free now;
 * - then idle bots of groups with waiting runs are told to claim (the Work signal).
 * After a run ends, its bot claims its group's next run at once, as the bot lifecycle does; the what-if variant
 * (`planBeforeReclaim`) lets the controller plan first: the alternative to the planner's deferred handover, which
 * would need a change to the bot lifecycle (docs/benchmarks.md).
 */
export interface ProjectSettings extends PlannerSettings {
  controllerIntervalSeconds: number;
  /**
   * true: the controller learns each group's outlook (provisioning time, run duration, expected arrivals:
   * domain/planner/outlook.ts) from its own records and passes it to the planner, which then keeps warm bots
   * and adapts the idle keep time; false: the planner as it was (BOT_IDLE_TIMEOUT_SECONDS for every group).
   */
  learn: boolean;
  /** service levels per group id (targetWaitMinutes, minUtilization) */
  serviceLevels?: Record<string, PlannerServiceLevel>;
}

/** The product's defaults (app/config/app-config.ts). */
export const PROJECT_DEFAULTS: ProjectSettings = {
  botIdleTimeoutSeconds: PRODUCT_CONFIG.BOT_IDLE_TIMEOUT_SECONDS,
  groupIdleTeardownHours: PRODUCT_CONFIG.GROUP_IDLE_TEARDOWN_HOURS,
  controllerIntervalSeconds: PRODUCT_CONFIG.CONTROLLER_INTERVAL_SECONDS,
  learn: true,
  warmQuantile: 0,
};

/** The planner as committed before the outlook: no learning, BOT_IDLE_TIMEOUT_SECONDS for every group. */
export const PROJECT_FIXED: ProjectSettings = { ...PROJECT_DEFAULTS, learn: false, warmQuantile: 0 };

/** Every simulated group runs one image at one version. */
const SIM_IMAGE_ID = 'image';
const SIM_IMAGE_VERSION = '1';

/** What the controller learned about a group from its records (bot and run documents): see outlook.ts. */
const outlookCache = new WeakMap<SimGroup, { key: string; outlook: PlannerOutlook }>();

/**
 * What the controller learned about a group from its records (bot and run documents): see outlook.ts. Recomputed
 * when a bot comes up or 30 s have passed (the controller's statistics are that fresh).
 */
export function outlookOfGroup(world: World, g: SimGroup): PlannerOutlook {
  const arrivals = world.observed.arrivals.get(g.id) ?? [];
  const key = `${Math.floor(world.now / 30_000)}:${world.observed.provisionMs.get(g.id)?.length ?? 0}`;
  const cached = outlookCache.get(g);
  if (cached !== undefined && cached.key === key) return cached.outlook;
  const outlook = computeOutlook(world, g, arrivals);
  outlookCache.set(g, { key, outlook });
  return outlook;
}

function computeOutlook(world: World, g: SimGroup, arrivals: readonly number[]): PlannerOutlook {
  const runMs = world.groupRunMs(g.id);
  return outlookOf({ provisionMs: world.observed.provisionMs.get(g.id) ?? [], runMs, count: sortedCounter(arrivals) }, world.now, {
    ...DEFAULT_OUTLOOK,
    defaultProvisionMinutes: world.platform.provisionMs / MINUTE,
  });
}

function plannerGroup(g: SimGroup): PlannerGroup {
  const first = g.queue.first();
  // the simulated group is never edited: its last edit is its creation
  const group = {
    id: g.id,
    status: 'active' as const,
    maxBots: g.config.maxBots,
    committedBots: g.config.committedBots,
    maintenance: false,
    imageId: SIM_IMAGE_ID,
    imageVersion: SIM_IMAGE_VERSION,
    ...(g.lastRunStartedAt === undefined ? {} : { lastRunStartedAt: iso(g.lastRunStartedAt) }),
    updatedAt: iso(g.createdAt),
  };
  const bots = g.bots.map((b) => ({
    id: b.id,
    groupId: b.groupId,
    state: b.state,
    imageId: SIM_IMAGE_ID,
    imageVersion: SIM_IMAGE_VERSION,
    since: iso(b.since),
    ...(b.releaseRequested === undefined ? {} : { releaseRequested: b.releaseRequested }),
  }));
  return plannerGroupOf(group, bots, {
    queued: g.queue.length,
    queuedHigh: g.queue.highCount,
    oldestQueuedAt: first === undefined ? undefined : iso(first.queuedAt),
  });
}

export function plannerInput(world: World, settings: PlannerSettings & Partial<Pick<ProjectSettings, 'learn' | 'serviceLevels'>>): PlannerInput {
  const groups = world.groups.map((g) => {
    const group = plannerGroup(g);
    if (settings.learn === true) group.outlook = outlookOfGroup(world, g);
    const sl = settings.serviceLevels?.[g.id] ?? g.config.serviceLevel;
    if (sl !== undefined) group.serviceLevel = sl;
    if (g.config.capacitySchedule !== undefined)
      group.capacitySchedule = g.config.capacitySchedule.map((w) => ({ from: iso(w.from), to: iso(w.to), committedBots: w.committedBots }));
    return group;
  });
  return {
    now: iso(world.now),
    environment: { id: world.trace.name, plan: 'paid', capacity: world.capacity, hostedRpaEnabled: true },
    groups,
    settings: {
      botIdleTimeoutSeconds: settings.botIdleTimeoutSeconds,
      groupIdleTeardownHours: settings.groupIdleTeardownHours,
      ...(settings.warmQuantile === undefined ? {} : { warmQuantile: settings.warmQuantile }),
    },
  };
}

/** Applies a plan the way runPlanningRound does: releases at once, every create (plan() cut them to the slots free now). */
function applyPlan(world: World, result: Plan): void {
  for (const d of result.decisions) {
    if (d.kind === 'release') world.release(d.botId, d.reason, 'deferred');
    // every simulated bot runs the group's one image version: the planner never drains one
    else if (d.kind === 'drain') throw new Error(`unexpected drain of ${d.botId}: the simulator has one image version`);
    else for (let i = d.count; i > 0; i -= 1) world.createBot(d.groupId);
  }
}

export class ProjectPolicy implements ScalingPolicy {
  readonly name: string;
  readonly label: string;
  readonly intervalMs: number;
  readonly timerRestarts = true;
  readonly dispatchOnArrival = false;
  readonly decideBeforeReclaim: boolean;
  /** every plan made, for tests (off by default: it grows) */
  readonly plans: Plan[] = [];
  private readonly keepPlans: boolean;
  private readonly estimate: boolean;
  /** per group: the queue's `added` count at the last estimate */
  private readonly estimated = new Map<string, number>();

  constructor(
    private readonly settings: ProjectSettings = PROJECT_DEFAULTS,
    options: { planBeforeReclaim?: boolean; keepPlans?: boolean; estimate?: boolean; name?: string; label?: string } = {},
  ) {
    this.decideBeforeReclaim = options.planBeforeReclaim ?? false;
    this.keepPlans = options.keepPlans ?? false;
    this.estimate = options.estimate ?? false;
    this.name = options.name ?? (this.decideBeforeReclaim ? 'project-plan-on-idle' : 'project');
    this.label = options.label ?? (this.decideBeforeReclaim ? 'project, plan before re-claim (what-if)' : 'this project');
    this.intervalMs = settings.controllerIntervalSeconds * 1000;
  }

  wakesOn(event: WorldEvent): boolean {
    // the controller is woken by a submit and by bot lifecycles (provisioned, failed, torn down); a run's end
    // only wakes it in the what-if variant
    return event !== 'run-ended' || this.decideBeforeReclaim;
  }

  decide(world: World): void {
    const input = plannerInput(world, this.settings);
    const result = plan(input);
    if (this.keepPlans) this.plans.push(result);
    applyPlan(world, result);
    if (this.estimate) estimateStarts(world, this.estimated);
  }
}
