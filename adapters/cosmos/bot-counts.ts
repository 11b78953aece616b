import type { Container } from '@azure/cosmos';

/** Bots that exist (any state but Deleted) per group of one environment: one in-partition query. */
export async function countActiveBots(bots: Container, environmentId: string): Promise<Record<string, number>> {
  const { resources } = await bots.items
    .query<{ groupId: string }>(
      {
        query: "SELECT c.groupId FROM c WHERE c.environmentId = @env AND c.type = 'bot' AND c.state != 'Deleted'",
        parameters: [{ name: '@env', value: environmentId }],
      },
      { partitionKey: environmentId },
    )
    .fetchAll();
  const counts: Record<string, number> = {};
  for (const { groupId } of resources) counts[groupId] = (counts[groupId] ?? 0) + 1;
  return counts;
}
