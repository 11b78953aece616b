import type { BotDocument } from '../../domain/bot.js';
import { OCCUPYING_STATES } from '../../domain/planner/index.js';
import { isEnded, type RunDocument } from '../../domain/run.js';
import type { StoreReader, VmRow } from './fault-world.js';

/**
 * The invariants every fault scenario checks, each as a function of what the scenario observed: run documents,
 * bot documents, simulated VM rows, the stack's log lines and samples taken while the faults were on. Each answers
 * how many things it checked and what it found wrong (nothing, when the product holds).
 */
export interface Verdict {
  invariant: string;
  checked: number;
  violations: string[];
}

/** A bot holds a slot of the environment's parallel limit in the planner's occupying states (docs/scaling.md). */
const holdsSlot = (bot: Pick<BotDocument, 'state'>) => OCCUPYING_STATES.includes(bot.state);

/** 1. Every accepted run reached a terminal state (and any run document nobody was answered for, too). */
export function everyAcceptedRunEnded(accepted: readonly string[], runs: readonly RunDocument[]): Verdict {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const violations: string[] = [];
  for (const id of new Set(accepted)) {
    const run = byId.get(id);
    if (!run) violations.push(`run ${id} was accepted (202) but is not in the store`);
    else if (!isEnded(run.state)) violations.push(`run ${id} is still ${run.state} (attempt ${run.attempt}, bot ${run.botId ?? '-'})`);
  }
  const acceptedSet = new Set(accepted);
  for (const run of runs) {
    if (!acceptedSet.has(run.id) && !isEnded(run.state)) violations.push(`run ${run.id}, never answered 202, is still ${run.state}`);
  }
  return { invariant: 'every accepted run ended', checked: runs.length, violations };
}

interface RunEvents {
  claims: string[];
  released: Set<string>;
  finishedBy: Set<string>;
}

const FIELD = (line: string, key: string) => new RegExp(`(?:^|\\s)${key}=(\\S+)`).exec(line)?.[1];

/**
 * The assignment history of each run, from the stack's log lines (`app/observability/run-log.ts`): claims, and the
 * lost-bot recoveries of the bot lifecycle (`run.requeued`, `run.failed`) and of the maintenance sweeps
 * (`maintenance.runRequeued`, `maintenance.runFailed`, and `maintenance.botLost` naming the run the lost bot held).
 */
function runHistories(logs: readonly string[]): Map<string, RunEvents> {
  const histories = new Map<string, RunEvents>();
  for (const raw of logs) {
    const line = raw
      .replace(/maintenance\.run(Requeued|Failed)\s/, (_, kind: string) => `run.${kind.toLowerCase()} `)
      .replace(/maintenance\.botLost\s/, 'run.requeued ');
    const event = /run\.(claimed|requeued|failed|finished)\s/.exec(line)?.[1];
    if (!event) continue;
    const runId = FIELD(line, 'runId');
    const botId = FIELD(line, 'botId');
    if (!runId || !botId) continue;
    const h = histories.get(runId) ?? { claims: [], released: new Set<string>(), finishedBy: new Set<string>() };
    histories.set(runId, h);
    if (event === 'claimed') {
      if (h.claims[h.claims.length - 1] !== botId) h.claims.push(botId); // a retried claim activity resumes its own run
    } else if (event === 'finished') {
      if (FIELD(line, 'changed') === 'true') h.finishedBy.add(botId);
    } else h.released.add(botId);
  }
  return histories;
}

/**
 * 2. No run ran on two bots at once. A run changes bots only through the lost-bot recovery, which takes it away from
 * the lost bot (`run.requeued` / `run.failed` with that bot, or the orphan sweep's `maintenance.botLost` of that bot
 * and run) before any other bot can claim it (the claim is a conditional replace of a Queued run). So, for each run:
 * every bot that claimed it, except its last holder, must have lost it; at most one bot finished it, and that bot is
 * the one the run document names; the document's `attempt` counts at least every distinct assignment seen. Order-insensitive: log lines of two activities may interleave.
 */
export function noRunOnTwoBots(logs: readonly string[], runs: readonly RunDocument[]): Verdict {
  const histories = runHistories(logs);
  const violations: string[] = [];
  for (const run of runs) {
    const h = histories.get(run.id);
    if (!h) continue;
    const claimers = h.claims;
    const distinct = new Set(claimers);
    const holder = run.botId;
    for (const bot of distinct) {
      if (bot !== holder && !h.released.has(bot))
        violations.push(`run ${run.id} was claimed by ${bot} and later held by ${holder ?? 'no bot'} without ${bot} losing it`);
    }
    // the same bot claiming again after another bot in between would mean two overlapping assignments
    if (claimers.length !== distinct.size) violations.push(`run ${run.id} went back to a bot it had left: ${claimers.join(' → ')}`);
    if (h.finishedBy.size > 1) violations.push(`run ${run.id} was finished by ${[...h.finishedBy].join(' and ')}`);
    if (h.finishedBy.size === 1 && holder && !h.finishedBy.has(holder))
      violations.push(`run ${run.id} was finished by ${[...h.finishedBy][0]} but is held by ${holder}`);
    if (run.attempt < distinct.size) violations.push(`run ${run.id} has attempt ${run.attempt} but ${distinct.size} bots claimed it`);
  }
  return { invariant: 'no run on two bots at once', checked: runs.filter((r) => histories.has(r.id)).length, violations };
}

export interface Limits {
  capacity: number;
  maxBots: Map<string, number>;
}

export interface Sample {
  at: number;
  /** accepted before the sample was read */
  accepted: number;
  ended: number;
  inFlight: number;
  /** accepted runs that the store did not show */
  missing: number;
  /** bots holding a slot, per group */
  slots: Map<string, number>;
}

/** 3. submitted = ended + in flight, at every sample. */
export function conservation(samples: readonly Sample[]): Verdict {
  const violations = samples
    .filter((s) => s.missing > 0 || s.accepted !== s.ended + s.inFlight)
    .map((s) => `at +${s.at} ms: ${s.accepted} accepted, ${s.ended} ended + ${s.inFlight} in flight, ${s.missing} missing`);
  return { invariant: 'submitted = ended + in flight', checked: samples.length, violations };
}

/** 4. No bot beyond the limits: bots holding a slot per group ≤ maxBots, all groups ≤ capacity, at every sample. */
export function withinLimits(samples: readonly Sample[], limits: Limits): Verdict {
  const violations: string[] = [];
  for (const s of samples) {
    let total = 0;
    for (const [groupId, n] of s.slots) {
      total += n;
      const max = limits.maxBots.get(groupId);
      if (max !== undefined && n > max) violations.push(`at +${s.at} ms: group ${groupId} held ${n} bots > maxBots ${max}`);
    }
    if (total > limits.capacity) violations.push(`at +${s.at} ms: ${total} bots > capacity ${limits.capacity}`);
  }
  return { invariant: 'no bot beyond the limits', checked: samples.length, violations };
}

/**
 * 5. No VM left without a live bot record (after quiescence): every simulated VM of the environment belongs to a bot
 * whose record holds a slot. A VM whose bot is Deleted or Failed, or has no record, is an orphan (it costs money and
 * no one will ever use it).
 */
export function noOrphanVms(vms: readonly VmRow[], bots: readonly BotDocument[]): Verdict {
  const byId = new Map(bots.map((b) => [b.id, b]));
  const violations: string[] = [];
  for (const vm of vms) {
    const bot = byId.get(vm.botId);
    if (!bot) violations.push(`VM of bot ${vm.botId} has no bot record`);
    else if (!holdsSlot(bot)) violations.push(`VM of bot ${vm.botId} outlives its bot (${bot.state}${bot.reason ? `, ${bot.reason}` : ''})`);
  }
  // checked: every bot record of the environment, each compared with the VM table, and every VM row
  return { invariant: 'no VM without a live bot', checked: bots.length, violations };
}

/**
 * 6. No orchestration of the control plane gave up: a failed bot lifecycle strands its bot (holding a slot) and its
 * run; a failed controller stops planning for its environment. Read from the local Durable host's log lines.
 */
export function noOrchestrationFailed(logs: readonly string[]): Verdict {
  const failures = logs.filter((l) => /durable: orchestration (botLifecycle|environmentController) \(.*\) failed/.test(l));
  const started = logs.filter((l) => /durable: orchestration (botLifecycle|environmentController) \(.*\) started/.test(l)).length;
  return { invariant: 'no lifecycle or controller failed', checked: started, violations: failures.map((l) => l.slice(0, 300)) };
}

/** Samples the store every `everyMs` while a scenario runs: run conservation and bots per group. */
export class Sampler {
  readonly samples: Sample[] = [];
  mostAlive = 0;
  private running = true;
  private readonly loop: Promise<void>;
  private readonly started = Date.now();

  constructor(
    private readonly store: StoreReader,
    private readonly envId: string,
    private readonly accepted: () => readonly string[],
    everyMs = 300,
  ) {
    this.loop = (async () => {
      while (this.running) {
        await this.sampleOnce().catch(() => undefined); // a read lost to an injected fault: the next sample will do
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
  }

  async sampleOnce(): Promise<void> {
    const accepted = [...this.accepted()];
    const [runs, bots] = await Promise.all([this.store.runsOf(this.envId), this.store.botsOf(this.envId)]);
    const byId = new Map(runs.map((r) => [r.id, r]));
    let ended = 0;
    let inFlight = 0;
    let missing = 0;
    for (const id of accepted) {
      const run = byId.get(id);
      if (!run) missing++;
      else if (isEnded(run.state)) ended++;
      else inFlight++;
    }
    const slots = new Map<string, number>();
    for (const bot of bots) if (holdsSlot(bot)) slots.set(bot.groupId, (slots.get(bot.groupId) ?? 0) + 1);
    this.mostAlive = Math.max(
      this.mostAlive,
      [...slots.values()].reduce((a, b) => a + b, 0),
    );
    this.samples.push({ at: Date.now() - this.started, accepted: accepted.length, ended, inFlight, missing, slots });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
