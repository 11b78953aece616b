import { memberNames } from '../app/environments/members.js';

type Named<T> = T & { ownerName?: string };

/**
 * Adds `ownerName` next to `ownerId`: the owner's display name as its member document has it (absent for an owner
 * without one, e.g. the built-in image's). One query of the environment's members for the whole list.
 */
export async function withOwnerNames<T extends { ownerId: string }>(
  deps: Parameters<typeof memberNames>[0],
  environmentId: string | undefined,
  resources: T[],
): Promise<Named<T>[]> {
  if (resources.length === 0 || environmentId === undefined) return resources;
  const names = await memberNames(deps, environmentId.toLowerCase());
  return resources.map((r) => {
    const ownerName = names.get(r.ownerId);
    return ownerName === undefined ? r : { ...r, ownerName };
  });
}

export async function withOwnerName<T extends { ownerId: string }>(
  deps: Parameters<typeof memberNames>[0],
  environmentId: string | undefined,
  resource: T,
): Promise<Named<T>> {
  const [named] = await withOwnerNames(deps, environmentId, [resource]);
  return named ?? resource;
}

/** The schema field, for the resources' OpenAPI shapes. */
export const OWNER_NAME_DESCRIPTION = "The owner's display name, from its member document (absent when it has none).";
