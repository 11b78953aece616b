import type { Plan } from './planner-output.js';

/**
 * One line for logs: what the plan changes and which groups' runs still wait, e.g.
 * `env-1 @2025-01-01T00:00:00Z limit 4: 2/4 → 3/4 bots; create g1+1(demand); release g2/b3(idle-timeout); unserved g3 5(group-at-max-bots)`.
 */
export function summarise(plan: Plan): string {
  const parts: string[] = [];
  const creates = plan.decisions.flatMap((d) => (d.kind === 'create' ? [`${d.groupId}+${d.count}(${d.reason})`] : []));
  const releases = plan.decisions.flatMap((d) =>
    d.kind === 'release' ? [`${d.groupId}/${d.botId}(${d.reason}${d.forGroupId === undefined ? '' : `→${d.forGroupId}`})`] : [],
  );
  const drains = plan.decisions.flatMap((d) => (d.kind === 'drain' ? [`${d.groupId}/${d.botId}(${d.busy ? 'after run' : 'idle'})`] : []));
  if (creates.length > 0) parts.push(`create ${creates.join(' ')}`);
  if (releases.length > 0) parts.push(`release ${releases.join(' ')}`);
  if (drains.length > 0) parts.push(`drain ${drains.join(' ')}`);
  if (plan.unserved.length > 0) parts.push(`unserved ${plan.unserved.map((u) => `${u.groupId} ${u.waitingRuns}(${u.reason})`).join(' ')}`);
  const head = `${plan.environmentId} @${plan.at} limit ${plan.limit}: ${plan.totals.before}/${plan.limit} → ${plan.totals.after}/${plan.limit} bots`;
  return parts.length === 0 ? `${head}; no change` : `${head}; ${parts.join('; ')}`;
}
