import type { MaintenanceActionDocument } from '../../domain/maintenance.js';
import { deadlineVerdict, type RunDocument } from '../../domain/run.js';
import type { Versioned } from '../ports/document-store.js';
import { timeOutIfDue } from '../runs/deadlines.js';
import type { AppConfig } from '../config/app-config.js';
import type { RunFilter, RunStore } from '../runs/run-store.js';
import { recordMaintenanceAction, type ActionLogPorts } from './action-log.js';

/** What the deadline sweep needs: the environments, the run queries, the queue-time limit, the clock; and what timing a run out and the action log need. */
export type RunDeadlinePorts = {
  environmentIds(): Promise<string[]>;
  runs: Pick<RunStore, 'queries'>;
  config: Pick<AppConfig, 'QUEUED_RUN_TIMEOUT_MINUTES'>;
  now(): Date;
} & Parameters<typeof timeOutIfDue>[0] &
  ActionLogPorts;
import type { SweepReport } from './sweep-report.js';

const PAGE = 200;

async function* runsMatching(deps: RunDeadlinePorts, environmentId: string, filter: RunFilter): AsyncGenerator<Versioned<RunDocument>> {
  let continuationToken: string | undefined;
  do {
    const page = await deps.runs.queries.search(environmentId, filter, { pageSize: PAGE, continuationToken });
    yield* page.items;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

/**
 * The runs of one environment whose deadline has passed: queued before the QUEUED_RUN_TIMEOUT_MINUTES cutoff (an
 * index-served range on `queuedAt`: only the due runs are read) and running past their own `timeoutMinutes` (every
 * running run is read, and there are at most as many as the environment has bots).
 */
async function* dueRuns(deps: RunDeadlinePorts, environmentId: string, now: Date): AsyncGenerator<Versioned<RunDocument>> {
  const cutoff = new Date(now.getTime() - deps.config.QUEUED_RUN_TIMEOUT_MINUTES * 60_000).toISOString();
  yield* runsMatching(deps, environmentId, { state: 'Queued', to: cutoff });
  for await (const run of runsMatching(deps, environmentId, { state: 'Running' })) {
    if (deadlineVerdict(run, now, deps.config.QUEUED_RUN_TIMEOUT_MINUTES).kind === 'timeOut') yield run;
  }
}

async function sweepEnvironment(deps: RunDeadlinePorts, environmentId: string): Promise<MaintenanceActionDocument[]> {
  const actions: MaintenanceActionDocument[] = [];
  for await (const run of dueRuns(deps, environmentId, deps.now())) {
    const { changed, code } = await timeOutIfDue(deps, run);
    if (!changed) continue;
    const detail = `Run ${run.id} passed its deadline while ${run.state}; ended TimedOut (${code}).`;
    actions.push(
      await recordMaintenanceAction(deps, {
        environmentId,
        sweep: 'runDeadlines',
        action: 'runTimedOut',
        reason: code ?? 'DeadlinePassed',
        detail,
        groupId: run.groupId,
        runId: run.id,
      }),
    );
  }
  return actions;
}

/**
 * The run deadlines (RUN_DEADLINE_SWEEP_SCHEDULE, every minute): a run queued longer than QUEUED_RUN_TIMEOUT_MINUTES
 * ends TimedOut (`NoCandidateMachine`), a run running past its `timeoutMinutes` ends TimedOut (`RunTimeout`) and its
 * bot is told to stop. It replaces a Durable watchdog per run: two queries per environment a minute, whatever the
 * number of runs, against at least three function executions and a Durable instance per run. No lease: ending a run
 * is a conditional write, so two sweeps at once end it once.
 */
export async function sweepRunDeadlines(deps: RunDeadlinePorts): Promise<SweepReport> {
  const report: SweepReport = { sweep: 'runDeadlines', environments: 0, skipped: 0, actions: [] };
  for (const environmentId of await deps.environmentIds()) {
    report.actions.push(...(await sweepEnvironment(deps, environmentId)));
    report.environments++;
  }
  return report;
}
