/** Entity instance ids as the library builds them (`EntityId.getSchedulerIdFromEntityId`): `@name@key`. */
export interface EntityRef {
  name: string;
  key: string;
}

export function entitySchedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function isEntityInstanceId(instanceId: string): boolean {
  return instanceId.startsWith('@') && instanceId.indexOf('@', 1) > 1;
}

export function parseEntitySchedulerId(instanceId: string): EntityRef {
  const at = instanceId.indexOf('@', 1);
  if (!instanceId.startsWith('@') || at < 2) throw new Error(`"${instanceId}" is not an entity instance id (@name@key).`);
  return { name: instanceId.substring(1, at), key: instanceId.substring(at + 1) };
}
