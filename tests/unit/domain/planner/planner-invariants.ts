import { OCCUPYING_STATES, type PlannerBot, type PlannerGroup, type PlannerInput } from '../../../../domain/planner/planner-input.js';
import type { Plan } from '../../../../domain/planner/planner-output.js';

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
  /** idle bots this group handed over to another group (idle-surplus) */
  releasedFor: number;
  /** busy bots released after their run for another group (handover): they hold their slot until they have gone */
  handedOver: PlannerBot[];
  drained: PlannerBot[];
  createdCommitted: number;
  createdDemand: number;
  created: number;
  /** as the plan counts it: before − released + created (a bot handed over counts as gone) */
  after: number;
  /** slots the group holds once the plan is applied: `after` plus the bots handed over, still running their run */
  holding: number;
  /** bots left with a release pending from an earlier plan (not released again in this one) */
  leavingLeft: number;
  /** of those, the ones running no run (idle or provisioning): they hold a slot but count for nothing else */
  leavingIdleLeft: number;
  readyLeft: number;
  /** bots left, not leaving and not Ready: provisioning, busy, draining */
  hardLeft: number;
  provisioningLeft: number;
  /** bots left counting towards the group's runs without being idle: hardLeft, plus leaving ones still running */
  servingLeft: number;
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
    const botsNamed = (kind: 'release' | 'drain') => mine.flatMap((d) => (d.kind === kind ? group.bots.filter((b) => b.id === d.botId) : []));
    const released = botsNamed('release');
    const handedOver = mine.flatMap((d) => (d.kind === 'release' && d.reason === 'handover' ? group.bots.filter((b) => b.id === d.botId) : []));
    const createdOf = (reason: 'committed' | 'demand') => mine.reduce((n, d) => (d.kind === 'create' && d.reason === reason ? n + d.count : n), 0);
    const createdCommitted = createdOf('committed');
    const createdDemand = createdOf('demand');
    const left = occupying.filter((b) => !released.includes(b));
    const staying = left.filter((b) => b.releaseRequested !== true);
    const leavingLeft = left.filter((b) => b.releaseRequested === true);
    const isRunning = (b: PlannerBot) => b.state === 'Busy' || b.state === 'Draining';
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
      releasedFor: mine.filter((d) => d.kind === 'release' && d.reason === 'idle-surplus').length,
      handedOver,
      drained: botsNamed('drain'),
      createdCommitted,
      createdDemand,
      created: createdCommitted + createdDemand,
      after: occupying.length - released.length + createdCommitted + createdDemand,
      holding: occupying.length - released.length + handedOver.length + createdCommitted + createdDemand,
      leavingLeft: leavingLeft.length,
      leavingIdleLeft: leavingLeft.filter((b) => !isRunning(b)).length,
      readyLeft: staying.filter((b) => b.state === 'Ready').length,
      hardLeft: staying.filter((b) => b.state !== 'Ready').length,
      provisioningLeft: staying.filter((b) => b.state === 'Provisioning').length,
      servingLeft: staying.filter((b) => b.state !== 'Ready').length + leavingLeft.filter(isRunning).length + handedOver.length,
      target,
      waitingSinceMs: queued > 0 && !Number.isNaN(oldest) ? oldest : Number.POSITIVE_INFINITY,
    };
  });
}

function limitOf(input: PlannerInput): number {
  return input.environment.plan === 'trial' ? Math.min(2, input.environment.capacity) : input.environment.capacity;
}

/** The bots `h` holds and keeps at the end of the plan: neither leaving nor handed over (idle surplus included). */
function keptOf(h: Facts): number {
  return h.holding - h.leavingLeft - h.handedOver.length;
}

/** An idle bot `h` could still give `s` at the end of the plan, by the fairness rule. */
function couldGive(h: Facts, s: Facts, rule: 'above-committed' | 'starved'): boolean {
  if (h.readyLeft === 0) return false;
  const surplus = Math.max(0, h.readyLeft - Math.max(0, h.target - h.servingLeft));
  if (surplus > 0) return true;
  const kept = keptOf(h);
  const aboveCommitted = Math.min(h.readyLeft, kept - h.committed) > 0;
  if (!aboveCommitted) return false;
  return rule === 'above-committed' || kept >= 2 || s.waitingSinceMs < h.waitingSinceMs;
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
      // a busy bot goes only when its group is deleted, or after its run when handed over to a starved group
      const allowed = f.group.status === 'deleted' ? OCCUPYING_STATES : f.cold ? ['Ready', 'Provisioning'] : d.reason === 'handover' ? ['Busy'] : ['Ready'];
      if (!allowed.includes(bot.state)) out.push(`${bot.id}: released while ${bot.state} (${d.reason})`);
      if (bot.releaseRequested === true && d.reason !== 'group-deleted' && d.reason !== 'group-cold')
        out.push(`${bot.id}: released again (${d.reason}) while its release is pending`);
    } else {
      if (bot.releaseRequested === true) out.push(`${bot.id}: drained while its release is pending`);
      const outdated = bot.imageId !== f.group.imageId || bot.imageVersion !== f.group.imageVersion;
      if (!outdated) out.push(`${bot.id}: drained but runs the current image`);
      if (!f.warmable) out.push(`${bot.id}: drained in a group that gets no bot`);
      if (f.group.bots.some((b) => (b.state === 'Draining' || b.state === 'Provisioning') && b.releaseRequested !== true))
        out.push(`${bot.id}: drained while another drain may be in progress`);
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
      if (bot === undefined || nowMs - Date.parse(bot.since) < input.settings.botIdleTimeoutSeconds * 1000)
        out.push(`${d.botId}: timed out before the timeout`);
    }
    if (timedOut.length > 0 && f.before - timedOut.length < f.target)
      out.push(`${f.group.id}: timed out to ${f.before - timedOut.length} bots below its need of ${f.target}`);
    if (mine.some((d) => d.reason === 'group-cold') && !f.cold) out.push(`${f.group.id}: released as cold while not cold`);
    if (mine.some((d) => d.reason === 'group-deleted') && f.group.status !== 'deleted') out.push(`${f.group.id}: released as deleted while active`);
    if (mine.some((d) => (d.reason === 'idle-surplus' || d.reason === 'handover') !== (d.forGroupId !== undefined)))
      out.push(`${f.group.id}: a release for another group without the group it goes to, or the reverse`);
  }
  return out;
}

function limits(input: PlannerInput, facts: Facts[]): string[] {
  const out: string[] = [];
  const limit = limitOf(input);
  const created = facts.reduce((n, f) => n + f.created, 0);
  // bots handed over still hold their slot (they go after their run): they count
  const after = facts.reduce((n, f) => n + f.holding, 0);
  if (created > 0 && after > limit) out.push(`environment: ${after} bots after the plan, limit ${limit}, ${created} created`);
  // slots committed to cold groups are not shared: bots for runs beyond the idle bots handed over must fit beside them
  const heldForCold = facts.filter((f) => f.cold).reduce((n, f) => n + f.committed, 0);
  const handedOver = facts.reduce((n, f) => n + f.releasedFor, 0);
  const forRuns = facts.reduce((n, f) => n + f.createdDemand, 0);
  if (forRuns > handedOver && after + heldForCold > limit)
    out.push(`environment: bots for runs in slots committed to cold groups (${after} + ${heldForCold} > ${limit})`);
  for (const f of facts) {
    const id = f.group.id;
    if (f.created > 0 && f.holding > f.group.maxBots) out.push(`${id}: ${f.holding} bots after the plan, maxBots ${f.group.maxBots}`);
    // a leaving bot with no run holds a slot but serves nothing: it is not counted against the group's need
    const serving = f.holding - f.leavingIdleLeft;
    if (f.created > 0 && serving > Math.max(f.committed, f.queued + f.running))
      out.push(`${id}: ${serving} bots for committed ${f.committed} and demand ${f.queued + f.running}`);
    if (f.createdDemand > 0 && !f.servable) out.push(`${id}: bots for runs while it may not get them`);
    if (f.createdCommitted > 0 && (!f.warmable || f.holding - f.createdDemand > f.committed))
      out.push(`${id}: committed bots beyond committed or while it keeps none`);
    if (f.handedOver.length > 0 && keptOf(f) < f.committed) out.push(`${id}: handed over to ${keptOf(f)} bots, below its ${f.committed} committed`);
    if ((f.group.status === 'deleted' || f.cold) && f.after > 0) out.push(`${id}: keeps ${f.after} bots while ${f.cold ? 'cold' : 'deleted'}`);
  }
  return out;
}

function committedHonoured(input: PlannerInput, facts: Facts[]): string[] {
  const limit = limitOf(input);
  const total = facts.reduce((n, f) => n + f.holding, 0);
  return facts.flatMap((f) => {
    // a bot leaving still counts towards the committed bots until it has gone (then the next plan tops up)
    if (!f.warmable || f.holding >= f.committed) return [];
    const donors = facts.filter((h) => h !== f && couldGive(h, f, 'above-committed')).map((h) => h.group.id);
    return total < limit || donors.length > 0
      ? [`${f.group.id}: ${f.after} of ${f.committed} committed bots with ${limit - total} free slots and donors [${donors.join(', ')}]`]
      : [];
  });
}

function noStarvation(input: PlannerInput, plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  const limit = limitOf(input);
  const total = facts.reduce((n, f) => n + f.holding, 0);
  const heldForCold = facts.filter((f) => f.cold).reduce((n, f) => n + f.committed, 0);
  // a bot already leaving that runs no run will take none: a group holding only such bots is starved too (but
  // they hold their slots of its maxBots until they have gone)
  const starved = facts.filter((f) => f.servable && f.queued > 0 && f.before - f.leavingIdleLeft === 0 && f.group.maxBots > f.before);
  for (const s of starved.filter((x) => x.created === 0)) {
    const id = s.group.id;
    if (limit - total - heldForCold > 0) out.push(`${id}: starved with ${limit - total - heldForCold} unreserved free slots`);
    const donors = facts.filter((h) => h !== s && couldGive(h, s, 'starved')).map((h) => h.group.id);
    if (donors.length > 0) out.push(`${id}: starved while [${donors.join(', ')}] hold idle bots it may take`);
    for (const h of facts.filter((x) => x.createdDemand > 0)) {
      const held = h.before - h.released.length + h.handedOver.length + h.createdCommitted - h.leavingIdleLeft;
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
    if (d.kind !== 'release' || d.reason !== 'idle-surplus' || d.forGroupId === undefined) continue;
    const h = byId.get(d.groupId);
    const s = byId.get(d.forGroupId);
    if (h === undefined || s === undefined) {
      out.push(`${d.botId}: handed over to unknown group ${d.forGroupId}`);
      continue;
    }
    const handedToS = plan.decisions.filter((x) => x.kind === 'release' && x.reason === 'idle-surplus' && x.forGroupId === s.group.id).length;
    if (s.created < handedToS) out.push(`${s.group.id}: ${handedToS} bots handed over, ${s.created} created`);
    const hCovering = h.readyLeft + h.provisioningLeft + h.created;
    const hNowShort = h.servable && h.queued > hCovering;
    const sStarved = s.before - s.leavingIdleLeft === 0 && s.queued > 0;
    const hKeptWhenGiving = keptOf(h) + h.handedOver.length;
    if (hNowShort && s.createdCommitted === 0 && !(sStarved && (hKeptWhenGiving >= 1 || s.waitingSinceMs < h.waitingSinceMs))) {
      out.push(`${d.botId}: taken from ${h.group.id}'s runs for ${s.group.id}, which is not starved or waited less`);
    }
  }
  return out;
}

/**
 * Deferred handovers (a busy bot released after its run, for a starved group): only for a group with waiting runs
 * and no bot at all that gets none in this plan, only when no free slot and no idle bot it may take is left, at
 * most one per starved group and none for the starved groups that bots already leaving will serve; from an active
 * group that keeps its committed bots, and its only bot only when the starved group's runs waited longer.
 */
function deferredHandovers(input: PlannerInput, plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  const byId = new Map(facts.map((f) => [f.group.id, f]));
  const limit = limitOf(input);
  const total = facts.reduce((n, f) => n + f.holding, 0);
  const heldForCold = facts.filter((f) => f.cold).reduce((n, f) => n + f.committed, 0);
  const starvedAfter = facts.filter((f) => f.servable && f.queued > 0 && f.holding - f.leavingIdleLeft === 0 && f.group.maxBots > f.holding);
  const pending = facts.reduce((n, f) => n + f.leavingLeft, 0);
  const handover = plan.decisions.flatMap((d) => (d.kind === 'release' && d.reason === 'handover' ? [d] : []));
  if (handover.length > Math.max(0, starvedAfter.length - pending)) {
    out.push(`${handover.length} handovers for ${starvedAfter.length} starved groups while ${pending} bots are already leaving`);
  }
  const perGroup = new Map<string, number>();
  for (const d of handover) {
    const h = byId.get(d.groupId);
    const s = d.forGroupId === undefined ? undefined : byId.get(d.forGroupId);
    if (h === undefined || s === undefined) {
      out.push(`${d.botId}: handed over to unknown group ${d.forGroupId ?? '(none)'}`);
      continue;
    }
    perGroup.set(s.group.id, (perGroup.get(s.group.id) ?? 0) + 1);
    if (!starvedAfter.includes(s)) out.push(`${d.botId}: handed over to ${s.group.id}, which is not starved after the plan`);
    if (s.created > 0) out.push(`${s.group.id}: bots created in this plan for a slot handed over after a run`);
    if (!h.servable) out.push(`${d.botId}: handed over from ${h.group.id}, which is not active`);
    if (limit - total - heldForCold > 0) out.push(`${d.botId}: handed over with ${limit - total - heldForCold} unreserved free slots`);
    const donors = facts.filter((x) => x !== s && couldGive(x, s, 'starved')).map((x) => x.group.id);
    if (donors.length > 0) out.push(`${d.botId}: handed over while [${donors.join(', ')}] hold idle bots ${s.group.id} may take`);
    if (!(keptOf(h) >= 1 || s.waitingSinceMs < h.waitingSinceMs))
      out.push(`${d.botId}: ${h.group.id}'s only bot handed over to ${s.group.id}, whose runs waited less`);
  }
  for (const [id, n] of perGroup) if (n > 1) out.push(`${id}: ${n} handovers at once`);
  return out;
}

function unservedReasons(input: PlannerInput, plan: Plan, facts: Facts[]): string[] {
  const out: string[] = [];
  for (const f of facts) {
    const entry = plan.unserved.find((u) => u.groupId === f.group.id);
    const drainedIdle = f.drained.filter((b) => b.state === 'Ready').length;
    const covering = f.readyLeft - drainedIdle + f.provisioningLeft + f.created;
    const waiting = f.servable ? Math.max(0, f.queued - covering) : f.queued;
    if ((entry?.waitingRuns ?? 0) !== waiting) out.push(`${f.group.id}: ${waiting} runs without a bot, reported ${entry?.waitingRuns ?? 0}`);
    if (entry === undefined) continue;
    const expected =
      f.group.status === 'deleted'
        ? 'group-deleted'
        : !input.environment.hostedRpaEnabled
          ? 'switch-off'
          : f.group.maintenance
            ? 'group-in-maintenance'
            : undefined;
    if (expected !== undefined && entry.reason !== expected) out.push(`${f.group.id}: reason ${entry.reason}, expected ${expected}`);
    if (entry.reason === 'group-at-max-bots' && f.holding < f.group.maxBots) out.push(`${f.group.id}: at maxBots with ${f.holding} of ${f.group.maxBots}`);
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
  /** busy bots handed over after their run only to starved groups, one per group, when nothing else is there */
  handover: string[];
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
    handover: !input.environment.hostedRpaEnabled
      ? plan.decisions.flatMap((d) => (d.kind === 'release' && d.reason === 'handover' ? [`${d.botId}: handed over while the switch is off`] : []))
      : committedFits
        ? deferredHandovers(input, plan, facts)
        : [],
  };
}

export function violations(input: PlannerInput, plan: Plan): string[] {
  return Object.values(checkPlan(input, plan)).flat();
}
