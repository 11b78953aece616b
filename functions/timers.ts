import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { durableLifecycleSignals } from '../orchestrations/activities/durable-signals.js';
import { getBotRuntime } from '../shared/composition/bot-runtime.js';
import { cleanUpInactiveGroups } from '../shared/services/maintenance/inactive-groups.js';
import { sweepOrphans } from '../shared/services/maintenance/orphan-sweep.js';
import { summariseSweep, type SweepReport } from '../shared/services/maintenance/sweep-report.js';
import { sweepStuckRuns } from '../shared/services/maintenance/stuck-runs.js';

// Registration only: the sweeps live in shared/services/maintenance. Schedules are app settings (NCRONTAB);
// each timer can be fired on demand (locally: POST /admin/functions/{name}).

async function report(context: InvocationContext, sweep: Promise<SweepReport>): Promise<void> {
  const done = await sweep;
  context.info(summariseSweep(done));
  for (const a of done.actions) context.info(`maintenance.${a.action} environmentId=${a.environmentId} reason=${a.reason}${a.groupId ? ` groupId=${a.groupId}` : ''}${a.botId ? ` botId=${a.botId}` : ''}${a.runId ? ` runId=${a.runId}` : ''}`);
}

app.timer('inactiveGroupCleanup', {
  schedule: '%INACTIVE_GROUP_CLEANUP_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const { deps } = await getBotRuntime();
    await report(context, cleanUpInactiveGroups(deps, durableLifecycleSignals(df.getClient(context))));
  },
});

app.timer('orphanSweep', {
  schedule: '%ORPHAN_SWEEP_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const { deps, provisioner } = await getBotRuntime();
    await report(context, sweepOrphans(deps, provisioner, durableLifecycleSignals(df.getClient(context))));
  },
});

app.timer('stuckRunSweep', {
  schedule: '%STUCK_RUN_SWEEP_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const { deps } = await getBotRuntime();
    await report(context, sweepStuckRuns(deps, durableLifecycleSignals(df.getClient(context))));
  },
});
