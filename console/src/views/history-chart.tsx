import { useConsole } from '../context.js';
import { formatReason } from '../format.js';
import { usePoll } from '../poll.js';
import { numericSeries, type Series } from '../series.js';
import { Section } from './common.js';

const formatNumber = (n: number | undefined) => (n === undefined ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(2));

function Sparkline({ series, target }: { series: Series; target: number | undefined }) {
  const width = 300;
  const height = 60;
  const known = series.values.filter((v): v is number => v !== null);
  const max = Math.max(...known, 0);
  const scale = Math.max(max, target ?? 0) || 1;
  const y = (v: number) => (height - (v / scale) * (height - 4) - 2).toFixed(1);
  const step = series.values.length > 1 ? width / (series.values.length - 1) : width;
  const points = series.values.flatMap((v, i) => (v === null ? [] : [`${(i * step).toFixed(1)},${y(v)}`])).join(' ');
  const last = known.at(-1);
  return (
    <figure class="spark">
      <figcaption>
        {formatReason(series.name)}: latest {formatNumber(last)}, max {formatNumber(max)}
        {target !== undefined ? `, target ${formatNumber(target)}` : ''}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${formatReason(series.name)} over the last 24 hours`} preserveAspectRatio="none">
        {target !== undefined ? <line x1={0} x2={width} y1={y(target)} y2={y(target)} stroke="#a4262c" stroke-dasharray="4 3" stroke-width="1" /> : null}
        <polyline points={points} fill="none" stroke="currentColor" stroke-width="2" />
      </svg>
    </figure>
  );
}

/** The group's 24 h history (utilisation, queued, waiting p95, live bots), when the API serves it, against the group's service-level targets. */
export function HistoryChart({ env, group, targets }: { env: string; group: string; targets: Record<string, number | undefined> }) {
  const { api } = useConsole();
  const history = usePoll<unknown>(api, `environments/${env}/groups/${group}/history`, 30_000);
  const series = numericSeries(history.data);
  return (
    <Section title="History (24 h)" id="history">
      {history.error || series.length === 0 ? (
        <p class="muted" data-testid="no-history">
          No history to show{history.error ? ` (${history.error.title})` : ''}.
        </p>
      ) : (
        <div class="sparks">
          {series.map((s) => (
            <Sparkline key={s.name} series={s} target={targets[s.name]} />
          ))}
        </div>
      )}
    </Section>
  );
}
