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
 * seconds), prints one JSON line: the whole rounds, and the round's read stage timed alone.
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
  /** the round's one read stage, alone (ms): the environment beside its lists and its unfinished runs by group (roundLists; the counts given them read nothing more) */
  stages: { reads: Stats };
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

    const reads: number[] = [];
    for (let i = 0; i < STAGE_SAMPLES; i++) {
      reads.push(await time(() => Promise.all([deps.store.get<EnvironmentDocument>(env, env), roundLists(deps, env)])));
    }
    const result: RoundProcessResult = {
      rounds: stats(samples),
      gcDuringRounds,
      stages: { reads: stats(reads) },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await deps.queues.close();
  }
}

await main();
