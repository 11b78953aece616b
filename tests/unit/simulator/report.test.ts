import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../../simulator/experiment.js';
import { percentile } from '../../../bench/stats.js';
import { jain } from '../../../simulator/metrics.js';
import { DEFAULT_PLATFORM } from '../../../simulator/model.js';
import { BASELINE_FAMILIES, policyVariants } from '../../../simulator/policies/index.js';
import { compare, markdownReport, median, paretoFrontier, ratio, summarise } from '../../../simulator/report.js';
import { chartSvg, frontierSvg } from '../../../simulator/svg-chart.js';

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

  it('a frontier keeps the points no other beats on both bot-minutes and p95 wait; the project is compared with its cheapest point that waits no longer', () => {
    const p = (name: string, botMinutes: number, p95WaitMinutes: number) => ({ name, knobs: name, botMinutes, p95WaitMinutes });
    const frontier = paretoFrontier([p('a', 100, 30), p('b', 120, 20), p('c', 130, 25), p('d', 200, 5), p('e', 210, 5)]);
    expect(frontier.map((x) => x.name)).toEqual(['a', 'b', 'd']);
    expect(compare(p('project', 70, 20), frontier, 'f', 'F')).toMatchObject({ best: { name: 'b' }, ratio: 0.58, goalMet: true });
    expect(compare(p('project', 100, 20), frontier, 'f', 'F')).toMatchObject({ best: { name: 'b' }, ratio: 0.83, goalMet: false });
    // no point waits as little as the project: the goal holds, and the lowest wait is shown
    expect(compare(p('project', 300, 4), frontier, 'f', 'F')).toMatchObject({ best: null, ratio: null, goalMet: true, lowestWait: { name: 'd' } });
  });

  it('summarises every policy of a trace, with the ratios to each baseline, as markdown and SVG', () => {
    const lines: string[] = [];
    const [outcome] = runExperiment({ traces: ['competing-groups'], seeds: [1], platform: DEFAULT_PLATFORM, progress: (l) => lines.push(l) });
    if (outcome === undefined) throw new Error('no outcome');
    expect(lines.some((l) => l.includes('competing-groups'))).toBe(true);
    const summary = summarise(outcome);
    expect(Object.keys(summary.medians)).toEqual(policyVariants().map((v) => v.name));
    expect(summary.comparisons.map((c) => c.family)).toEqual([...BASELINE_FAMILIES]);
    const md = markdownReport([summary], '## test');
    expect(md).toContain('| competing-groups |');
    expect(md).toContain('| this project |');
    const svg = chartSvg(outcome.chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2 * outcome.chart.panels.length);
    const frontier = frontierSvg({
      title: 't',
      families: [
        {
          label: 'F',
          points: [
            { x: 1, y: 2, knobs: 'k' },
            { x: 2, y: 1, knobs: 'k2' },
          ],
          frontier: [
            { x: 1, y: 2 },
            { x: 2, y: 1 },
          ],
        },
      ],
      operatingPoint: { x: 1.5, y: 1, label: 'op' },
    });
    expect(frontier).toContain('<circle');
  });
});
