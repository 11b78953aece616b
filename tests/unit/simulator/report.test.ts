import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../../simulator/experiment.js';
import { percentile } from '../../../bench/stats.js';
import { jain } from '../../../simulator/metrics.js';
import { DEFAULT_PLATFORM } from '../../../simulator/model.js';
import { policies } from '../../../simulator/policies/index.js';
import { markdownReport, median, ratio, summarise } from '../../../simulator/report.js';
import { chartSvg } from '../../../simulator/svg-chart.js';

describe('the report', () => {
  it('percentiles, medians, Jain and ratios', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(jain([2, 2, 2])).toBe(1);
    expect(jain([1, 0])).toBe(0.5);
    expect(ratio(5, 10)).toBe(0.5);
    expect(ratio(0, 0)).toBe(1);
    expect(ratio(3, 0)).toBeNull();
  });

  it('summarises every policy of a trace, with the ratios to each baseline, as markdown and SVG', () => {
    const lines: string[] = [];
    const [outcome] = runExperiment({ traces: ['competing-groups'], seeds: [1], platform: DEFAULT_PLATFORM, progress: (l) => lines.push(l) });
    if (outcome === undefined) throw new Error('no outcome');
    for (const policy of policies()) expect(lines.some((l) => l.includes(policy().label))).toBe(true);
    const summary = summarise(outcome);
    expect(Object.keys(summary.medians)).toEqual(['project', 'power-automate', 'keda', 'vmss', 'project-plan-on-idle']);
    expect(Object.keys(summary.ratios)).toEqual(['power-automate', 'keda', 'vmss']);
    const md = markdownReport([summary], '## test');
    expect(md).toContain('| competing-groups |');
    expect(md).toContain('| this project |');
    const svg = chartSvg(outcome.chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2 * policies().length);
  });
});
