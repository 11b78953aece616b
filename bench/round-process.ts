import { roundLists, runPlanningRound } from '../app/bots/planning-round.js';
import { loadAppConfig } from '../app/config/app-config.js';
import { buildClients } from '../composition/root/clients.js';
import type { EnvironmentDocument } from '../domain/environment.js';
import { timed } from './bench-world.js';
import { recordGcPauses, type GcPauses } from './gc-pauses.js';
import { stats, type Stats } from './stats.js';

/**
 * Spawned by bench/scale.ts: planning rounds timed from a process of their own, as the controller's activity runs them
 * in Azure (in the Functions host, with Cosmos DB a service elsewhere), not on the thread that also serves the Cosmos
 * peer. Reads ROUND_PROCESS_JOB (JSON: the local cloud's settings, the environment, the number of rounds, a budget in
 * seconds), prints one JSON line: the whole rounds, and the round's two read stages timed one by one.
 */

export interface RoundProcessJob {
  settings: Record<string, string>;
  environmentId: string;
  rounds: number;
  budgetSeconds: number;
}

export interface RoundProcessResult {
  rounds: Stats;
  /** this process's garbage-collection pauses during the timed rounds */
  gcDuringRounds: GcPauses;
  /** the two read stages the round waits for, each alone (ms): the environment beside its lists and unfinished runs; the groups' queues (they bring each group's oldest queued run) */
  stages: { lists: Stats; counts: Stats };
}

const WARM_UP = 10;
const STAGE_SAMPLES = 60;

const time = async (work: () => Promise<unknown>): Promise<number> => (await timed(work))[1];

async function main(): Promise<void> {
  const job = JSON.parse(process.env.ROUND_PROCESS_JOB ?? '') as RoundProcessJob;
  const deps = buildClients(loadAppConfig(job.settings));
  const env = job.environmentId;
  const oldestQueued = async (e: string, g: string) => (await deps.runs.queries.nextQueued(e, g, 1))[0]?.queuedAt;
  try {
    for (let i = 0; i < WARM_UP; i++) await runPlanningRound(deps, env, oldestQueued);
    const samples: number[] = [];
    const deadline = Date.now() + job.budgetSeconds * 1000;
    const gc = recordGcPauses();
    for (let i = 0; i < job.rounds && (i < 3 || Date.now() < deadline); i++) samples.push(await time(() => runPlanningRound(deps, env, oldestQueued)));
    const gcDuringRounds = gc();

    const lists: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < STAGE_SAMPLES; i++) {
      let read: Awaited<ReturnType<typeof roundLists>> | undefined;
      lists.push(
        await time(async () => {
          [, read] = await Promise.all([deps.store.get<EnvironmentDocument>(env, env), roundLists(deps, env)]);
        }),
      );
      const groups = read?.groups.items.map((g) => g.id) ?? [];
      counts.push(await time(() => deps.runCounts.countsFor(env, groups, read?.unfinished)));
    }
    const result: RoundProcessResult = {
      rounds: stats(samples),
      gcDuringRounds,
      stages: { lists: stats(lists), counts: stats(counts) },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await deps.queues.close();
  }
}

await main();
