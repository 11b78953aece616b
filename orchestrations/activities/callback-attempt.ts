import { runResource } from '../../api/run-presenters.js';
import { attemptCallback, type AttemptResult, type CallbackDeliveryPorts } from '../../app/callbacks/callback-delivery.js';
import { parseAttemptInput } from '../run-callback.js';
import type { ActivityLog } from './activity-log.js';

/** One delivery attempt of a run's callback (the run-callback orchestration's activity), logged with its outcome. */
export async function callbackAttemptActivity(deps: CallbackDeliveryPorts, input: unknown, log: Pick<ActivityLog, 'info'>): Promise<AttemptResult> {
  const { last, ...target } = parseAttemptInput(input);
  const result = await attemptCallback(deps, target, last, runResource);
  log.info(`run.callback runId=${target.runId} environmentId=${target.environmentId} state=${result.state} attempts=${result.attempts}`);
  return result;
}
