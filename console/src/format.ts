/** Display formatting for the console: pure, no DOM. */

/** `95` → `1 min 35 s`; `3720` → `1 h 2 min`; negative or missing → `—`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 === 0 ? `${minutes} min` : `${minutes} min ${s % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Seconds between two ISO times (`to` defaults to now); undefined when either is missing or invalid. */
export function secondsBetween(from: string | null | undefined, to: string | null | undefined, now: Date): number | undefined {
  if (!from) return undefined;
  const start = Date.parse(from);
  const end = to ? Date.parse(to) : now.getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) return undefined;
  return Math.max(0, (end - start) / 1000);
}

/** An ISO time as `2026-12-06 12:15:02 UTC` (UTC: operators compare it with logs). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How far an ISO time is from now: `in 2 min`, `3 min ago`, `now`. */
export function formatRelative(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  const delta = Math.round((ms - now.getTime()) / 1000);
  if (Math.abs(delta) < 2) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** `0.734` → `73 %`; missing → `—`. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${Math.round(ratio * 100)} %`;
}

/** A scaling reason as words: `group-at-max-bots` → `group at max bots`. */
export function formatReason(reason: string | null | undefined): string {
  if (!reason) return '—';
  return reason
    .replace(/[-_]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** The first 8 characters of a GUID, for tables (the full id stays in the title and the link). */
export function shortId(id: string | null | undefined): string {
  if (!id) return '—';
  return id.length > 8 ? id.slice(0, 8) : id;
}
