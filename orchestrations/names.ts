/** Durable function names, in one place: orchestrators and activities are called by these strings. */
export const ORCHESTRATORS = {
  environmentController: 'environmentController',
  botLifecycle: 'botLifecycle',
} as const;

export const BOT_ACTIVITIES = {
  provision: 'provisionBot',
  markFailed: 'markBotFailed',
  serveState: 'readBotServeState',
  deprovision: 'deprovisionBot',
  wakeController: 'wakeEnvironmentController',
} as const;

export const CONTROLLER_ACTIVITIES = {
  plan: 'planEnvironment',
  startBots: 'startBotLifecycles',
  signalBots: 'signalBots',
  /** per-group history rollups and the controller's heartbeat metric (app/groups/group-history.ts) */
  recordHistory: 'recordGroupHistory',
} as const;

/** Events a bot lifecycle waits for. */
export const BOT_EVENTS = {
  /** raised by the agent's finish only when the bot's record carries a pending release or drain */
  runFinished: 'RunFinished',
  release: 'Release',
  drain: 'Drain',
} as const;

export const CONTROLLER_EVENTS = {
  wake: 'Wake',
} as const;

/**
 * Coalesced rounds: after a planning round the controller waits this long before it takes the next wake-up, so a
 * burst of wake-ups (a thousand submits) costs at most one round per interval; the wake-ups that arrive meanwhile
 * are buffered by the orchestration and the first of them starts the next round as soon as the interval is over
 * (the round reads fresh state, so the others need no round of their own). A single change so waits at most this
 * long plus one round.
 */
export const CONTROLLER_MIN_ROUND_INTERVAL_MS = 1_000;

export const controllerInstanceId = (environmentId: string) => `env-${environmentId}`;
export const botInstanceId = (botId: string) => `bot-${botId}`;

/**
 * How activities of the controller and the bot lifecycles are retried when they throw: a transient store failure
 * (a Cosmos 503, a throttle its SDK gave up on) must cost a second or two, not the whole orchestration (a failed
 * lifecycle would leave its bot holding a slot, its run Running, forever). 5 attempts, 1, 2, 4 and 8 s apart. The
 * activities are idempotent: each re-reads what it changes and changes it under its etag, and
 * `startBotLifecycles` leaves alone a lifecycle that an earlier attempt started.
 */
export const ACTIVITY_RETRY = { firstRetryIntervalInMilliseconds: 1_000, maxNumberOfAttempts: 5, backoffCoefficient: 2 } as const;

/**
 * How long an orchestration waits before it starts over a phase (or planning round) whose activity failed even after
 * ACTIVITY_RETRY: 10 s, doubling with each consecutive restart, at most 5 minutes. It never gives up (a failed
 * lifecycle would hold its bot's slot for ever); each restart is logged and shown in the custom status.
 */
export function restartDelaySeconds(previousRestarts: number): number {
  return Math.min(10 * 2 ** Math.min(previousRestarts, 10), 300);
}
