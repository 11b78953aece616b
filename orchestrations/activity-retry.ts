import * as df from 'durable-functions';
import { ACTIVITY_RETRY } from './names.js';

/** The retry options every activity of the controller and the bot lifecycles is called with (see ACTIVITY_RETRY). */
export function activityRetry(): df.RetryOptions {
  const options = new df.RetryOptions(ACTIVITY_RETRY.firstRetryIntervalInMilliseconds, ACTIVITY_RETRY.maxNumberOfAttempts);
  options.backoffCoefficient = ACTIVITY_RETRY.backoffCoefficient;
  return options;
}
