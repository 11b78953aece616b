import { z } from 'zod';
import { runPlanningRound, type PlanningRoundPorts } from '../../app/bots/planning-round.js';
import type { AppConfig } from '../../app/config/app-config.js';
import type { RunStore } from '../../app/runs/run-store.js';
import type { BotLifecycleInput } from '../bot-lifecycle-types.js';
import type { PlanningRound } from '../environment-controller.js';
import type { ActivityLog } from './activity-log.js';
import { botTimingsOf } from './bot-timings.js';
import type { ControllerSignals } from './controller-signals.js';

const botRef = z.object({ environmentId: z.string(), groupId: z.string(), botId: z.string() });
const envInput = z.object({ environmentId: z.string() });
const startInput = z.array(z.custom<BotLifecycleInput>((v) => botRef.safeParse(v).success));
const signalsInput = z.array(z.object({ botId: z.string(), event: z.string(), data: z.unknown().optional() }));

/** What the planning step needs: a planning round's ports, the run queries (oldest queued run) and the controller's intervals. */
export type PlanActivityPorts = PlanningRoundPorts & {
  runs: Pick<RunStore, 'queries'>;
  config: Pick<AppConfig, 'CONTROLLER_INTERVAL_SECONDS' | 'CONTROLLER_QUIET_INTERVAL_SECONDS' | 'BOT_HEARTBEAT_TIMEOUT_SECONDS'>;
};

/** The controller's planning step: one planning round, its findings logged, the lifecycles to start and the signals to send. */
export async function planActivity(deps: PlanActivityPorts, input: unknown, log: ActivityLog): Promise<PlanningRound> {
  const { environmentId } = envInput.parse(input);
  const outcome = await runPlanningRound(deps, environmentId, async (env, group) => (await deps.runs.queries.nextQueued(env, group, 1))[0]?.queuedAt);
  // a lost bot's run was logged (requeued or failed) the moment that landed
  for (const lost of outcome.lost) log.warn(`bot ${lost.botId} lost (${lost.reason}): released`);
  if (outcome.strandedWakeUps > 0) log.info(`plan ${environmentId}: ${outcome.strandedWakeUps} wake-ups re-sent for runs waiting while bots idle`);
  if (outcome.plan && outcome.plan.decisions.length > 0)
    log.info(`plan ${environmentId}: ${outcome.plan.decisions.map((d) => `${d.kind} ${d.groupId} (${d.reason})`).join('; ')}`);
  const timings = botTimingsOf(deps.config);
  const start: BotLifecycleInput[] = [...outcome.created, ...outcome.unstarted].map((b) => ({ ...b, phase: 'provision', timings }));
  return {
    active: outcome.active,
    start,
    signals: outcome.signals,
    nextWakeSeconds: outcome.quiet
      ? Math.max(deps.config.CONTROLLER_QUIET_INTERVAL_SECONDS, deps.config.CONTROLLER_INTERVAL_SECONDS)
      : deps.config.CONTROLLER_INTERVAL_SECONDS,
  };
}

export async function startBotsActivity(signals: Pick<ControllerSignals, 'startBotLifecycles'>, input: unknown): Promise<void> {
  return signals.startBotLifecycles(startInput.parse(input));
}

export async function signalBotsActivity(signals: Pick<ControllerSignals, 'signalBots'>, input: unknown): Promise<void> {
  return signals.signalBots(signalsInput.parse(input));
}

export async function wakeControllerActivity(signals: Pick<ControllerSignals, 'wakeController'>, input: unknown): Promise<void> {
  return signals.wakeController(envInput.parse(input).environmentId);
}
