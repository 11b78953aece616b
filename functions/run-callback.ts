import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { RUN_CALLBACK, runCallback } from '../orchestrations/run-callback.js';
import { application } from '../composition/root/process-application.js';

// Registration only: the orchestrator lives in orchestrations/, the attempt and the sweep in app/callbacks.
df.app.orchestration(RUN_CALLBACK.orchestration, runCallback);
df.app.activity(RUN_CALLBACK.attemptActivity, { handler: application.runCallback.attempt });
app.timer('callbackSweep', { schedule: '%CALLBACK_SWEEP_SCHEDULE%', extraInputs: [df.input.durableClient()], handler: application.runCallback.sweep });
