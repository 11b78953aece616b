/**
 * Chartable series from a history answer whose exact shape the console does not depend on: the first array of
 * objects in it (`items`, `points`, …), one series per field that is a number somewhere. Pure.
 */
export interface Series {
  name: string;
  /** null where the point has no value (no rollup for that minute) */
  values: Array<number | null>;
}

function rowsOf(body: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(body)) return body.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
  if (typeof body !== 'object' || body === null) return [];
  for (const value of Object.values(body)) {
    if (Array.isArray(value) && value.some((r) => typeof r === 'object' && r !== null)) return rowsOf(value);
  }
  return [];
}

export function numericSeries(body: unknown): Series[] {
  const rows = rowsOf(body);
  const names: string[] = [];
  for (const row of rows) for (const [key, value] of Object.entries(row)) if (typeof value === 'number' && !names.includes(key)) names.push(key);
  return names.map((name) => ({ name, values: rows.map((row) => (typeof row[name] === 'number' ? (row[name] as number) : null)) }));
}
