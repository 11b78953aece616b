/**
 * The extension's rules for a new orchestration instance id (azure-functions-durable-extension
 * `DurableClient.StartNewAsync`): not starting with `@` (entity ids), none of `/ \ # ?` or a control character, at
 * most 256 characters. A violation is an ArgumentException, which the HTTP API answers 400.
 */
export const MAX_INSTANCE_ID_LENGTH = 256;

export function instanceIdProblem(instanceId: string): string | undefined {
  if (instanceId.startsWith('@')) return 'Orchestration instance ids must not start with @.';
  // eslint-disable-next-line no-control-regex
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(instanceId)) return 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.';
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH) return `Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`;
  return undefined;
}
