import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { botTimingsOf } from '../orchestrations/activities/bot-timings.js';
import { signalBots, startBotLifecycles, wakeController } from '../orchestrations/activities/durable-signals.js';
import type { BotLifecycleInput } from '../orchestrations/bot-lifecycle-types.js';
import { botLifecycle } from '../orchestrations/bot-lifecycle.js';
import { environmentController, type PlanningRound } from '../orchestrations/environment-controller.js';
import { BOT_ACTIVITIES, CONTROLLER_ACTIVITIES, ORCHESTRATORS } from '../orchestrations/names.js';
import { deprovisionBot, markBotFailed, provisionBot } from '../shared/bots/bot-operations.js';
import { runPlanningRound } from '../shared/bots/planning-round.js';
import { readServeState } from '../shared/bots/serve-state.js';
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
    for (const lost of outcome.lost) {
      if (lost.run.verdict !== 'none')
        context.warn(runLogLine(lost.run.verdict, { id: lost.run.runId, environmentId, groupId: lost.groupId }, { botId: lost.botId, reason: lost.reason }));
      else context.warn(`bot ${lost.botId} lost (${lost.reason}): released`);
    }
    if (outcome.strandedWakeUps > 0) context.info(`plan ${environmentId}: ${outcome.strandedWakeUps} wake-ups re-sent for runs waiting while bots idle`);
    if (outcome.plan && outcome.plan.decisions.length > 0)
      context.info(`plan ${environmentId}: ${outcome.plan.decisions.map((d) => `${d.kind} ${d.groupId} (${d.reason})`).join('; ')}`);
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

df.app.activity(BOT_ACTIVITIES.serveState, {
  handler: async (input: unknown) => {
    const { release, drain, ...ref } = botRef.extend({ release: z.string().optional(), drain: z.literal('reprovision').optional() }).parse(input);
    return readServeState((await getBotRuntime()).deps, ref, { ...(release === undefined ? {} : { release }), ...(drain === undefined ? {} : { drain }) });
  },
});

df.app.activity(BOT_ACTIVITIES.deprovision, {
  handler: async (input: unknown, context: InvocationContext) => {
    const { reason, keepRecord, ...ref } = withReason.parse(input);
    const runtime = await getBotRuntime();
    const held = await deprovisionBot(runtime.deps, runtime.provisioner, ref, reason, keepRecord);
    if (held.verdict !== 'none')
      context.warn(runLogLine(held.verdict, { id: held.runId, groupId: ref.groupId, environmentId: ref.environmentId }, { botId: ref.botId, reason }));
  },
});
