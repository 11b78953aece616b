export { plan } from './plan.js';
export { summarise } from './summarise.js';
export type { BotState, PlannerBot, PlannerEnvironment, PlannerGroup, PlannerInput, PlannerQueue, PlannerSettings } from './planner-input.js';
export { OCCUPYING_STATES } from './planner-input.js';
export type { CreateBots, Decision, DrainBot, GroupCondition, GroupPlan, Plan, ReleaseBot, UnservedGroup } from './planner-output.js';
export { CREATE_REASONS, DRAIN_REASONS, RELEASE_REASONS, UNSERVED_REASONS } from './reasons.js';
export type { CreateReason, DrainReason, ReleaseReason, UnservedReason } from './reasons.js';
