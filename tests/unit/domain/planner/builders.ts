import type { BotState, PlannerBot, PlannerGroup, PlannerInput, PlannerSettings } from '../../../../domain/planner/planner-input.js';
import type { CreateReason, ReleaseReason } from '../../../../domain/planner/reasons.js';
import type { Plan, UnservedGroup } from '../../../../domain/planner/planner-output.js';

/** Fixture builders for planner inputs, and readers for plans: tests say what they mean, not JSON. */

export const NOW = '2025-03-01T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);

export function secondsAgo(seconds: number): string {
  return new Date(NOW_MS - seconds * 1000).toISOString();
}

export const DEFAULT_SETTINGS: PlannerSettings = { botIdleTimeoutSeconds: 900, groupIdleTeardownHours: 3 };

export class BotBuilder {
  private state: BotState = 'Ready';
  private sinceSeconds = 0;
  private image: { id?: string; version?: string } = {};
  private releaseRequested = false;

  constructor(readonly id: string) {}

  inState(state: BotState): this {
    this.state = state;
    return this;
  }
  idle(forSeconds = 0): this {
    this.state = 'Ready';
    this.sinceSeconds = forSeconds;
    return this;
  }
  busy(): this {
    return this.inState('Busy');
  }
  /** Busy, running its run for this long */
  busyFor(seconds: number): this {
    this.state = 'Busy';
    this.sinceSeconds = seconds;
    return this;
  }
  /** a release asked by an earlier plan is pending: the bot goes after its run */
  leaving(): this {
    this.releaseRequested = true;
    return this;
  }
  provisioning(): this {
    return this.inState('Provisioning');
  }
  draining(): this {
    return this.inState('Draining');
  }
  onImageVersion(version: string, imageId?: string): this {
    this.image = { version, ...(imageId === undefined ? {} : { id: imageId }) };
    return this;
  }

  build(group: { imageId: string; imageVersion: string }): PlannerBot {
    return {
      id: this.id,
      state: this.state,
      imageId: this.image.id ?? group.imageId,
      imageVersion: this.image.version ?? group.imageVersion,
      since: secondsAgo(this.sinceSeconds),
      ...(this.releaseRequested ? { releaseRequested: true } : {}),
    };
  }
}

export function aBot(id: string): BotBuilder {
  return new BotBuilder(id);
}

export class GroupBuilder {
  private maxBots = 10;
  private committed = 0;
  private maintenance = false;
  private status: PlannerGroup['status'] = 'active';
  private image = { imageId: 'img-1', imageVersion: '1' };
  private idleSeconds = 0;
  private queue = { high: 0, normal: 0, waitSeconds: 60 };
  private readonly bots: BotBuilder[] = [];

  constructor(readonly id: string) {}

  withMaxBots(n: number): this {
    this.maxBots = n;
    return this;
  }
  withCommitted(n: number): this {
    this.committed = n;
    return this;
  }
  /** `n` Normal runs queued, the oldest `oldestWaitSeconds` ago */
  withQueued(n: number, oldestWaitSeconds = 60): this {
    this.queue = { ...this.queue, normal: n, waitSeconds: oldestWaitSeconds };
    return this;
  }
  withHighQueued(n: number): this {
    this.queue = { ...this.queue, high: n };
    return this;
  }
  inMaintenance(): this {
    this.maintenance = true;
    return this;
  }
  deleted(): this {
    this.status = 'deleted';
    return this;
  }
  /** nothing happened on the group for this long */
  idleFor(seconds: number): this {
    this.idleSeconds = seconds;
    return this;
  }
  onImage(imageId: string, imageVersion: string): this {
    this.image = { imageId, imageVersion };
    return this;
  }
  private add(n: number, shape: (b: BotBuilder) => BotBuilder): this {
    for (let i = 0; i < n; i += 1) this.bots.push(shape(aBot(`${this.id}-b${String(this.bots.length + 1).padStart(2, '0')}`)));
    return this;
  }
  withReady(n: number, idleSeconds = 0): this {
    return this.add(n, (b) => b.idle(idleSeconds));
  }
  withBusy(n: number): this {
    return this.add(n, (b) => b.busy());
  }
  withProvisioning(n: number): this {
    return this.add(n, (b) => b.provisioning());
  }
  withDraining(n: number): this {
    return this.add(n, (b) => b.draining());
  }
  withBotsIn(state: BotState, n: number): this {
    return this.add(n, (b) => b.inState(state));
  }
  /** `n` bots in `state` with a release pending (asked by an earlier plan) */
  withLeaving(n: number, state: BotState = 'Busy'): this {
    return this.add(n, (b) => b.inState(state).leaving());
  }
  withBot(bot: BotBuilder): this {
    this.bots.push(bot);
    return this;
  }

  build(): PlannerGroup {
    const queued = this.queue.high + this.queue.normal;
    return {
      id: this.id,
      status: this.status,
      maxBots: this.maxBots,
      committedBots: this.committed,
      maintenance: this.maintenance,
      ...this.image,
      lastActivityAt: secondsAgo(this.idleSeconds),
      bots: this.bots.map((b) => b.build(this.image)),
      queued: { high: this.queue.high, normal: this.queue.normal, ...(queued > 0 ? { oldestQueuedAt: secondsAgo(this.queue.waitSeconds) } : {}) },
    };
  }
}

export function aGroup(id: string): GroupBuilder {
  return new GroupBuilder(id);
}

export class EnvironmentBuilder {
  private capacity = 10;
  private planKind: 'paid' | 'trial' = 'paid';
  private enabled = true;
  private settings: PlannerSettings = DEFAULT_SETTINGS;
  private readonly groups: GroupBuilder[] = [];

  constructor(readonly id: string) {}

  withCapacity(n: number): this {
    this.capacity = n;
    return this;
  }
  onTrial(): this {
    this.planKind = 'trial';
    return this;
  }
  switchedOff(): this {
    this.enabled = false;
    return this;
  }
  withSettings(settings: Partial<PlannerSettings>): this {
    this.settings = { ...this.settings, ...settings };
    return this;
  }
  withGroups(...groups: GroupBuilder[]): this {
    this.groups.push(...groups);
    return this;
  }

  build(): PlannerInput {
    return {
      now: NOW,
      environment: { id: this.id, plan: this.planKind, capacity: this.capacity, hostedRpaEnabled: this.enabled },
      groups: this.groups.map((g) => g.build()),
      settings: this.settings,
    };
  }
}

export function anEnvironment(id = 'env-1'): EnvironmentBuilder {
  return new EnvironmentBuilder(id);
}

// ---- reading plans ------------------------------------------------------------------------------------

export function createdIn(plan: Plan, groupId: string, reason?: CreateReason): number {
  return plan.decisions.reduce((n, d) => (d.kind === 'create' && d.groupId === groupId && (reason === undefined || d.reason === reason) ? n + d.count : n), 0);
}

export function releasedIn(plan: Plan, groupId: string, reason?: ReleaseReason): string[] {
  return plan.decisions.flatMap((d) => (d.kind === 'release' && d.groupId === groupId && (reason === undefined || d.reason === reason) ? [d.botId] : []));
}

export function drainedIn(plan: Plan, groupId: string): string[] {
  return plan.decisions.flatMap((d) => (d.kind === 'drain' && d.groupId === groupId ? [d.botId] : []));
}

export function unservedOf(plan: Plan, groupId: string): UnservedGroup | undefined {
  return plan.unserved.find((u) => u.groupId === groupId);
}

/** Bots created per group (groups that got none are left out): the shape most table rows expect. */
export function createdByGroup(plan: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of plan.groups) if (g.created > 0) out[g.groupId] = g.created;
  return out;
}
