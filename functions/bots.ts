import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { botTimingsOf } from '../orchestrations/activities/bot-timings.js';
import { signalBots, startBotLifecycles, wakeController } from '../orchestrations/activities/durable-signals.js';
import type { BotLifecycleInput } from '../orchestrations/bot-lifecycle-types.js';
import { botLifecycle } from '../orchestrations/bot-lifecycle.js';
import { environmentController, type PlanningRound } from '../orchestrations/environment-controller.js';
import { BOT_ACTIVITIES, CONTROLLER_ACTIVITIES, ORCHESTRATORS } from '../orchestrations/names.js';
import { claimRunForBot, checkBotHealth, deprovisionBot, markBotFailed, markBotIdle, provisionBot } from '../shared/bots/bot-operations.js';
import { requeueLostRun } from '../shared/bots/lost-runs.js';
import { runPlanningRound } from '../shared/bots/planning-round.js';
import { getBotRuntime } from '../shared/composition/bot-runtime.js';
import { runLogLine } from '../shared/observability/run-log.js';

const botRef = z.object({ environmentId: z.string(), groupId: z.string(), botId: z.string() });
const withReason = botRef.extend({ reason: z.string().default('Released'), keepRecord: z.boolean().default(false) });
const envInput = z.object({ environmentId: z.string() });

df.app.orchestration(ORCHESTRATORS.environmentController, environmentController);
df.app.orchestration(ORCHESTRATORS.botLifecycle, botLifecycle);

df.app.activity(CONTROLLER_ACTIVITIES.plan, {
  handler: async (input: unknown, context: InvocationContext): Promise<PlanningRound> => {
    const { environmentId } = envInput.parse(input);
    const { deps } = await getBotRuntime();
    const outcome = await runPlanningRound(deps, environmentId, async (env, group) => (await deps.runs.queries.nextQueued(env, group, 1))[0]?.queuedAt);
    if (outcome.plan && outcome.plan.decisions.length > 0) context.info(`plan ${environmentId}: ${outcome.plan.decisions.map((d) => `${d.kind} ${d.groupId} (${d.reason})`).join('; ')}`);
    const timings = botTimingsOf(deps.config);
    const start: BotLifecycleInput[] = [...outcome.created, ...outcome.unstarted].map((b) => ({ ...b, phase: 'provision', timings }));
    return { active: outcome.active, start, signals: outcome.signals, nextWakeSeconds: outcome.quiet ? Math.max(deps.config.CONTROLLER_QUIET_INTERVAL_SECONDS, deps.config.CONTROLLER_INTERVAL_SECONDS) : deps.config.CONTROLLER_INTERVAL_SECONDS };
  },
});

df.app.activity(CONTROLLER_ACTIVITIES.startBots, {
  extraInputs: [df.input.durableClient()],
  handler: async (input: unknown, context: InvocationContext) => {
    await startBotLifecycles(df.getClient(context), z.array(z.custom<BotLifecycleInput>((v) => botRef.safeParse(v).success)).parse(input));
  },
});

df.app.activity(CONTROLLER_ACTIVITIES.signalBots, {
  extraInputs: [df.input.durableClient()],
  handler: async (input: unknown, context: InvocationContext) => {
    await signalBots(df.getClient(context), z.array(z.object({ botId: z.string(), event: z.string(), data: z.unknown().optional() })).parse(input));
  },
});

df.app.activity(BOT_ACTIVITIES.wakeController, {
  extraInputs: [df.input.durableClient()],
  handler: async (input: unknown, context: InvocationContext) => {
    await wakeController(df.getClient(context), envInput.parse(input).environmentId);
  },
});

df.app.activity(BOT_ACTIVITIES.provision, {
  handler: async (input: unknown) => {
    const runtime = await getBotRuntime();
    return provisionBot(runtime.deps, runtime.provisioner, runtime.agentApiBaseUrl, botRef.parse(input));
  },
});

df.app.activity(BOT_ACTIVITIES.markFailed, {
  handler: async (input: unknown) => {
    const { reason, ...ref } = withReason.parse(input);
    const runtime = await getBotRuntime();
    await markBotFailed(runtime.deps, runtime.provisioner, ref, reason);
  },
});

df.app.activity(BOT_ACTIVITIES.claimRun, {
  handler: async (input: unknown, context: InvocationContext) => {
    const ref = botRef.parse(input);
    const claim = await claimRunForBot((await getBotRuntime()).deps, ref, 1_000);
    if ('runId' in claim) context.info(runLogLine('claimed', { id: claim.runId, groupId: ref.groupId, environmentId: ref.environmentId }, { botId: ref.botId }));
    return claim;
  },
});

df.app.activity(BOT_ACTIVITIES.markIdle, {
  handler: async (input: unknown) => markBotIdle((await getBotRuntime()).deps, botRef.parse(input)),
});

df.app.activity(BOT_ACTIVITIES.checkHealth, {
  handler: async (input: unknown) => {
    const { deps } = await getBotRuntime();
    return checkBotHealth(deps, botRef.parse(input), deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS);
  },
});

df.app.activity(BOT_ACTIVITIES.recoverLostRun, {
  handler: async (input: unknown, context: InvocationContext) => {
    const { reason, ...ref } = withReason.parse(input);
    const { deps } = await getBotRuntime();
    const held = await deps.runs.queries.runningOn(ref.environmentId, ref.groupId, ref.botId);
    const { verdict } = await requeueLostRun(deps, ref, reason);
    if (held && verdict !== 'none') context.warn(runLogLine(verdict, held, { botId: ref.botId, reason }));
  },
});

df.app.activity(BOT_ACTIVITIES.deprovision, {
  handler: async (input: unknown) => {
    const { reason, keepRecord, ...ref } = withReason.parse(input);
    const runtime = await getBotRuntime();
    await deprovisionBot(runtime.deps, runtime.provisioner, ref, reason, keepRecord);
  },
});
