import { HOUR } from './model.js';
import type { SeriesPoint } from './recorder.js';

/**
 * A hand-written SVG of one trace: one panel per policy, queue depth (left axis) and bots alive (right axis, with
 * the capacity as a dashed line) over time, as step lines. No dependency: plain strings.
 */
export interface ChartPanel {
  label: string;
  series: readonly SeriesPoint[];
}

export interface ChartSpec {
  title: string;
  start: number;
  horizon: number;
  capacity: number;
  panels: readonly ChartPanel[];
}

const WIDTH = 960;
const PANEL = 150;
const LEFT = 56;
const RIGHT = 40;
const TOP = 46;
const GAP = 34;
const COLORS = { queued: '#d9480f', bots: '#1c7ed6', capacity: '#868e96' };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (v: number) => (Math.round(v * 10) / 10).toString();

/** A step line through the points, clipped to [start, horizon]. */
function stepPath(points: readonly SeriesPoint[], pick: (p: SeriesPoint) => number, x: (t: number) => number, y: (v: number) => number, horizon: number): string {
  if (points.length === 0) return '';
  const parts: string[] = [];
  let prev: number | undefined;
  for (const p of points) {
    if (p.t > horizon) break;
    if (prev === undefined) parts.push(`M${fixed(x(p.t))},${fixed(y(pick(p)))}`);
    else parts.push(`H${fixed(x(p.t))}V${fixed(y(pick(p)))}`);
    prev = pick(p);
  }
  parts.push(`H${fixed(x(horizon))}`);
  return parts.join('');
}

function niceMax(v: number): number {
  if (v <= 5) return 5;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * magnitude >= v) return m * magnitude;
  return 10 * magnitude;
}

export function chartSvg(spec: ChartSpec): string {
  const height = TOP + spec.panels.length * (PANEL + GAP) + 10;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const span = spec.horizon - spec.start;
  const x = (t: number) => LEFT + ((t - spec.start) / span) * plotWidth;
  const hours = span / HOUR;
  const tickEvery = hours <= 12 ? 1 : hours <= 24 ? 2 : 6;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${LEFT}" y="18" font-size="14" font-weight="bold">${escape(spec.title)}</text>`,
    `<text x="${LEFT}" y="34" fill="${COLORS.queued}">— runs queued (left axis)</text><text x="${LEFT + 150}" y="34" fill="${COLORS.bots}">— bots: Provisioning, Ready, Busy (right axis)</text><text x="${LEFT + 420}" y="34" fill="${COLORS.capacity}">- - capacity ${spec.capacity}</text><text x="${LEFT + 530}" y="34" fill="#495057">x: hours from the trace's start</text>`,
  ];
  spec.panels.forEach((panel, i) => {
    const top = TOP + i * (PANEL + GAP) + 14;
    const maxQueued = niceMax(Math.max(1, ...panel.series.map((p) => p.queued)));
    const maxBots = niceMax(Math.max(spec.capacity, ...panel.series.map((p) => p.bots)));
    const yQueued = (v: number) => top + PANEL - (v / maxQueued) * PANEL;
    const yBots = (v: number) => top + PANEL - (v / maxBots) * PANEL;
    out.push(`<text x="${LEFT}" y="${top - 4}" font-weight="bold">${escape(panel.label)}</text>`);
    out.push(`<rect x="${LEFT}" y="${top}" width="${plotWidth}" height="${PANEL}" fill="none" stroke="#ced4da"/>`);
    for (const v of [0, maxQueued / 2, maxQueued]) out.push(`<text x="${LEFT - 6}" y="${fixed(yQueued(v) + 4)}" text-anchor="end" fill="${COLORS.queued}">${fixed(v)}</text>`);
    for (const v of [0, maxBots / 2, maxBots]) out.push(`<text x="${LEFT + plotWidth + 6}" y="${fixed(yBots(v) + 4)}" fill="${COLORS.bots}">${fixed(v)}</text>`);
    for (let h = 0; h <= hours; h += tickEvery) out.push(`<text x="${fixed(x(spec.start + h * HOUR))}" y="${top + PANEL + 13}" text-anchor="middle" fill="#495057">${h}</text>`);
    out.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${fixed(yBots(spec.capacity))}" y2="${fixed(yBots(spec.capacity))}" stroke="${COLORS.capacity}" stroke-dasharray="4 3"/>`);
    out.push(`<path d="${stepPath(panel.series, (p) => p.queued, x, yQueued, spec.horizon)}" fill="none" stroke="${COLORS.queued}" stroke-width="1.4"/>`);
    out.push(`<path d="${stepPath(panel.series, (p) => p.bots, x, yBots, spec.horizon)}" fill="none" stroke="${COLORS.bots}" stroke-width="1.4"/>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
