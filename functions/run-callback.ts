import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { durableRunCallbacks, parseAttemptInput, RUN_CALLBACK, runCallback } from '../orchestrations/run-callback.js';
import { runResource } from '../shared/api/run-presenters.js';
import { getServices } from '../shared/composition/root.js';
import { attemptCallback } from '../shared/services/callbacks/callback-delivery.js';
import { sweepPendingCallbacks } from '../shared/services/callbacks/callback-sweep.js';

// Registration only: the orchestrator lives in orchestrations/, the attempt and the sweep in shared/services/callbacks.
df.app.orchestration(RUN_CALLBACK.orchestration, runCallback);

df.app.activity(RUN_CALLBACK.attemptActivity, {
  handler: async (input: unknown, context: InvocationContext) => {
    const deps = await getServices();
    const { last, ...target } = parseAttemptInput(input);
    const result = await attemptCallback(deps, target, last, runResource);
    context.info(`run.callback runId=${target.runId} environmentId=${target.environmentId} state=${result.state} attempts=${result.attempts}`);
    return result;
  },
});

app.timer('callbackSweep', {
  schedule: '%CALLBACK_SWEEP_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const deps = await getServices();
    const { started } = await sweepPendingCallbacks(deps, durableRunCallbacks(df.getClient(context), deps.config.CALLBACK_RETRY_BASE_SECONDS));
    if (started > 0) context.info(`callbackSweep ensured=${started}`);
  },
});
