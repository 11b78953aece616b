import * as df from 'durable-functions';
import { RUN_WATCHDOG, runWatchdog } from '../orchestrations/run-watchdog.js';
import { application } from '../composition/root/process-application.js';

// Registration only: the orchestrator lives in orchestrations/, the activity's logic in the runs services.
df.app.orchestration(RUN_WATCHDOG.orchestration, runWatchdog);
df.app.activity(RUN_WATCHDOG.checkActivity, { handler: application.runWatchdog.check });
