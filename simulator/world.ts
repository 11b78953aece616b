import { shouldTouchGroup } from '../domain/run-claim.js';
import { deadlineVerdict, DEFAULT_TIMEOUT_MINUTES, firstWatchdogWake } from '../domain/run.js';
import { EventQueue } from './event-queue.js';
import { holdsSlot, provisionBackoffMs, type PlatformSettings, type SimBot, type SimRun, type Trace } from './model.js';
import type { ScalingPolicy, WorldEvent } from './policy.js';
import { Recorder, type GroupLoad } from './recorder.js';
import { MINUTE } from './model.js';
import { logNormal, rngOf, uniform } from './rng.js';
import { iso } from './run-queue.js';
import { SimGroup } from './sim-group.js';

/**
 * The simulated platform every policy runs on: groups with their queues (in the product's dispatch order),
 * bots that provision (with jitter, failures and the bot lifecycle's retries), claim the first run of their
 * group when Ready, run it, go idle, and tear down when released; the queued-run watchdog (the product's
 * deadline rule). Policies act only through createBot and release.
 */
export type SimEvent =
  | { kind: 'arrival'; run: SimRun }
  | { kind: 'attempt-done'; bot: SimBot; attempt: number; ok: boolean }
  | { kind: 'retry'; bot: SimBot; attempt: number }
  | { kind: 'run-end'; bot: SimBot; run: SimRun }
  | { kind: 'teardown-done'; bot: SimBot }
  | { kind: 'watchdog'; run: SimRun }
  | { kind: 'timer'; generation: number };

export interface WorldCounters {
  provisioningFailures: number;
  allocationFailures: number;
  decisions: number;
}

/**
 * What a controller can learn from its own records (bot documents, run documents): per group, the provisioning
 * times of its bots, the arrival times of its runs, and per flow the durations of finished runs. Policies that learn
 * (the project's, Managed DevOps Pools' automatic standby) read these, never the trace's future.
 */
export interface Observations {
  provisionMs: Map<string, number[]>;
  arrivals: Map<string, number[]>;
  runMs: Map<string, number[]>;
}

export class World {
  readonly clock: EventQueue<SimEvent>;
  readonly groups: SimGroup[];
  readonly runs: SimRun[];
  readonly recorder: Recorder;
  readonly counters: WorldCounters = { provisioningFailures: 0, allocationFailures: 0, decisions: 0 };
  readonly observed: Observations = { provisionMs: new Map(), arrivals: new Map(), runMs: new Map() };
  readonly platform: PlatformSettings;
  /** every bot ever created, Deleted ones included */
  readonly allBots: SimBot[] = [];
  private readonly byId = new Map<string, SimGroup>();
  private readonly runsById = new Map<string, SimRun>();
  private timerGeneration = 0;

  constructor(
    readonly trace: Trace,
    readonly policy: ScalingPolicy,
    platform: PlatformSettings,
    readonly seed: number,
    keepSeries: boolean,
  ) {
    this.platform = { ...platform, ...trace.platform };
    this.clock = new EventQueue<SimEvent>(trace.start);
    this.groups = trace.groups.map((g) => new SimGroup(g, trace.start));
    for (const g of this.groups) this.byId.set(g.id, g);
    this.recorder = new Recorder(trace.start, keepSeries);
    this.runs = trace.runs.map((r) => ({ ...r, state: 'Queued' }));
    for (const run of this.runs) this.runsById.set(run.id, run);
    for (const run of this.runs) this.clock.schedule(run.queuedAt, { kind: 'arrival', run });
    this.clock.schedule(trace.start, { kind: 'timer', generation: 0 });
  }

  get now(): number {
    return this.clock.now;
  }

  get capacity(): number {
    return this.trace.capacity;
  }

  group(id: string): SimGroup {
    const g = this.byId.get(id);
    if (g === undefined) throw new Error(`no group ${id}`);
    return g;
  }

  /** Bots holding a slot, across groups. */
  occupied(): number {
    return this.groups.reduce((sum, g) => sum + g.alive().length, 0);
  }

  loads(): GroupLoad[] {
    return this.groups.map((g) => g.load());
  }

  // ---- what policies may do -------------------------------------------------------------------------

  /** Starts a bot in the group: Provisioning now, Ready once an attempt succeeds. */
  createBot(groupId: string): SimBot {
    const g = this.group(groupId);
    const ordinal = g.nextOrdinal++;
    const bot: SimBot = {
      id: `${g.id}-b${String(ordinal).padStart(4, '0')}`,
      groupId,
      state: 'Provisioning',
      since: this.now,
      createdAt: this.now,
      ordinal,
      attempt: 0,
      runsServed: 0,
    };
    g.bots.push(bot);
    this.allBots.push(bot);
    this.startAttempt(bot, 1);
    return bot;
  }

  /**
   * Releases a bot. An idle one tears down at once; a provisioning or busy one is asked (`deferred`, as the
   * product does: it acts on the request at its next claim) or, with `cancel`, a provisioning one is cancelled
   * now (what a VM scale set or a Kubernetes scale-down does).
   */
  release(botId: string, reason: string, mode: 'deferred' | 'cancel' = 'deferred'): void {
    const bot = this.findBot(botId);
    if (bot === undefined || !holdsSlot(bot.state)) return;
    if (bot.state === 'Ready' || (mode === 'cancel' && bot.state === 'Provisioning')) this.teardown(bot);
    else bot.releaseRequested ??= reason;
  }

  /** The durations of the group's finished runs (every flow), in the order they ended. */
  groupRunMs(groupId: string): number[] {
    return this.observed.runMs.get(`group:${groupId}`) ?? [];
  }

  run(runId: string): SimRun | undefined {
    return this.runsById.get(runId);
  }

  findBot(botId: string): SimBot | undefined {
    for (const g of this.groups) {
      const bot = g.bots.find((b) => b.id === botId);
      if (bot !== undefined) return bot;
    }
    return undefined;
  }

  // ---- the platform ---------------------------------------------------------------------------------

  handle(event: SimEvent): void {
    this.recorder.advance(this.now, this.loads());
    switch (event.kind) {
      case 'arrival':
        this.arrive(event.run);
        break;
      case 'attempt-done':
        this.attemptDone(event.bot, event.attempt, event.ok);
        break;
      case 'retry':
        if (event.bot.state === 'Provisioning' && event.bot.attempt === event.attempt - 1) this.startAttempt(event.bot, event.attempt);
        break;
      case 'run-end':
        this.runEnded(event.bot, event.run);
        break;
      case 'teardown-done':
        event.bot.state = 'Deleted';
        event.bot.since = this.now;
        this.group(event.bot.groupId).bots = this.group(event.bot.groupId).bots.filter((b) => b !== event.bot);
        this.notify('bot-gone');
        break;
      case 'watchdog':
        this.watchdog(event.run);
        break;
      case 'timer':
        if (this.policy.timerRestarts ? event.generation === this.timerGeneration : true) this.decide(true);
        break;
    }
    this.recorder.sample(this.now, this.loads());
  }

  private arrive(run: SimRun): void {
    const g = this.group(run.groupId);
    g.queue.add(run);
    g.lastQueuedAt = this.now;
    push(this.observed.arrivals, g.id, this.now);
    this.clock.schedule(Date.parse(firstWatchdogWake(iso(run.queuedAt), DEFAULT_TIMEOUT_MINUTES, this.platform.queuedRunTimeoutMinutes)), {
      kind: 'watchdog',
      run,
    });
    if (this.policy.dispatchOnArrival) this.dispatchIdle(g);
    this.notify('run-queued');
  }

  /** The run's watchdog, with the product's deadline rule: a run queued too long ends TimedOut. */
  private watchdog(run: SimRun): void {
    const verdict = deadlineVerdict(
      {
        state: run.state === 'Queued' || run.state === 'Running' ? run.state : 'Succeeded',
        queuedAt: iso(run.queuedAt),
        ...(run.startedAt === undefined ? {} : { startedAt: iso(run.startedAt) }),
        timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
      },
      new Date(this.now),
      this.platform.queuedRunTimeoutMinutes,
    );
    if (verdict.kind === 'wakeAt') this.clock.schedule(Date.parse(verdict.at), { kind: 'watchdog', run });
    if (verdict.kind !== 'timeOut' || run.state !== 'Queued') return;
    this.group(run.groupId).queue.remove(run);
    run.state = 'TimedOut';
    run.endedAt = this.now;
  }

  private startAttempt(bot: SimBot, attempt: number): void {
    const p = this.platform;
    const rng = rngOf(this.seed, `provision:${bot.groupId}#${bot.ordinal}#${attempt}`);
    const delay =
      p.provisionSigma === undefined
        ? p.provisionMs * (1 + p.provisionJitter * uniform(rng, -1, 1))
        : Math.max(p.provisionMs / 3, logNormal(rng, p.provisionMs, p.provisionSigma));
    const lucky = rng.next() >= p.failureRate;
    const failsAt = delay * uniform(rng, 0.3, 1);
    bot.attempt = attempt;
    if (this.inOutage(this.now)) {
      // AllocationFailed: the region has no capacity for the VM size now; the attempt fails fast
      this.counters.allocationFailures += 1;
      this.clock.schedule(this.now + (p.allocationFailureMs ?? MINUTE), { kind: 'attempt-done', bot, attempt, ok: false });
      return;
    }
    // a failed attempt fails somewhere along the way
    this.clock.schedule(this.now + (lucky ? delay : failsAt), { kind: 'attempt-done', bot, attempt, ok: lucky });
  }

  private attemptDone(bot: SimBot, attempt: number, ok: boolean): void {
    if (bot.state !== 'Provisioning' || bot.attempt !== attempt) return; // cancelled meanwhile
    if (!ok) {
      this.counters.provisioningFailures += 1;
      if (attempt >= this.platform.provisionMaxAttempts) {
        bot.state = 'Failed';
        bot.since = this.now;
        this.notify('bot-failed');
        return;
      }
      this.clock.schedule(this.now + provisionBackoffMs(this.platform, attempt), { kind: 'retry', bot, attempt: attempt + 1 });
      return;
    }
    bot.state = 'Ready';
    bot.since = this.now;
    bot.readyAt = this.now;
    push(this.observed.provisionMs, bot.groupId, this.now - bot.createdAt);
    this.claim(bot);
    this.notify('bot-ready');
  }

  private runEnded(bot: SimBot, run: SimRun): void {
    const g = this.group(bot.groupId);
    run.state = 'Succeeded';
    run.endedAt = this.now;
    push(this.observed.runMs, run.flowId ?? run.groupId, run.durationMs);
    push(this.observed.runMs, `group:${run.groupId}`, run.durationMs);
    g.lastRunEndedAt = this.now;
    bot.runId = undefined;
    bot.state = 'Ready';
    bot.since = this.now;
    if (this.policy.decideBeforeReclaim) {
      this.notify('run-ended');
      if (bot.state === 'Ready') this.claim(bot);
    } else {
      this.claim(bot);
      this.notify('run-ended');
    }
  }

  /**
   * A bot looks for work (the bot lifecycle's claim): a release asked meanwhile comes first; then the
   * first queued run of its group in dispatch order; otherwise it stays Ready (idle since it last went idle).
   */
  private claim(bot: SimBot): void {
    if (bot.releaseRequested !== undefined) return this.teardown(bot);
    const g = this.group(bot.groupId);
    const run = g.queue.take();
    if (run === undefined) return;
    run.state = 'Running';
    run.startedAt = this.now;
    run.botId = bot.id;
    bot.state = 'Busy';
    bot.since = this.now;
    bot.runId = run.id;
    bot.runsServed += 1;
    // the claim refreshes the group's lastRunStartedAt at most hourly, as the product's does
    if (shouldTouchGroup(g.lastRunStartedAt === undefined ? undefined : iso(g.lastRunStartedAt), iso(this.now))) g.lastRunStartedAt = this.now;
    this.clock.schedule(this.now + run.durationMs, { kind: 'run-end', bot, run });
  }

  /** Idle bots of groups with waiting runs claim (the Work signal, or an agent's receive returning). */
  dispatchIdle(only?: SimGroup): void {
    for (const g of only === undefined ? this.groups : [only]) {
      for (const bot of g.inState('Ready')) {
        if (g.queue.length === 0) break;
        this.claim(bot);
      }
    }
  }

  private teardown(bot: SimBot): void {
    bot.state = 'Deprovisioning';
    bot.since = this.now;
    this.clock.schedule(this.now + this.platform.teardownMs, { kind: 'teardown-done', bot });
  }

  private inOutage(t: number): boolean {
    for (const o of this.trace.outages ?? []) if (o.from <= t && t < o.to) return true;
    return false;
  }

  private notify(event: WorldEvent): void {
    if (this.policy.wakesOn(event)) this.decide(false);
  }

  private decide(fromTimer: boolean): void {
    this.counters.decisions += 1;
    this.policy.decide(this);
    this.dispatchIdle();
    if (this.policy.timerRestarts) {
      this.timerGeneration += 1;
      this.clock.schedule(this.now + this.policy.intervalMs, { kind: 'timer', generation: this.timerGeneration });
    } else if (fromTimer) {
      this.clock.schedule(this.now + this.policy.intervalMs, { kind: 'timer', generation: 0 });
    }
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
