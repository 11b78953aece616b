import { creatableNow, occupiedNowOf, plannerGroupOf } from '../../shared/bots/planning-round.js';
import { plan, type Plan, type PlannerGroup, type PlannerInput, type PlannerSettings } from '../../shared/domain/planner/index.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import { PRODUCT_CONFIG } from '../product-settings.js';
import { iso } from '../run-queue.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';

/**
 * This project's policy: the real capacity planner (`plan` from shared/domain/planner), called the way the
 * environment controller calls it (orchestrations/environment-controller.ts, shared/bots/planning-round.ts):
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
}

/** The product's defaults (shared/config/app-config.ts). */
export const PROJECT_DEFAULTS: ProjectSettings = {
  botIdleTimeoutSeconds: PRODUCT_CONFIG.BOT_IDLE_TIMEOUT_SECONDS,
  groupIdleTeardownHours: PRODUCT_CONFIG.GROUP_IDLE_TEARDOWN_HOURS,
  controllerIntervalSeconds: PRODUCT_CONFIG.CONTROLLER_INTERVAL_SECONDS,
};

/** Every simulated group runs one image at one version. */
const SIM_IMAGE_ID = 'image';
const SIM_IMAGE_VERSION = '1';

function plannerGroup(g: SimGroup): PlannerGroup {
  const first = g.queue.first();
  // the simulated group is never edited: its last edit is its creation
  const group = { id: g.id, status: 'active' as const, maxBots: g.config.maxBots, committedBots: g.config.committedBots, maintenance: false, imageId: SIM_IMAGE_ID, imageVersion: SIM_IMAGE_VERSION, ...(g.lastRunStartedAt === undefined ? {} : { lastRunStartedAt: iso(g.lastRunStartedAt) }), updatedAt: iso(g.createdAt) };
  const bots = g.bots.map((b) => ({ id: b.id, groupId: b.groupId, state: b.state, imageId: SIM_IMAGE_ID, imageVersion: SIM_IMAGE_VERSION, since: iso(b.since), ...(b.releaseRequested === undefined ? {} : { releaseRequested: b.releaseRequested }) }));
  return plannerGroupOf(group, bots, { queued: g.queue.length, queuedHigh: g.queue.highCount, oldestQueuedAt: first === undefined ? undefined : iso(first.queuedAt) });
}

export function plannerInput(world: World, settings: PlannerSettings): PlannerInput {
  return {
    now: iso(world.now),
    environment: { id: world.trace.name, plan: 'paid', capacity: world.capacity, hostedRpaEnabled: true },
    groups: world.groups.map(plannerGroup),
    settings: { botIdleTimeoutSeconds: settings.botIdleTimeoutSeconds, groupIdleTeardownHours: settings.groupIdleTeardownHours },
  };
}

/** Applies a plan the way runPlanningRound does: releases at once, creates only in slots free now. */
function applyPlan(world: World, input: PlannerInput, result: Plan): void {
  const startNow = creatableNow(result.limit, occupiedNowOf(input.groups));
  for (const d of result.decisions) {
    if (d.kind === 'release') world.release(d.botId, d.reason, 'deferred');
    // every simulated bot runs the group's one image version: the planner never drains one
    else if (d.kind === 'drain') throw new Error(`unexpected drain of ${d.botId}: the simulator has one image version`);
    else for (let i = startNow(d.count); i > 0; i -= 1) world.createBot(d.groupId);
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

  constructor(
    private readonly settings: ProjectSettings = PROJECT_DEFAULTS,
    options: { planBeforeReclaim?: boolean; keepPlans?: boolean } = {},
  ) {
    this.decideBeforeReclaim = options.planBeforeReclaim ?? false;
    this.keepPlans = options.keepPlans ?? false;
    this.name = this.decideBeforeReclaim ? 'project-plan-on-idle' : 'project';
    this.label = this.decideBeforeReclaim ? 'project, plan before re-claim (what-if)' : 'this project';
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
    applyPlan(world, input, result);
  }
}
