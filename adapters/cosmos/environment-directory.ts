import type { Container } from '@azure/cosmos';

/**
 * The ids of every environment: the maintenance timers' only cross-partition query (one small projection,
 * a few times an hour). Requests never use it: they always name their environment.
 */
export async function listEnvironmentIds(control: Container): Promise<string[]> {
  const { resources } = await control.items
    .query<string>({ query: "SELECT VALUE c.id FROM c WHERE c.type = 'environment'" }, { maxItemCount: 1_000 })
    .fetchAll();
  return resources;
}
