import type { DurableClient } from 'durable-functions';
import type { RouteSignals } from '../../api/http/route-signals.js';
import { BOT_EVENTS, botInstanceId } from '../names.js';
import { afterRunEnded } from '../run-callback.js';
import { wakeController } from './durable-signals.js';

/** The routes' signals through the Durable client of their invocation. */
export function durableRouteSignals(client: DurableClient): RouteSignals {
  return {
    wakeController: (environmentId) => wakeController(client, environmentId),
    runFinished: (botId, runId) => client.raiseEvent(botInstanceId(botId), BOT_EVENTS.runFinished, { runId }),
    afterRunEnded: (baseSeconds, run) => afterRunEnded(client, baseSeconds, run),
  };
}
