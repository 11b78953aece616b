import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planTarget as plan } from '../../../../domain/planner/plan.js';
import type { PlannerInput } from '../../../../domain/planner/planner-input.js';
import type { Plan } from '../../../../domain/planner/planner-output.js';
import { violations } from './planner-invariants.js';

/**
 * The planner in a loop: each step (one minute) runs end, runs arrive, the planner plans, its decisions are
 * applied (created bots become Ready after `provisionSteps`, a drained bot reprovisions, a busy bot released
 * for a starved group keeps its slot and goes when its run ends, as the bot lifecycle does), then idle bots
 * claim runs. Every plan must keep every invariant, the bots alive must never exceed maxBots or the limit,
 * and every run must start eventually (no group starves, even with more groups than slots). Runs arrive at
 * random for 50 steps; then the loop goes on without arrivals until every queue is empty.
 */

const STEPS = 50;
/** after the arrivals: far more than the slowest environment needs to work its queues off (capacity 1, 10 groups) */
const MAX_EXTRA_STEPS = 5000;
const STEP_MS = 60_000;
const START_MS = Date.parse('2025-03-01T08:00:00.000Z');
const at = (step: number) => new Date(START_MS + step * STEP_MS).toISOString();

type SimState = 'Provisioning' | 'Ready' | 'Busy' | 'Draining';

interface SimBot {
  id: string;
  state: SimState;
  version: string;
  since: number;
  readyAt: number;
  runEndsAt: number;
  /** released while busy: it goes when its run ends (the bot record's releaseRequested) */
  leaving?: boolean;
}

interface GroupConfig {
  maxBots: number;
  committed: number;
  runSteps: number;
  maintenance: [number, number] | undefined;
  imageChangeAt: number | undefined;
}

interface SimConfig {
  capacity: number;
  trial: boolean;
  provisionSteps: number;
  switchOff: [number, number] | undefined;
  groups: GroupConfig[];
  /** arrivals[step][group] */
  arrivals: number[][];
}

interface SimGroup {
  id: string;
  config: GroupConfig;
  version: number;
  bots: SimBot[];
  queue: number[];
  lastActivity: number;
  arrived: number;
  started: number;
  starvedFor: number;
  longestStarved: number;
}

const window = (from: number) =>
  fc.option(
    fc.tuple(fc.integer({ min: from, max: 30 }), fc.integer({ min: 1, max: 8 })).map(([a, len]): [number, number] => [a, a + len]),
    { nil: undefined, freq: 3 },
  );

const arbSimConfig: fc.Arbitrary<SimConfig> = fc
  .record({
    capacity: fc.integer({ min: 1, max: 12 }),
    trial: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
    provisionSteps: fc.integer({ min: 1, max: 3 }),
    switchOff: window(5),
    groups: fc.array(
      fc.record({
        maxBots: fc.integer({ min: 1, max: 6 }),
        committed: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 })),
        runSteps: fc.integer({ min: 1, max: 4 }),
        maintenance: window(0),
        imageChangeAt: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        /** chance of a run arriving in a step, in twentieths */
        arrivalChance: fc.constantFrom(0, 1, 1, 2, 3),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    draws: fc.array(fc.integer({ min: 0, max: 19 }), { minLength: STEPS * 10, maxLength: STEPS * 10 }),
  })
  .map((r) => {
    const limit = r.trial ? Math.min(2, r.capacity) : r.capacity;
    // the API keeps Σ committed within the limit; one slot stays uncommitted so groups without committed bots can run
    let uncommitted = limit - 1;
    const groups = r.groups.map((g) => {
      const committed = Math.min(g.committed, g.maxBots, uncommitted);
      uncommitted -= committed;
      return { ...g, committed };
    });
    const arrivals = Array.from({ length: STEPS }, (_, step) =>
      groups.map((_g, gi) => ((r.draws[step * 10 + gi] ?? 20) < (r.groups[gi]?.arrivalChance ?? 0) ? 1 : 0)),
    );
    return { capacity: r.capacity, trial: r.trial, provisionSteps: r.provisionSteps, switchOff: r.switchOff, groups, arrivals };
  });

const within = (w: [number, number] | undefined, step: number) => w !== undefined && step >= w[0] && step < w[1];

class Simulation {
  readonly groups: SimGroup[];
  readonly problems: string[] = [];
  private nextBot = 0;

  constructor(readonly config: SimConfig) {
    this.groups = config.groups.map((c, i) => ({
      id: `g${i}`,
      config: c,
      version: 1,
      bots: [],
      queue: [],
      lastActivity: 0,
      arrived: 0,
      started: 0,
      starvedFor: 0,
      longestStarved: 0,
    }));
  }

  get limit(): number {
    return this.config.trial ? Math.min(2, this.config.capacity) : this.config.capacity;
  }

  private switchOn(step: number): boolean {
    return !within(this.config.switchOff, step);
  }

  private progress(step: number): void {
    for (const g of this.groups) {
      if (g.config.imageChangeAt === step) g.version += 1;
      // a bot released while busy goes when its run ends, instead of claiming again
      g.bots = g.bots.filter((b) => !(b.leaving === true && b.runEndsAt <= step));
      for (const b of g.bots) {
        if (b.state === 'Provisioning' && b.readyAt <= step) Object.assign(b, { state: 'Ready', since: step });
        else if (b.state === 'Busy' && b.runEndsAt <= step) Object.assign(b, { state: 'Ready', since: step });
        else if (b.state === 'Draining' && b.runEndsAt <= step)
          Object.assign(b, { state: 'Provisioning', version: String(g.version), since: step, readyAt: step + this.config.provisionSteps });
        if (b.runEndsAt === step) g.lastActivity = step;
      }
      const arriving = this.config.arrivals[step]?.[this.groups.indexOf(g)] ?? 0;
      for (let i = 0; i < arriving; i += 1) g.queue.push(step);
      if (arriving > 0) {
        g.arrived += arriving;
        g.lastActivity = step;
      }
    }
  }

  input(step: number): PlannerInput {
    return {
      now: at(step),
      environment: { id: 'env-sim', plan: this.config.trial ? 'trial' : 'paid', capacity: this.config.capacity, hostedRpaEnabled: this.switchOn(step) },
      settings: { botIdleTimeoutSeconds: 120, groupIdleTeardownHours: 0.1 },
      groups: this.groups.map((g) => ({
        id: g.id,
        status: 'active',
        maxBots: g.config.maxBots,
        committedBots: g.config.committed,
        maintenance: within(g.config.maintenance, step),
        imageId: 'img',
        imageVersion: String(g.version),
        lastActivityAt: at(g.lastActivity),
        bots: g.bots.map((b) => ({
          id: b.id,
          state: b.state,
          imageId: 'img',
          imageVersion: b.version,
          since: at(b.since),
          ...(b.leaving === true ? { releaseRequested: true } : {}),
        })),
        queued: { high: 0, normal: g.queue.length, ...(g.queue.length > 0 ? { oldestQueuedAt: at(g.queue[0] ?? step) } : {}) },
      })),
    };
  }

  private apply(p: Plan, step: number): void {
    for (const d of p.decisions) {
      const g = this.groups.find((x) => x.id === d.groupId);
      if (g === undefined) continue;
      if (d.kind === 'release') {
        const bot = g.bots.find((b) => b.id === d.botId);
        if (bot !== undefined && (bot.state === 'Busy' || bot.state === 'Draining')) {
          bot.leaving = true;
          this.handovers += d.reason === 'handover' ? 1 : 0;
        } else {
          g.bots = g.bots.filter((b) => b.id !== d.botId);
        }
      } else if (d.kind === 'drain') {
        const b = g.bots.find((x) => x.id === d.botId);
        if (b?.state === 'Ready')
          Object.assign(b, { state: 'Provisioning', version: String(g.version), since: step, readyAt: step + this.config.provisionSteps });
        else if (b?.state === 'Busy') b.state = 'Draining';
      } else {
        for (let i = 0; i < d.count; i += 1) {
          this.nextBot += 1;
          g.bots.push({
            id: `b${String(this.nextBot).padStart(4, '0')}`,
            state: 'Provisioning',
            version: d.imageVersion,
            since: step,
            readyAt: step + this.config.provisionSteps,
            runEndsAt: -1,
          });
        }
      }
    }
  }

  private dispatch(step: number): void {
    if (!this.switchOn(step)) return;
    for (const g of this.groups) {
      if (within(g.config.maintenance, step)) continue;
      for (const b of g.bots) {
        if (b.state !== 'Ready' || g.queue.length === 0) continue;
        g.queue.shift();
        Object.assign(b, { state: 'Busy', since: step, runEndsAt: step + g.config.runSteps });
        g.started += 1;
        g.lastActivity = step;
      }
    }
  }

  private checkWorld(step: number): void {
    const alive = this.groups.reduce((n, g) => n + g.bots.length, 0);
    if (alive > this.limit) this.problems.push(`step ${step}: ${alive} bots alive, limit ${this.limit}`);
    for (const g of this.groups) {
      if (g.bots.length > g.config.maxBots) this.problems.push(`step ${step}: ${g.id} has ${g.bots.length} bots, maxBots ${g.config.maxBots}`);
      const servable = this.switchOn(step) && !within(g.config.maintenance, step);
      g.starvedFor = servable && g.queue.length > 0 && g.bots.length === 0 ? g.starvedFor + 1 : 0;
      g.longestStarved = Math.max(g.longestStarved, g.starvedFor);
    }
  }

  private get queued(): number {
    return this.groups.reduce((n, g) => n + g.queue.length, 0);
  }

  /** steps it took to start every run */
  steps = 0;
  /** busy bots handed over to a starved group */
  handovers = 0;

  run(): this {
    for (let step = 0; step < STEPS + MAX_EXTRA_STEPS && (step < STEPS || this.queued > 0) && this.problems.length === 0; step += 1) {
      this.progress(step);
      const input = this.input(step);
      const p = plan(input);
      for (const v of violations(input, p)) this.problems.push(`step ${step}: ${v}`);
      this.apply(p, step);
      this.checkWorld(step);
      this.dispatch(step);
      this.steps = step + 1;
    }
    return this;
  }
}

describe('the planner in a loop', () => {
  it('keeps every invariant at every step and eventually starts every run of every group', () => {
    const seen = { longestStarvation: 0, longestLoop: 0, plans: 0, handovers: 0 };
    fc.assert(
      fc.property(arbSimConfig, (config) => {
        const sim = new Simulation(config).run();
        expect(sim.problems).toEqual([]);
        for (const g of sim.groups) {
          expect(g.queue, `${g.id} still has runs waiting after ${sim.steps} steps`).toEqual([]);
          expect(g.started).toBe(g.arrived);
          seen.longestStarvation = Math.max(seen.longestStarvation, g.longestStarved);
        }
        seen.longestLoop = Math.max(seen.longestLoop, sim.steps);
        seen.plans += sim.steps;
        seen.handovers += sim.handovers;
      }),
      { numRuns: 500 },
    );
    console.log(
      `simulation: ${seen.plans} plans, ${seen.handovers} busy bots handed over; the longest loop took ${seen.longestLoop} steps; the longest a servable group waited with no bot was ${seen.longestStarvation} steps`,
    );
    expect(seen.handovers).toBeGreaterThan(0);
  }, 60_000);
});
