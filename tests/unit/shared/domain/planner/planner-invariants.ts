import { OCCUPYING_STATES, type PlannerBot, type PlannerGroup, type PlannerInput } from '../../../../../shared/domain/planner/planner-input.js';
import type { Plan } from '../../../../../shared/domain/planner/planner-output.js';

/**
 * The planner's invariants, checked from the outside: from the input and the decisions only, never from the
 * plan's own bookkeeping. `violations` answers a list of sentences, empty when every invariant holds, so a
 * failing property shows what broke.
 */

const HOUR_MS = 3_600_000;

interface Facts {
  group: PlannerGroup;
  committed: number;
  queued: number;
  running: number;
  cold: boolean;
  /** may get bots for its runs: active, switch on, not cold, not in maintenance */
  servable: boolean;
  /** may be topped up to its committed bots: as above, maintenance allowed */
  warmable: boolean;
  before: number;
  released: PlannerBot[];
  /** idle bots this group handed over to another group */
  releasedFor: number;
  drained: PlannerBot[];
  createdCommitted: number;
  createdDemand: number;
  created: number;
  after: number;
  readyLeft: number;
  hardLeft: number;
  target: number;
  waitingSinceMs: number;
}

function factsOf(input: PlannerInput, plan: Plan): Facts[] {
  const nowMs = Date.parse(input.now);
  const on = input.environment.hostedRpaEnabled;
  return input.groups.map((group) => {
    const occupying = group.bots.filter((b) => OCCUPYING_STATES.includes(b.state));
    const queued = group.queued.high + group.queued.normal;
    const running = group.bots.filter((b) => b.state === 'Busy' || b.state === 'Draining').length;
    const committed = Math.min(group.committedBots, group.maxBots);
    const active = group.status === 'active';
    const cold = active && queued === 0 && running === 0 && nowMs - Date.parse(group.lastActivityAt) >= input.settings.groupIdleTeardownHours * HOUR_MS;
    const mine = plan.decisions.filter((d) => d.groupId === group.id);
    const botsNamed = (kind: 'release' | 'drain') =>
      mine.flatMap((d) => (d.kind === kind ? group.bots.filter((b) => b.id === d.botId) : []));
    const released = botsNamed('release');
    const createdOf = (reason: 'committed' | 'demand') => mine.reduce((n, d) => (d.kind === 'create' && d.reason === reason ? n + d.count : n), 0);
    const createdCommitted = createdOf('committed');
    const createdDemand = createdOf('demand');
    const left = occupying.filter((b) => !released.includes(b));
    const servable = active && on && !cold && !group.maintenance;
    const warmable = active && on && !cold;
    const target = !warmable ? 0 : Math.min(group.maxBots, Math.max(committed, servable ? queued + running : running));
    const oldest = Date.parse(group.queued.oldestQueuedAt ?? '');
    return {
      group,
      committed,
      queued,
      running,
      cold,
      servable,
      warmable,
      before: occupying.length,
      released,
      releasedFor: mine.filter((d) => d.kind === 'release' && d.forGroupId !== undefined).length,
      drained: botsNamed('drain'),
      createdCommitted,
      createdDemand,
      created: createdCommitted + createdDemand,
      after: occupying.length - released.length + createdCommitted + createdDemand,
      readyLeft: left.filter((b) => b.state === 'Ready').length,
      hardLeft: left.filter((b) => b.state !== 'Ready').length,
      target,
      waitingSinceMs: queued > 0 && !Number.isNaN(oldest) ? oldest : Number.POSITIVE_INFINITY,
    };
  });
}

function limitOf(input: PlannerInput): number {
  return input.environment.plan === 'trial' ? Math.min(2, input.environment.capacity) : input.environment.capacity;
}

/** An idle bot `h` could still give `s` at the end of the plan, by the fairness rule. */
function couldGive(h: Facts, s: Facts, rule: 'above-committed' | 'starved'): boolean {
  if (h.readyLeft === 0) return false;
  const surplus = Math.max(0, h.readyLeft - Math.max(0, h.target - h.hardLeft));
  if (surplus > 0) return true;
  const allocation = h.after;
  const aboveCommitted = Math.min(h.readyLeft, allocation - h.committed) > 0;
  if (!aboveCommitted) return false;
  return rule === 'above-committed' || allocation >= 2 || s.waitingSinceMs < h.waitingSinceMs;
}

function decisionShape(input: PlannerInput, plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of plan.decisions) {
    const f = facts.find((x) => x.group.id === d.groupId);
    if (f === undefined) {
      out.push(`decision for unknown group ${d.groupId}`);
      continue;
    }
    if (d.kind === 'create') {
      if (!Number.isInteger(d.count) || d.count < 1) out.push(`${d.groupId}: create of ${d.count}`);
      if (d.imageVersion !== f.group.imageVersion || d.imageId !== f.group.imageId) out.push(`${d.groupId}: create from another image`);
      continue;
    }
    const bot = f.group.bots.find((b) => b.id === d.botId);
    if (bot === undefined) {
      out.push(`${d.groupId}: ${d.kind} of unknown bot ${d.botId}`);
      continue;
    }
    if (seen.has(bot.id)) out.push(`${bot.id} decided twice`);
    seen.add(bot.id);
    if (!OCCUPYING_STATES.includes(bot.state)) out.push(`${bot.id}: ${d.kind} of a ${bot.state} bot`);
    if (d.kind === 'release') {
      const allowed = f.group.status === 'deleted' ? OCCUPYING_STATES : f.cold ? ['Ready', 'Provisioning'] : ['Ready'];
      if (!allowed.includes(bot.state)) out.push(`${bot.id}: released while ${bot.state} (${d.reason})`);
    } else {
      const outdated = bot.imageId !== f.group.imageId || bot.imageVersion !== f.group.imageVersion;
      if (!outdated) out.push(`${bot.id}: drained but runs the current image`);
      if (!f.warmable) out.push(`${bot.id}: drained in a group that gets no bot`);
      if (f.group.bots.some((b) => b.state === 'Draining' || b.state === 'Provisioning')) out.push(`${bot.id}: drained while another drain may be in progress`);
      if (bot.state !== 'Ready' && bot.state !== 'Busy') out.push(`${bot.id}: drained while ${bot.state}`);
    }
  }
  for (const f of facts) if (f.drained.length > 1) out.push(`${f.group.id}: ${f.drained.length} drains at once`);
  return [...out, ...releaseReasons(input, plan, facts)];
}

/** Each release reason holds: committed bots and bots the group's runs need never time out. */
function releaseReasons(input: PlannerInput, plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  const nowMs = Date.parse(input.now);
  for (const f of facts) {
    const mine = plan.decisions.flatMap((d) => (d.kind === 'release' && d.groupId === f.group.id ? [d] : []));
    const timedOut = mine.filter((d) => d.reason === 'idle-timeout');
    for (const d of timedOut) {
      const bot = f.group.bots.find((b) => b.id === d.botId);
      if (bot === undefined || nowMs - Date.parse(bot.since) < input.settings.botIdleTimeoutSeconds * 1000) out.push(`${d.botId}: timed out before the timeout`);
    }
    if (timedOut.length > 0 && f.before - timedOut.length < f.target) out.push(`${f.group.id}: timed out to ${f.before - timedOut.length} bots below its need of ${f.target}`);
    if (mine.some((d) => d.reason === 'group-cold') && !f.cold) out.push(`${f.group.id}: released as cold while not cold`);
    if (mine.some((d) => d.reason === 'group-deleted') && f.group.status !== 'deleted') out.push(`${f.group.id}: released as deleted while active`);
    if (mine.some((d) => (d.reason === 'idle-surplus') !== (d.forGroupId !== undefined))) out.push(`${f.group.id}: an idle-surplus release without the group it goes to`);
  }
  return out;
}

function limits(input: PlannerInput, facts: Facts[]): string[] {
  const out: string[] = [];
  const limit = limitOf(input);
  const created = facts.reduce((n, f) => n + f.created, 0);
  const after = facts.reduce((n, f) => n + f.after, 0);
  if (created > 0 && after > limit) out.push(`environment: ${after} bots after the plan, limit ${limit}, ${created} created`);
  // slots committed to cold groups are not shared: bots for runs beyond the idle bots handed over must fit beside them
  const heldForCold = facts.filter((f) => f.cold).reduce((n, f) => n + f.committed, 0);
  const handedOver = facts.reduce((n, f) => n + f.releasedFor, 0);
  const forRuns = facts.reduce((n, f) => n + f.createdDemand, 0);
  if (forRuns > handedOver && after + heldForCold > limit) out.push(`environment: bots for runs in slots committed to cold groups (${after} + ${heldForCold} > ${limit})`);
  for (const f of facts) {
    const id = f.group.id;
    if (f.created > 0 && f.after > f.group.maxBots) out.push(`${id}: ${f.after} bots after the plan, maxBots ${f.group.maxBots}`);
    if (f.created > 0 && f.after > Math.max(f.committed, f.queued + f.running)) out.push(`${id}: ${f.after} bots for committed ${f.committed} and demand ${f.queued + f.running}`);
    if (f.createdDemand > 0 && !f.servable) out.push(`${id}: bots for runs while it may not get them`);
    if (f.createdCommitted > 0 && (!f.warmable || f.before - f.released.length + f.createdCommitted > f.committed)) out.push(`${id}: committed bots beyond committed or while it keeps none`);
    if ((f.group.status === 'deleted' || f.cold) && f.after > 0) out.push(`${id}: keeps ${f.after} bots while ${f.cold ? 'cold' : 'deleted'}`);
  }
  return out;
}

function committedHonoured(input: PlannerInput, facts: Facts[]): string[] {
  const limit = limitOf(input);
  const total = facts.reduce((n, f) => n + f.after, 0);
  return facts.flatMap((f) => {
    if (!f.warmable || f.after >= f.committed) return [];
    const donors = facts.filter((h) => h !== f && couldGive(h, f, 'above-committed')).map((h) => h.group.id);
    return total < limit || donors.length > 0 ? [`${f.group.id}: ${f.after} of ${f.committed} committed bots with ${limit - total} free slots and donors [${donors.join(', ')}]`] : [];
  });
}

function noStarvation(input: PlannerInput, plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  const limit = limitOf(input);
  const total = facts.reduce((n, f) => n + f.after, 0);
  const heldForCold = facts.filter((f) => f.cold).reduce((n, f) => n + f.committed, 0);
  const starved = facts.filter((f) => f.servable && f.queued > 0 && f.before === 0 && f.group.maxBots >= 1);
  for (const s of starved.filter((x) => x.created === 0)) {
    const id = s.group.id;
    if (limit - total - heldForCold > 0) out.push(`${id}: starved with ${limit - total - heldForCold} unreserved free slots`);
    const donors = facts.filter((h) => h !== s && couldGive(h, s, 'starved')).map((h) => h.group.id);
    if (donors.length > 0) out.push(`${id}: starved while [${donors.join(', ')}] hold idle bots it may take`);
    for (const h of facts.filter((x) => x.createdDemand > 0)) {
      const held = h.before - h.released.length + h.createdCommitted;
      if (held > 0 || h.createdDemand > 1) out.push(`${id}: starved while ${h.group.id}, holding ${held}, got ${h.createdDemand} more`);
      if (h.waitingSinceMs > s.waitingSinceMs) out.push(`${id}: starved while ${h.group.id}, whose runs waited less, got its first bot`);
    }
  }
  const unservedIds = new Set(plan.unserved.map((u) => u.groupId));
  for (const s of starved) if (s.created === 0 && !unservedIds.has(s.group.id)) out.push(`${s.group.id}: starved with no unserved reason`);
  return out;
}

/** An idle bot is handed over only to a group that gets a bot for it, and taken from runs only to end a starvation. */
function handovers(plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  const byId = new Map(facts.map((f) => [f.group.id, f]));
  for (const d of plan.decisions) {
    if (d.kind !== 'release' || d.forGroupId === undefined) continue;
    const h = byId.get(d.groupId);
    const s = byId.get(d.forGroupId);
    if (h === undefined || s === undefined) {
      out.push(`${d.botId}: handed over to unknown group ${d.forGroupId}`);
      continue;
    }
    const handedToS = plan.decisions.filter((x) => x.kind === 'release' && x.forGroupId === s.group.id).length;
    if (s.created < handedToS) out.push(`${s.group.id}: ${handedToS} bots handed over, ${s.created} created`);
    const hCovering = h.readyLeft + h.hardLeft - h.running + h.created;
    const hNowShort = h.servable && h.queued > hCovering;
    const sStarved = s.before === 0 && s.queued > 0;
    if (hNowShort && s.createdCommitted === 0 && !(sStarved && (h.after >= 1 || s.waitingSinceMs < h.waitingSinceMs))) {
      out.push(`${d.botId}: taken from ${h.group.id}'s runs for ${s.group.id}, which is not starved or waited less`);
    }
  }
  return out;
}

function unservedReasons(input: PlannerInput, plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  for (const f of facts) {
    const entry = plan.unserved.find((u) => u.groupId === f.group.id);
    const drainedIdle = f.drained.filter((b) => b.state === 'Ready').length;
    const covering = f.readyLeft - drainedIdle + f.hardLeft - f.running + f.created;
    const waiting = f.servable ? Math.max(0, f.queued - covering) : f.queued;
    if ((entry?.waitingRuns ?? 0) !== waiting) out.push(`${f.group.id}: ${waiting} runs without a bot, reported ${entry?.waitingRuns ?? 0}`);
    if (entry === undefined) continue;
    const expected =
      f.group.status === 'deleted' ? 'group-deleted'
      : !input.environment.hostedRpaEnabled ? 'switch-off'
      : f.group.maintenance ? 'group-in-maintenance'
      : undefined;
    if (expected !== undefined && entry.reason !== expected) out.push(`${f.group.id}: reason ${entry.reason}, expected ${expected}`);
    if (entry.reason === 'group-at-max-bots' && f.after < f.group.maxBots) out.push(`${f.group.id}: at maxBots with ${f.after} of ${f.group.maxBots}`);
  }
  return out;
}

/** The invariants by family, each a list of what broke (empty when the family holds). */
export interface Violations {
  /** decisions name real bots in states they may be taken from, for reasons that hold; drains one at a time, of outdated bots */
  shape: string[];
  /** maxBots, the parallel limit (trial: 2), committed + demand, slots held for cold groups */
  limits: string[];
  /** every group whose runs wait with no bot is reported, with the right count and reason */
  unserved: string[];
  /** committed bots honoured whenever a slot or an idle bot above someone's committed bots is there */
  committed: string[];
  /** no starvation, water-filling order, idle bots handed over only when that is fair */
  starvation: string[];
}

export function checkPlan(input: PlannerInput, plan: Plan): Violations {
  const facts = factsOf(input, plan);
  // the fairness rules assume what the API guarantees: Σ committed within the limit
  const committedFits = facts.reduce((n, f) => n + (f.group.status === 'active' ? f.committed : 0), 0) <= limitOf(input);
  const fairness = input.environment.hostedRpaEnabled && committedFits;
  return {
    shape: decisionShape(input, plan, facts),
    limits: limits(input, facts),
    unserved: unservedReasons(input, plan, facts),
    committed: fairness ? committedHonoured(input, facts) : [],
    starvation: fairness ? [...noStarvation(input, plan, facts), ...handovers(plan, facts)] : [],
  };
}

export function violations(input: PlannerInput, plan: Plan): string[] {
  return Object.values(checkPlan(input, plan)).flat();
}
