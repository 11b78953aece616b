import fc from 'fast-check';
import type { BotState, PlannerBot, PlannerGroup, PlannerInput } from '../../../../domain/planner/planner-input.js';
import { NOW, secondsAgo } from './builders.js';

/**
 * Random environments for the property tests: 1..10 groups, capacity 0..60, trial or paid, the switch on or
 * off, bots in every state and of two image versions (some of another image, one in ten with a release
 * pending), queues from empty to long.
 * Σ committed never exceeds the parallel limit (the API refuses it, so the planner may rely on it); bots
 * may exceed maxBots or the limit (either may have been lowered since they were created).
 */

const ALL_STATES: readonly BotState[] = ['Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning', 'Deleted', 'Failed'];

const weightedBoolean = (trueWeight: number, falseWeight: number) =>
  fc.oneof({ weight: trueWeight, arbitrary: fc.constant(true) }, { weight: falseWeight, arbitrary: fc.constant(false) });

const arbBot = fc.record({
  state: fc.constantFrom(...ALL_STATES),
  version: fc.constantFrom('1', '2'),
  otherImage: weightedBoolean(1, 9),
  /** a release asked by an earlier plan, still pending (the bot record's releaseRequested) */
  leaving: weightedBoolean(1, 9),
  sinceSeconds: fc.oneof(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 4 * 3600 })),
});

const arbGroupSpec = fc.record({
  maxBots: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 50 })),
  committed: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 50 })),
  maintenance: weightedBoolean(1, 6),
  deleted: weightedBoolean(1, 12),
  version: fc.constantFrom('1', '2'),
  idleSeconds: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 5 * 3600 })),
  bots: fc.array(arbBot, { maxLength: 12 }),
  high: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 })),
  normal: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })),
  waitSeconds: fc.integer({ min: 0, max: 7200 }),
});

type GroupSpec = typeof arbGroupSpec extends fc.Arbitrary<infer T> ? T : never;

function buildGroup(spec: GroupSpec, index: number, committed: number): PlannerGroup {
  const id = `g${index}`;
  const bots: PlannerBot[] = spec.bots.map((b, i) => ({
    id: `${id}-b${String(i).padStart(2, '0')}`,
    state: b.state,
    imageId: b.otherImage ? 'img-0' : 'img-1',
    imageVersion: b.version,
    since: secondsAgo(b.sinceSeconds),
    ...(b.leaving ? { releaseRequested: true } : {}),
  }));
  const queued = spec.high + spec.normal;
  return {
    id,
    status: spec.deleted ? 'deleted' : 'active',
    maxBots: spec.maxBots,
    committedBots: committed,
    maintenance: spec.maintenance,
    imageId: 'img-1',
    imageVersion: spec.version,
    lastActivityAt: secondsAgo(spec.idleSeconds),
    bots,
    queued: { high: spec.high, normal: spec.normal, ...(queued > 0 ? { oldestQueuedAt: secondsAgo(spec.waitSeconds) } : {}) },
  };
}

interface EnvironmentSpec {
  capacity: number;
  trial: boolean;
  switchOn: boolean;
  botIdleTimeoutSeconds: number;
  groupIdleTeardownHours: number;
  groups: GroupSpec[];
}

function buildInput(r: EnvironmentSpec): PlannerInput {
  const limit = r.trial ? Math.min(2, r.capacity) : r.capacity;
  let uncommitted = limit;
  const groups = r.groups.map((spec, i) => {
    const committed = spec.deleted ? 0 : Math.min(spec.committed, spec.maxBots, uncommitted);
    uncommitted -= committed;
    return buildGroup(spec, i, committed);
  });
  return {
    now: NOW,
    environment: { id: 'env-p', plan: r.trial ? 'trial' : 'paid', capacity: r.capacity, hostedRpaEnabled: r.switchOn },
    groups,
    settings: { botIdleTimeoutSeconds: r.botIdleTimeoutSeconds, groupIdleTeardownHours: r.groupIdleTeardownHours },
  };
}

const arbSettings = {
  botIdleTimeoutSeconds: fc.constantFrom(60, 300, 900, 3600),
  groupIdleTeardownHours: fc.constantFrom(0.25, 1, 3),
};

export const arbPlannerInput: fc.Arbitrary<PlannerInput> = fc
  .record({
    capacity: fc.integer({ min: 0, max: 60 }),
    trial: weightedBoolean(1, 3),
    switchOn: weightedBoolean(6, 1),
    ...arbSettings,
    groups: fc.array(arbGroupSpec, { minLength: 1, maxLength: 10 }),
  })
  .map(buildInput);

const CONTENDED_STATES: readonly BotState[] = ['Provisioning', 'Ready', 'Ready', 'Busy', 'Busy', 'Busy'];

/**
 * Environments where slots are scarce: paid, switched on, a capacity within one of the bots alive, bots
 * mostly Busy or Ready, queues everywhere. Where the fairness rules (reclaiming idle bots, starved groups)
 * actually decide something.
 */
export const arbContendedInput: fc.Arbitrary<PlannerInput> = fc
  .record({
    slack: fc.integer({ min: -1, max: 1 }),
    ...arbSettings,
    groups: fc.array(
      fc.record({
        spec: arbGroupSpec,
        states: fc.array(fc.constantFrom(...CONTENDED_STATES), { maxLength: 6 }),
        queued: fc.integer({ min: 0, max: 6 }),
      }),
      { minLength: 2, maxLength: 6 },
    ),
  })
  .map((r) => {
    const groups = r.groups.map(({ spec, states, queued }) => ({
      ...spec,
      deleted: false,
      maintenance: false,
      maxBots: Math.max(spec.maxBots, states.length + 1),
      committed: Math.min(spec.committed, 2),
      normal: queued,
      high: 0,
      bots: states.map((state, i) => ({ ...(spec.bots[i] ?? { version: spec.version, otherImage: false, leaving: false, sinceSeconds: 30 }), state })),
    }));
    const alive = groups.reduce((n, g) => n + g.bots.length, 0);
    return buildInput({ ...r, capacity: Math.max(1, alive + r.slack), trial: false, switchOn: true, groups });
  });
