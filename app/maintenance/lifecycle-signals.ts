/**
 * What the sweeps need of the Durable side, declared where they consume it: wake an environment's controller
 * (it replans: creates replacements, releases the bots of a deleted group) and tell a bot's lifecycle to go.
 * Adapter: `durableLifecycleSignals` (orchestrations/activities/durable-signals.ts).
 */
export interface LifecycleSignals {
  wakeController(environmentId: string): Promise<void>;
  releaseBot(botId: string, reason: string): Promise<void>;
}
