export { plan, planTarget } from './plan.js';
export { summarise } from './summarise.js';
export { isQuietEnvironment } from './quiet.js';
export type { BotState, PlannerBot, PlannerEnvironment, PlannerGroup, PlannerInput, PlannerQueue, PlannerSettings } from './planner-input.js';
export { OCCUPYING_STATES } from './planner-input.js';
export type { CreateBots, Decision, DrainBot, GroupCondition, GroupPlan, Plan, ReleaseBot, UnservedGroup } from './planner-output.js';
export { CREATE_REASONS, DRAIN_REASONS, RELEASE_REASONS, SERVICE_LEVEL_CONFLICT, UNSERVED_REASONS } from './reasons.js';
export type { CreateReason, DrainReason, ReleaseReason, UnservedReason } from './reasons.js';
export type { CapacityWindow, PlannerOutlook, PlannerServiceLevel } from './planner-input.js';
export { committedNow, poissonQuantile, warmVerdict, type WarmVerdict } from './warm.js';
export {
  DEFAULT_FORECAST,
  DEFAULT_OUTLOOK,
  expectedArrivals,
  isWeekend,
  outlookOf,
  quantileOf,
  sortedCounter,
  type ForecastOptions,
  type OutlookHistory,
  type OutlookOptions,
} from './outlook.js';
export { expectedStarts, type StartEstimate, type StartEstimateBot, type StartEstimateInput } from './expected-start.js';
export {
  arrivalCounter,
  EMPTY_STATS,
  endedRunIds,
  observe,
  outlookFromStats,
  typicalRunMinutes,
  type EndedRun,
  type GroupObservation,
  type GroupScalingStats,
} from './group-stats.js';
export { NO_BOT_YET, queueEstimates, type QueueEstimate, type QueueEstimateBot, type QueueEstimateInput } from './queue-estimate.js';
