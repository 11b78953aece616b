import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { recordHistoryActivity } from '../orchestrations/activities/group-history.js';
import { CONTROLLER_ACTIVITIES } from '../orchestrations/names.js';
import { getServices } from '../shared/composition/root.js';

df.app.activity(CONTROLLER_ACTIVITIES.recordHistory, {
  handler: async (input: unknown, context: InvocationContext) => recordHistoryActivity(await getServices(), input, (line) => context.warn(line)),
});
