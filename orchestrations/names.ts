/** Durable function names, in one place: orchestrators and activities are called by these strings. */
export const ORCHESTRATORS = {
  environmentController: 'environmentController',
  botLifecycle: 'botLifecycle',
} as const;

export const BOT_ACTIVITIES = {
  provision: 'provisionBot',
  markFailed: 'markBotFailed',
  claimRun: 'claimRunForBot',
  markIdle: 'markBotIdle',
  checkHealth: 'checkBotHealth',
  recoverLostRun: 'recoverLostRun',
  deprovision: 'deprovisionBot',
  wakeController: 'wakeEnvironmentController',
} as const;

export const CONTROLLER_ACTIVITIES = {
  plan: 'planEnvironment',
  startBots: 'startBotLifecycles',
  signalBots: 'signalBots',
} as const;

/** Events a bot lifecycle waits for. */
export const BOT_EVENTS = {
  runFinished: 'RunFinished',
  work: 'Work',
  release: 'Release',
  drain: 'Drain',
} as const;

export const CONTROLLER_EVENTS = {
  wake: 'Wake',
} as const;

export const controllerInstanceId = (environmentId: string) => `env-${environmentId}`;
export const botInstanceId = (botId: string) => `bot-${botId}`;
