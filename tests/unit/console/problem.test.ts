import { describe, expect, it } from 'vitest';
import { problemOf } from '../../../console/src/problem.js';
import { numericSeries } from '../../../console/src/series.js';

describe('problem+json as the console shows it', () => {
  it('keeps title, detail and the field list', () => {
    const body = {
      type: 'x',
      title: 'The request is not valid.',
      status: 400,
      detail: 'maxBots: too big',
      errors: [{ field: 'maxBots', message: 'Must be at most 50' }],
    };
    expect(problemOf(400, body)).toEqual({
      status: 400,
      title: 'The request is not valid.',
      detail: 'maxBots: too big',
      fields: ['maxBots: Must be at most 50'],
    });
  });

  it('falls back to the status text when the body is not problem+json', () => {
    expect(problemOf(502, 'Bad gateway', 'Bad Gateway')).toEqual({ status: 502, title: 'Bad Gateway', detail: '', fields: [] });
    expect(problemOf(500, undefined)).toEqual({ status: 500, title: 'HTTP 500', detail: '', fields: [] });
  });
});

describe('history series', () => {
  it('charts every numeric field of the first list of points, with gaps for missing minutes', () => {
    const body = {
      groupId: 'g',
      stepMinutes: 1,
      points: [
        { at: 't1', queued: null, liveBots: 1 },
        { at: 't2', queued: 3, liveBots: 2 },
      ],
    };
    expect(numericSeries(body)).toEqual([
      { name: 'liveBots', values: [1, 2] },
      { name: 'queued', values: [null, 3] },
    ]);
  });

  it('has nothing to chart in an answer without points', () => {
    expect(numericSeries({ type: 'x', title: 'Not found' })).toEqual([]);
    expect(numericSeries(undefined)).toEqual([]);
  });
});
