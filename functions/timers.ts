import { app, type TimerHandler } from '@azure/functions';
import * as df from 'durable-functions';
import { application } from '../composition/root/process-application.js';

// Registration only: the sweeps live in app/maintenance. Schedules are app settings (NCRONTAB);
// each timer can be fired on demand (locally: POST /admin/functions/{name}).
function registerSweep(name: string, scheduleSetting: string, handler: TimerHandler): void {
  app.timer(name, { schedule: `%${scheduleSetting}%`, extraInputs: [df.input.durableClient()], handler });
}

const { sweeps } = application;
registerSweep('inactiveGroupCleanup', 'INACTIVE_GROUP_CLEANUP_SCHEDULE', sweeps.inactiveGroupCleanup);
registerSweep('orphanSweep', 'ORPHAN_SWEEP_SCHEDULE', sweeps.orphanSweep);
registerSweep('stuckRunSweep', 'STUCK_RUN_SWEEP_SCHEDULE', sweeps.stuckRunSweep);
registerSweep('runDeadlineSweep', 'RUN_DEADLINE_SWEEP_SCHEDULE', sweeps.runDeadlineSweep);
