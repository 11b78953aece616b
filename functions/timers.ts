import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { durableLifecycleSignals } from '../orchestrations/activities/durable-signals.js';
import { getBotRuntime, type BotRuntime } from '../shared/composition/bot-runtime.js';
import { cleanUpInactiveGroups } from '../shared/services/maintenance/inactive-groups.js';
import type { LifecycleSignals } from '../shared/services/maintenance/lifecycle-signals.js';
import { sweepOrphans } from '../shared/services/maintenance/orphan-sweep.js';
import { sweepRunDeadlines } from '../shared/services/maintenance/run-deadlines.js';
import { summariseSweep, type SweepReport } from '../shared/services/maintenance/sweep-report.js';
import { sweepStuckRuns } from '../shared/services/maintenance/stuck-runs.js';

// Registration only: the sweeps live in shared/services/maintenance. Schedules are app settings (NCRONTAB);
// each timer can be fired on demand (locally: POST /admin/functions/{name}).

type SweepRun = (runtime: BotRuntime, signals: LifecycleSignals) => Promise<SweepReport>;

function registerSweep(name: string, scheduleSetting: string, run: SweepRun): void {
  app.timer(name, {
    schedule: `%${scheduleSetting}%`,
    extraInputs: [df.input.durableClient()],
    handler: async (_timer: Timer, context: InvocationContext) => {
      const done = await run(await getBotRuntime(), durableLifecycleSignals(df.getClient(context)));
      context.info(summariseSweep(done));
      for (const a of done.actions) {
        context.info(
          `maintenance.${a.action} environmentId=${a.environmentId} reason=${a.reason}${a.groupId ? ` groupId=${a.groupId}` : ''}${a.botId ? ` botId=${a.botId}` : ''}${a.runId ? ` runId=${a.runId}` : ''}`,
        );
      }
    },
  });
}

registerSweep('inactiveGroupCleanup', 'INACTIVE_GROUP_CLEANUP_SCHEDULE', ({ deps }, signals) => cleanUpInactiveGroups(deps, signals));
registerSweep('orphanSweep', 'ORPHAN_SWEEP_SCHEDULE', ({ deps, provisioner }, signals) => sweepOrphans(deps, provisioner, signals));
registerSweep('stuckRunSweep', 'STUCK_RUN_SWEEP_SCHEDULE', ({ deps }, signals) => sweepStuckRuns(deps, signals));
registerSweep('runDeadlineSweep', 'RUN_DEADLINE_SWEEP_SCHEDULE', ({ deps }) => sweepRunDeadlines(deps));
