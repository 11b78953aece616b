/**
 * A bot's state timeline, from the states the console has seen it in. The API gives each bot's current state
 * and `since` (when it entered it); every poll adds an observation, and the timeline keeps one entry per state
 * change. Pure: the caller keeps the history between polls.
 */
export interface BotObservation {
  id: string;
  state: string;
  since: string;
}

export interface TimelineEntry {
  state: string;
  since: string;
}

/** Entries kept per bot: the oldest go first. */
export const MAX_TIMELINE_ENTRIES = 20;

/** The history with the bot's current state added when it is new (a state or `since` the history does not end with). */
export function observe(history: readonly TimelineEntry[], bot: BotObservation): TimelineEntry[] {
  const last = history.at(-1);
  if (last && last.state === bot.state && last.since === bot.since) return [...history];
  if (last && Date.parse(bot.since) < Date.parse(last.since)) return [...history];
  return [...history, { state: bot.state, since: bot.since }].slice(-MAX_TIMELINE_ENTRIES);
}

export interface TimelineSegment {
  state: string;
  from: string;
  /** undefined: the bot is still in this state */
  to: string | undefined;
  seconds: number;
  /** share of the shown span, 0..1, for drawing */
  fraction: number;
}

/** The history as segments from the first observed change to `now`, each with its share of that span. */
export function segments(history: readonly TimelineEntry[], now: Date): TimelineSegment[] {
  if (history.length === 0) return [];
  const first = Date.parse(history[0]?.since ?? '');
  const span = Math.max(1, now.getTime() - first);
  return history.map((entry, i) => {
    const next = history[i + 1];
    const start = Date.parse(entry.since);
    const end = next ? Date.parse(next.since) : now.getTime();
    const ms = Math.max(0, end - start);
    return { state: entry.state, from: entry.since, to: next?.since, seconds: ms / 1000, fraction: ms / span };
  });
}

/** Every bot's history updated from one poll of the group's bots; bots no longer listed keep theirs (they may come back as Deleted). */
export function observeAll(histories: ReadonlyMap<string, readonly TimelineEntry[]>, bots: readonly BotObservation[]): Map<string, TimelineEntry[]> {
  const next = new Map<string, TimelineEntry[]>();
  for (const [id, history] of histories) next.set(id, [...history]);
  for (const bot of bots) next.set(bot.id, observe(histories.get(bot.id) ?? [], bot));
  return next;
}
