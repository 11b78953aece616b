function describe(signature: string): string {
  const [kind, ...rest] = signature.split(':');
  return rest.length > 0 ? `${kind} '${rest.join(':')}'` : (kind ?? signature);
}

/**
 * Replaying an execution must reproduce the actions it produced before, in order (the cumulative action
 * list of schema V2+). Returns the failure message when it does not, as DurableTask.Core reports it.
 */
export function findNonDeterminism(previous: readonly string[], replayed: readonly string[]): string | undefined {
  const hint =
    'Was a change made to the orchestrator code after this instance had already started running, or does it depend on values that change between replays (time, random numbers, module state)?';
  for (let i = 0; i < previous.length; i++) {
    const before = previous[i];
    const now = replayed[i];
    if (before === undefined || before === now) continue;
    if (now === undefined) {
      return `Non-Deterministic workflow detected: a previous execution of this orchestration scheduled ${describe(before)} as action #${i}, but the current replay execution did not schedule it. ${hint}`;
    }
    return `Non-Deterministic workflow detected: a previous execution of this orchestration scheduled ${describe(before)} as action #${i}, but the current replay execution scheduled ${describe(now)} instead. ${hint}`;
  }
  return undefined;
}
