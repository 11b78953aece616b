import * as df from 'durable-functions';
import { parseDeadlineTarget, RUN_WATCHDOG, runWatchdog } from '../orchestrations/run-watchdog.js';
import { getServices } from '../shared/composition/root.js';
import { checkRunDeadline } from '../shared/services/runs/deadlines.js';

// Registration only: the orchestrator lives in orchestrations/, the activity's logic in the runs services.
df.app.orchestration(RUN_WATCHDOG.orchestration, runWatchdog);

df.app.activity(RUN_WATCHDOG.checkActivity, {
  handler: async (input: unknown) => checkRunDeadline(await getServices(), parseDeadlineTarget(input)),
});
