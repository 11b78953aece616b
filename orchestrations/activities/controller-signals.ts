import type { BotLifecycleInput } from '../bot-lifecycle-types.js';

/**
 * What the controller's activities ask of the Durable side: start the lifecycles of the bots a plan created, send
 * events to bot lifecycles, wake an environment's controller. Adapter: `durableControllerSignals` (durable-signals.ts),
 * built per invocation from its Durable client by the composition root.
 */
export interface ControllerSignals {
  startBotLifecycles(inputs: readonly BotLifecycleInput[]): Promise<void>;
  signalBots(signals: ReadonlyArray<{ botId: string; event: string; data?: unknown }>): Promise<void>;
  wakeController(environmentId: string): Promise<void>;
}
