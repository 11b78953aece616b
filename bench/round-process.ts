import { runPlanningRound } from '../app/bots/planning-round.js';
import { loadGroupStats } from '../app/bots/group-scaling-stats.js';
import { loadAppConfig } from '../app/config/app-config.js';
import { buildClients } from '../composition/root/clients.js';
import type { BotDocument } from '../domain/bot.js';
import type { EnvironmentDocument } from '../domain/environment.js';
import type { GroupDocument } from '../domain/group.js';
import type { ImageDocument } from '../domain/image.js';
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
  /** the two read stages the round waits for, each alone (ms): the environment then its lists; the counts (they bring each group's oldest queued run) */
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

    const groups = (await deps.store.list<GroupDocument>(env, 'group')).items.map((g) => g.id);
    const lists: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < STAGE_SAMPLES; i++) {
      lists.push(
        await time(async () => {
          await deps.store.get<EnvironmentDocument>(env, env);
          await Promise.all([
            deps.store.list<GroupDocument>(env, 'group'),
            deps.store.list<ImageDocument>(env, 'image'),
            deps.botStore.list<BotDocument>(env, 'bot'),
            loadGroupStats(deps, env),
          ]);
        }),
      );
      counts.push(await time(() => deps.runCounts.countsFor(env, groups)));
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
