import { EventType, type HistoryEvent } from '../protocol/history-event.js';
import { isObject } from '../protocol/json-value.js';

/**
 * External events an execution received but never consumed, which continueAsNew carries over to the next
 * execution. Every wait (a `WaitForExternalEvent` action) takes one event of its name, oldest first, so
 * the unconsumed ones are the newest beyond the number of waits. Entity responses (raised under their
 * request id) are not external events.
 */
export function unconsumedExternalEvents(history: readonly HistoryEvent[], actionSignatures: readonly string[]): Array<{ name: string; input: string | undefined }> {
  const entityRequestIds = new Set<string>();
  for (const event of history) {
    if (event.EventType !== EventType.EventSent || event.Input === undefined) continue;
    try {
      const request: unknown = JSON.parse(event.Input);
      if (isObject(request) && typeof request.id === 'string') entityRequestIds.add(request.id);
    } catch {
      // not a request message
    }
  }
  const byName = new Map<string, HistoryEvent[]>();
  for (const event of history) {
    if (event.EventType !== EventType.EventRaised || event.Name === undefined || entityRequestIds.has(event.Name)) continue;
    byName.set(event.Name, [...(byName.get(event.Name) ?? []), event]);
  }
  const waits = new Map<string, number>();
  for (const signature of actionSignatures) {
    if (!signature.startsWith('WaitForExternalEvent:')) continue;
    const name = signature.slice('WaitForExternalEvent:'.length);
    waits.set(name, (waits.get(name) ?? 0) + 1);
  }
  const carried: Array<{ event: HistoryEvent; index: number }> = [];
  for (const [name, events] of byName) {
    events.slice(Math.min(waits.get(name) ?? 0, events.length)).forEach((event) => carried.push({ event, index: history.indexOf(event) }));
  }
  return carried.sort((a, b) => a.index - b.index).map(({ event }) => ({ name: event.Name ?? '', input: event.Input }));
}
