import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { parseDeadlineTarget, RUN_WATCHDOG, runWatchdog } from '../orchestrations/run-watchdog.js';
import { getServices } from '../shared/composition/root.js';
import type { RunDocument } from '../shared/domain/run.js';
import { runLogLine } from '../shared/observability/run-log.js';
import { checkRunDeadline } from '../shared/services/runs/deadlines.js';

// Registration only: the orchestrator lives in orchestrations/, the activity's logic in the runs services.
df.app.orchestration(RUN_WATCHDOG.orchestration, runWatchdog);

df.app.activity(RUN_WATCHDOG.checkActivity, {
  handler: async (input: unknown, context: InvocationContext) => {
    const deps = await getServices();
    const target = parseDeadlineTarget(input);
    const check = await checkRunDeadline(deps, target);
    if ('done' in check && check.done === 'TimedOut') {
      const run = await deps.runs.docs.get<RunDocument>(target.environmentId, target.runId);
      if (run) context.warn(runLogLine('timedOut', run, { code: run.error?.code }));
    }
    return check;
  },
});
