/**
 * The reasons a plan gives, as stable codes (stored with each scaling decision and served by
 * `GET .../groups/{id}/scaling`) plus the sentences that explain them to an operator.
 */

export const CREATE_REASONS = ['committed', 'demand', 'warm'] as const;
/**
 * committed: topping the group up to its committed (warm) bots; demand: runs wait and no bot is free; warm: the
 * group's outlook expects runs within one provisioning time (pre-warming before a recurring peak included)
 */
export type CreateReason = (typeof CREATE_REASONS)[number];

export const RELEASE_REASONS = ['idle-timeout', 'idle-surplus', 'handover', 'over-limit', 'group-cold', 'group-deleted'] as const;
/**
 * idle-timeout: an idle bot beyond what the group needs, idle for BOT_IDLE_TIMEOUT_SECONDS;
 * idle-surplus: an idle bot handed back to the pool because another group needs the slot;
 * handover: a busy bot that goes after its current run, because another group's runs wait with no bot at all and
 *   no slot or idle bot is there for them (a deferred release: its slot is freed, and given, only once it has gone);
 * over-limit: the group holds more than maxBots, or the environment more than its parallel limit (both lowered);
 * group-cold: the group has been idle for GROUP_IDLE_TEARDOWN_HOURS;
 * group-deleted: the group was deleted.
 */
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

export const DRAIN_REASONS = ['image-change'] as const;
export type DrainReason = (typeof DRAIN_REASONS)[number];

export const UNSERVED_REASONS = [
  'group-deleted',
  'switch-off',
  'group-in-maintenance',
  'group-at-max-bots',
  'trial-limit',
  'environment-capacity-exhausted',
] as const;
/**
 * Recorded (action `none`) when a group's targetWaitMinutes asks for more warm bots than its minUtilization allows:
 * the planner keeps the fewer (minUtilization wins), and says so once, when the conflict starts.
 */
export const SERVICE_LEVEL_CONFLICT = 'service-level-conflict';

/** Why runs of a group still wait with no bot for them after this plan (in order of precedence). */
export type UnservedReason = (typeof UNSERVED_REASONS)[number];

export const messages = {
  createCommitted: (count: number, committed: number, scheduled = false) =>
    `Creating ${count} bot(s) to keep the group's ${committed} committed bot(s) warm${scheduled ? ' (raised by a window of its capacity schedule)' : ''}.`,
  createDemand: (count: number, queued: number) => `Creating ${count} bot(s): ${queued} run(s) wait and no bot is free for them.`,
  createWarm: (count: number, expected: number, provisionMinutes: number, quantile: number) =>
    `Creating ${count} warm bot(s): ${expected.toFixed(1)} run(s) expected within the ${provisionMinutes.toFixed(1)} min a bot takes to provision (covering ${Math.round(quantile * 100)} % of such windows).`,
  serviceLevelConflict: (wanted: number, spare: number, minUtilization: number) =>
    `The wait target asks for ${wanted} warm bot(s); minUtilization ${minUtilization} allows ${spare}.`,
  release: {
    'idle-timeout': (idleSeconds: number, timeout: number, learned = false) =>
      `Idle for ${idleSeconds} s (timeout ${timeout} s${learned ? ": the break-even keep time learned from the group's arrivals and provisioning time" : ''}) and not needed by the group's committed bots, runs or warm spare.`,
    'idle-surplus': (forGroupId: string) => `Idle and beyond what this group needs most; its slot goes to group ${forGroupId}.`,
    handover: (forGroupId: string) =>
      `Group ${forGroupId} has runs waiting and no bot, and no slot or idle bot is free for it: this bot finishes its current run, then goes, and its slot goes to group ${forGroupId}.`,
    'over-limit': (what: string) => `Idle and above ${what}.`,
    'group-cold': (hours: number) => `The group has had no activity for ${hours} h or more; an idle group keeps no bots, committed ones included.`,
    'group-deleted': () => 'The group is deleted; it keeps no bots.',
  },
  drain: (from: string, to: string, busy: boolean) =>
    `Runs image ${from}; the group now uses ${to}. ${busy ? 'It reprovisions after its current run.' : 'It is idle and reprovisions now.'}`,
} as const;

/** The sentence for an unserved group; the facts are the numbers the sentence quotes. */
export function unservedMessage(reason: UnservedReason, facts: { maxBots: number; limit: number }): string {
  switch (reason) {
    case 'group-deleted':
      return 'The group is deleted; its runs get no bot.';
    case 'switch-off':
      return 'Hosted RPA is switched off for the environment; no bot is created and no run dispatched.';
    case 'group-in-maintenance':
      return 'The group is in maintenance; no run is assigned until maintenance ends.';
    case 'group-at-max-bots':
      return `The group already has its maximum of ${facts.maxBots} bot(s).`;
    case 'trial-limit':
      return `A trial environment runs at most ${facts.limit} bots in parallel, and they are in use.`;
    case 'environment-capacity-exhausted':
      return `The environment's ${facts.limit} parallel bot(s) are in use, committed to other groups, or given to groups that wait longer or hold fewer bots.`;
  }
}
