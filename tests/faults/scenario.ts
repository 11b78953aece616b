import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { isEnded } from '../../domain/run.js';
import {
  FIGURES_DIR,
  FULL,
  outcomesOf,
  recordFigures,
  sleep,
  submitBurst,
  anEnvironmentWithGroups,
  until,
  type FaultWorld,
  type ScenarioGroup,
  type Submissions,
} from './fault-world.js';
import { conservation, everyAcceptedRunEnded, noOrchestrationFailed, noOrphanVms, noRunOnTwoBots, Sampler, withinLimits, type Verdict } from './invariants.js';

/** A flow a bot takes about a second to run, with an output to check. */
export const FLOW = [{ wait: { ms: 800 } }, { output: { name: 'invoice', value: '42' } }];

export interface ScenarioContext {
  world: FaultWorld;
  envId: string;
  groups: ScenarioGroup[];
  submissions: Submissions;
  /** true until every accepted run has ended: injectors loop while it holds */
  active(): boolean;
}

export interface ScenarioPlan {
  name: string;
  capacity: number;
  /** one group per entry */
  maxBots: number[];
  runs: number;
  /** submissions in flight at once */
  concurrency: number;
  steps?: unknown[];
  /** runs while runs are submitted and until they have all ended; counts what it injects */
  inject?: (ctx: ScenarioContext) => Promise<void>;
  /** turns the faults off once every run ended (so that quiescence is reached in bounded time) */
  calm?: (ctx: ScenarioContext) => void;
  /** what was injected, read at the end */
  faults: (ctx: ScenarioContext) => Record<string, number> | Promise<Record<string, number>>;
  endTimeoutMs: number;
}

export interface ScenarioResult {
  verdicts: Verdict[];
}

/**
 * Plays one fault scenario end to end on `world`: an environment with its groups, a burst of runs submitted as
 * cloud flows do (Idempotency-Key, retries), the scenario's faults injected meanwhile, the store sampled
 * throughout; then, once every run ended and every bot went, the five invariants. Records and prints the figures.
 */
export async function playScenario(world: FaultWorld, plan: ScenarioPlan): Promise<ScenarioResult> {
  const t0 = Date.now();
  const { envId, groups } = await anEnvironmentWithGroups(world.admin, plan.capacity, plan.maxBots, plan.steps ?? FLOW);
  const submissions: Submissions = { accepted: [], requests: 0, retries: 0, abandoned: 0 };
  let allEnded = false;
  const ctx: ScenarioContext = { world, envId, groups, submissions, active: () => !allEnded };
  const sampler = new Sampler(world.store, envId, () => submissions.accepted);
  const injector = plan.inject?.(ctx) ?? Promise.resolve();
  injector.catch(() => undefined);

  // runs spread over the groups, submitted concurrently
  const perGroup = groups.map((_, i) => Math.floor(plan.runs / groups.length) + (i < plan.runs % groups.length ? 1 : 0));
  await Promise.all(
    groups.map((g, i) =>
      submitBurst(world.admin, g, perGroup[i] ?? 0, { concurrency: Math.max(1, Math.round(plan.concurrency / groups.length)), into: submissions }),
    ),
  );
  expect(submissions.abandoned, 'submissions given up').toBe(0);

  await until(
    'every accepted run to end',
    async () => {
      const runs = await world.store.runsOf(envId);
      const byId = new Map(runs.map((r) => [r.id, r]));
      return submissions.accepted.every((id) => {
        const r = byId.get(id);
        return r !== undefined && isEnded(r.state);
      })
        ? true
        : undefined;
    },
    plan.endTimeoutMs,
    500,
  )
    .catch(async (err: unknown) => {
      await diagnose(world, envId, plan.name);
      throw err;
    })
    .finally(() => {
      allEnded = true;
    });
  await injector;
  plan.calm?.(ctx);

  // quiescence: every bot idles out and is torn down (BOT_IDLE_TIMEOUT_SECONDS is 3 s here)
  await until(
    'every bot to be torn down',
    async () => ((await world.store.botsOf(envId)).every((b) => b.state === 'Deleted' || b.state === 'Failed') ? true : undefined),
    90_000,
    500,
  ).catch(async (err: unknown) => {
    await diagnose(world, envId, plan.name);
    throw err;
  });
  await sleep(500);
  await sampler.stop();

  const [runs, bots, vms] = await Promise.all([world.store.runsOf(envId), world.store.botsOf(envId), world.store.vmsOf(envId)]);
  const limits = { capacity: plan.capacity, maxBots: new Map(groups.map((g) => [g.groupId, g.maxBots])) };
  const verdicts = [
    everyAcceptedRunEnded(submissions.accepted, runs),
    noRunOnTwoBots(world.logs, runs),
    conservation(sampler.samples),
    withinLimits(sampler.samples, limits),
    noOrphanVms(vms, bots),
    noOrchestrationFailed(world.logs),
  ];
  recordFigures({
    scenario: plan.name,
    scale: FULL ? 'full' : 'short',
    runsSubmitted: submissions.accepted.length,
    submitRequests: submissions.requests,
    submitRetries: submissions.retries,
    faultsInjected: await plan.faults(ctx),
    lostBotRecoveries: world.logs.filter((l) => /run\.(requeued|failed) /.test(l)).length,
    runsChecked: runs.length,
    outcomes: outcomesOf(runs),
    samples: sampler.samples.length,
    mostBotsAlive: sampler.mostAlive,
    capacity: plan.capacity,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    invariants: Object.fromEntries(verdicts.map((v) => [v.invariant, { checked: v.checked, violations: v.violations.length }])),
  });
  if (verdicts.some((v) => v.violations.length > 0)) await diagnose(world, envId, plan.name);
  for (const v of verdicts) expect(v.violations, v.invariant).toEqual([]);
  expect(sampler.samples.length, 'samples taken').toBeGreaterThan(3);
  expect(runs.length).toBeGreaterThanOrEqual(plan.runs);
  return { verdicts };
}

/** What a failed scenario leaves behind to read: its runs, bots and VMs, and every line the stack logged. */
async function diagnose(world: FaultWorld, envId: string, name: string): Promise<void> {
  const [runs, bots, vms] = await Promise.all([world.store.runsOf(envId), world.store.botsOf(envId), world.store.vmsOf(envId)]).catch(
    () => [[], [], []] as const,
  );
  const file = path.join(FIGURES_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.diagnosis.txt`);
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(
    file,
    [
      '# runs',
      ...runs.map((r) => `${r.id} ${r.state} attempt=${r.attempt} bot=${r.botId ?? '-'} error=${r.error?.code ?? '-'} updated=${r.updatedAt}`),
      '# bots',
      ...bots.map((b) => `${b.id} ${b.state} since=${b.since} run=${b.currentRunId ?? '-'} reason=${b.reason ?? '-'} heartbeat=${b.lastHeartbeatAt ?? '-'}`),
      '# vms',
      ...vms.map((v) => `${v.botId} ${v.groupId}`),
      '# log',
      ...world.logs,
    ].join('\n'),
  );
  console.log(`[faults] ${name}: diagnosis in ${file}`);
}
