import type { HttpHandler, InvocationContext, TimerHandler } from '@azure/functions';
import * as df from 'durable-functions';
import { durableControllerSignals, durableLifecycleSignals } from '../../orchestrations/activities/durable-signals.js';
import { durableRouteSignals } from '../../orchestrations/activities/durable-route-signals.js';
import { deprovisionActivity, markFailedActivity, provisionActivity, serveStateActivity } from '../../orchestrations/activities/bot-activities.js';
import { callbackAttemptActivity } from '../../orchestrations/activities/callback-attempt.js';
import { planActivity, signalBotsActivity, startBotsActivity, wakeControllerActivity } from '../../orchestrations/activities/controller-activities.js';
import { deadlineCheckActivity } from '../../orchestrations/activities/deadline-check.js';
import { recordHistoryActivity } from '../../orchestrations/activities/group-history.js';
import { durableRunCallbacks } from '../../orchestrations/run-callback.js';
import { apiRoutes } from '../../api/routes/index.js';
import type { ApiRoute } from '../../api/http/api-route.js';
import { toAzureHandler } from '../../api/http/api-handler.js';
import type { AppConfig } from '../../app/config/app-config.js';
import { consoleHandler } from '../../api/console/console-assets.js';
import { setUpTelemetry } from '../../adapters/telemetry/telemetry-setup.js';
import { sweepPendingCallbacks } from '../../app/callbacks/callback-sweep.js';
import { cleanUpInactiveGroups } from '../../app/maintenance/inactive-groups.js';
import type { LifecycleSignals } from '../../app/maintenance/lifecycle-signals.js';
import { sweepOrphans } from '../../app/maintenance/orphan-sweep.js';
import { sweepRunDeadlines } from '../../app/maintenance/run-deadlines.js';
import { sweepLogLines, type SweepReport } from '../../app/maintenance/sweep-report.js';
import { sweepStuckRuns } from '../../app/maintenance/stuck-runs.js';
import { buildBotRuntime, type BotRuntime } from './bot-runtime.js';
import { buildClients, type AppClients } from './clients.js';

/** An activity's handler as durable-functions calls it. */
export type ActivityHandler = (input: unknown, context: InvocationContext) => Promise<unknown>;

/** Every handler of the app, bound to the process's clients: functions/ registers them and adds nothing. */
export interface Application {
  api: ReadonlyArray<{ route: ApiRoute<unknown>; handler: HttpHandler }>;
  /** the web console's files, served from `assetsDir` */
  console(assetsDir: string): HttpHandler;
  controller: Record<'plan' | 'startBots' | 'signalBots' | 'recordHistory', ActivityHandler>;
  bot: Record<'wakeController' | 'provision' | 'markFailed' | 'serveState' | 'deprovision', ActivityHandler>;
  runCallback: { attempt: ActivityHandler; sweep: TimerHandler };
  runWatchdog: { check: ActivityHandler };
  sweeps: Record<'inactiveGroupCleanup' | 'orphanSweep' | 'stuckRunSweep' | 'runDeadlineSweep', TimerHandler>;
}

/**
 * The composition root: the only place that builds clients. They are built once, on the first invocation, from the
 * validated app settings (the only read of the environment), telemetry set up first (meters taken before a provider
 * is registered stay no-ops). Not before: the host indexes the functions with no app settings read, and a wrong
 * setting fails invocations with its message rather than the indexing. The Durable side is reached through ports
 * built per invocation from its Durable client, the one thing an invocation hands in.
 */
export function composeApplication(loadConfig: () => AppConfig): Application {
  let clients: Promise<AppClients> | undefined;
  let botRuntime: Promise<BotRuntime> | undefined;
  const services = (): Promise<AppClients> => {
    clients ??= Promise.resolve().then(async () => {
      const config = loadConfig();
      await setUpTelemetry(config);
      return buildClients(config);
    });
    return clients;
  };
  // the provisioner only where bots are handled: a provisioner setting that is wrong fails those, never the API
  const runtime = (): Promise<BotRuntime> => {
    botRuntime ??= services().then(buildBotRuntime);
    return botRuntime;
  };
  const lifecycleSignals = (context: InvocationContext): LifecycleSignals => durableLifecycleSignals(df.getClient(context));
  const controllerSignals = (context: InvocationContext) => durableControllerSignals(df.getClient(context));

  const sweep =
    (run: (runtime: BotRuntime, signals: LifecycleSignals) => Promise<SweepReport>): TimerHandler =>
    async (_timer, context) => {
      const done = await run(await runtime(), lifecycleSignals(context));
      for (const line of sweepLogLines(done)) context.info(line);
    };

  return {
    api: apiRoutes.map((route) => ({ route, handler: toAzureHandler(route, services, durableRouteSignals) })),
    console: (assetsDir) => consoleHandler(assetsDir, async () => (await services()).config),
    controller: {
      plan: async (input, context) => planActivity(await services(), input, context),
      startBots: async (input, context) => startBotsActivity(controllerSignals(context), input),
      signalBots: async (input, context) => signalBotsActivity(controllerSignals(context), input),
      recordHistory: async (input, context) => recordHistoryActivity(await services(), input, (line) => context.warn(line)),
    },
    bot: {
      wakeController: async (input, context) => wakeControllerActivity(controllerSignals(context), input),
      provision: async (input) => provisionActivity(await runtime(), input),
      markFailed: async (input) => markFailedActivity(await runtime(), input),
      serveState: async (input) => serveStateActivity(await runtime(), input),
      deprovision: async (input) => deprovisionActivity(await runtime(), input),
    },
    runCallback: {
      attempt: async (input, context) => callbackAttemptActivity(await services(), input, context),
      sweep: async (_timer, context) => {
        const deps = await services();
        const { started } = await sweepPendingCallbacks(deps, durableRunCallbacks(df.getClient(context), deps.config.CALLBACK_RETRY_BASE_SECONDS));
        if (started > 0) context.info(`callbackSweep ensured=${started}`);
      },
    },
    runWatchdog: { check: async (input, context) => deadlineCheckActivity(await services(), input, context) },
    sweeps: {
      inactiveGroupCleanup: sweep(({ deps }, signals) => cleanUpInactiveGroups(deps, signals)),
      orphanSweep: sweep(({ deps, provisioner }, signals) => sweepOrphans(deps, provisioner, signals)),
      stuckRunSweep: sweep(({ deps }, signals) => sweepStuckRuns(deps, signals)),
      runDeadlineSweep: sweep(({ deps }) => sweepRunDeadlines(deps)),
    },
  };
}
