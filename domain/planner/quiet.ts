import { isAlive } from '../bot.js';
import type { PlannerInput } from './planner-input.js';
import type { Plan } from './planner-output.js';

/**
 * An environment with nothing for its controller to watch: no live bot, nothing queued or running, no bot committed
 * (now or by a schedule), no service level (its outlook warms bots ahead of demand), and nothing decided this round.
 * Its controller's safety timer may then wait CONTROLLER_QUIET_INTERVAL_SECONDS instead of CONTROLLER_INTERVAL_SECONDS:
 * everything that could change the plan (a submit, a group edit, a bot's state) wakes it at once, and the safety
 * timer only bounds how late a lost wake-up is noticed.
 */
export function isQuietEnvironment(input: PlannerInput, result: Plan, runningRuns: number): boolean {
  if (result.decisions.length > 0 || runningRuns > 0) return false;
  return input.groups.every(
    (g) =>
      g.queued.high + g.queued.normal === 0 &&
      g.committedBots === 0 &&
      (g.capacitySchedule ?? []).length === 0 &&
      g.serviceLevel === undefined &&
      g.bots.every((b) => !isAlive(b.state)),
  );
}
