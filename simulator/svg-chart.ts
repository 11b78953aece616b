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
function stepPath(
  points: readonly SeriesPoint[],
  pick: (p: SeriesPoint) => number,
  x: (t: number) => number,
  y: (v: number) => number,
  horizon: number,
): string {
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
    for (const v of [0, maxQueued / 2, maxQueued])
      out.push(`<text x="${LEFT - 6}" y="${fixed(yQueued(v) + 4)}" text-anchor="end" fill="${COLORS.queued}">${fixed(v)}</text>`);
    for (const v of [0, maxBots / 2, maxBots])
      out.push(`<text x="${LEFT + plotWidth + 6}" y="${fixed(yBots(v) + 4)}" fill="${COLORS.bots}">${fixed(v)}</text>`);
    for (let h = 0; h <= hours; h += tickEvery)
      out.push(`<text x="${fixed(x(spec.start + h * HOUR))}" y="${top + PANEL + 13}" text-anchor="middle" fill="#495057">${h}</text>`);
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${fixed(yBots(spec.capacity))}" y2="${fixed(yBots(spec.capacity))}" stroke="${COLORS.capacity}" stroke-dasharray="4 3"/>`,
    );
    out.push(`<path d="${stepPath(panel.series, (p) => p.queued, x, yQueued, spec.horizon)}" fill="none" stroke="${COLORS.queued}" stroke-width="1.4"/>`);
    out.push(`<path d="${stepPath(panel.series, (p) => p.bots, x, yBots, spec.horizon)}" fill="none" stroke="${COLORS.bots}" stroke-width="1.4"/>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One trace's frontiers: every policy family's settings as points (bot-minutes, p95 wait), its Pareto frontier as a line. */
export interface FrontierSpec {
  title: string;
  families: Array<{ label: string; points: Array<{ x: number; y: number; knobs: string }>; frontier: Array<{ x: number; y: number }> }>;
  operatingPoint: { x: number; y: number; label: string } | null;
}

const FAMILY_COLORS = ['#2b8a3e', '#d9480f', '#1c7ed6', '#ae3ec9', '#f08c00', '#0c8599', '#868e96', '#5c940d'];

export function frontierSvg(spec: FrontierSpec): string {
  const W = 760;
  const H = 460;
  const L = 70;
  const R = 250;
  const T = 40;
  const B = 50;
  const all = spec.families.flatMap((f) => f.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xMin = Math.min(...xs) * 0.95;
  const xMax = Math.max(...xs) * 1.05;
  const yMax = niceMax(Math.max(1, ...ys) * 1.05);
  const x = (v: number) => L + ((v - xMin) / Math.max(1, xMax - xMin)) * (W - L - R);
  const y = (v: number) => T + (H - T - B) - (v / yMax) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${L}" y="20" font-size="14" font-weight="bold">${escape(spec.title)}</text>`,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#ced4da"/>`,
    `<text x="${L + (W - L - R) / 2}" y="${H - 12}" text-anchor="middle" fill="#495057">bot-minutes (median over seeds)</text>`,
    `<text x="16" y="${T + (H - T - B) / 2}" transform="rotate(-90 16 ${T + (H - T - B) / 2})" text-anchor="middle" fill="#495057">p95 queue wait, min</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const vx = xMin + ((xMax - xMin) * i) / 4;
    const vy = (yMax * i) / 4;
    out.push(`<text x="${fixed(x(vx))}" y="${H - B + 14}" text-anchor="middle" fill="#495057">${Math.round(vx).toLocaleString('en-US')}</text>`);
    out.push(`<text x="${L - 6}" y="${fixed(y(vy) + 4)}" text-anchor="end" fill="#495057">${fixed(vy)}</text>`);
  }
  spec.families.forEach((f, i) => {
    const color = FAMILY_COLORS[i % FAMILY_COLORS.length] ?? '#000';
    if (f.frontier.length > 1)
      out.push(
        `<path d="${f.frontier.map((p, j) => `${j === 0 ? 'M' : 'L'}${fixed(x(p.x))},${fixed(y(p.y))}`).join('')}" fill="none" stroke="${color}" stroke-width="1.5"/>`,
      );
    for (const p of f.points)
      out.push(
        `<circle cx="${fixed(x(p.x))}" cy="${fixed(y(p.y))}" r="3.5" fill="${color}" fill-opacity="0.7"><title>${escape(`${f.label}: ${p.knobs}: ${Math.round(p.x)} bot-min, p95 ${p.y} min`)}</title></circle>`,
      );
    out.push(
      `<circle cx="${W - R + 16}" cy="${T + 8 + i * 18}" r="4" fill="${color}"/><text x="${W - R + 26}" y="${T + 12 + i * 18}">${escape(f.label)}</text>`,
    );
  });
  const op = spec.operatingPoint;
  if (op !== null) {
    out.push(
      `<path d="M${fixed(x(op.x))},${fixed(y(op.y) - 9)}l8,15h-16z" fill="none" stroke="#000" stroke-width="2"><title>${escape(op.label)}</title></path>`,
    );
    out.push(
      `<path d="M${W - R + 16},${T + 2 + spec.families.length * 18}l6,11h-12z" fill="none" stroke="#000" stroke-width="2"/><text x="${W - R + 26}" y="${T + 12 + spec.families.length * 18}">${escape(op.label)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
