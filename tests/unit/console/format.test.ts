import { describe, expect, it } from 'vitest';
import { formatDuration, formatRatio, formatReason, formatRelative, formatTime, secondsBetween, shortId } from '../../../console/src/format.js';

const NOW = new Date('2026-12-06T12:00:00.000Z');

describe('console formatting', () => {
  it.each([
    [0, '0 s'],
    [59.9, '59 s'],
    [60, '1 min'],
    [95, '1 min 35 s'],
    [3600, '1 h'],
    [3720, '1 h 2 min'],
    [-1, '—'],
    [Number.NaN, '—'],
    [undefined, '—'],
    [null, '—'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('measures between two times, or up to now when the second is missing', () => {
    expect(secondsBetween('2026-12-06T11:59:00Z', '2026-12-06T11:59:30Z', NOW)).toBe(30);
    expect(secondsBetween('2026-12-06T11:58:00Z', null, NOW)).toBe(120);
    expect(secondsBetween(null, null, NOW)).toBeUndefined();
    expect(secondsBetween('not a time', null, NOW)).toBeUndefined();
  });

  it('shows times in UTC to the second', () => {
    expect(formatTime('2026-12-06T12:15:02.345Z')).toBe('2026-12-06 12:15:02 UTC');
    expect(formatTime('2026-12-06T13:15:02+01:00')).toBe('2026-12-06 12:15:02 UTC');
    expect(formatTime(undefined)).toBe('—');
  });

  it('says how far a time is from now', () => {
    expect(formatRelative('2026-12-06T12:02:00Z', NOW)).toBe('in 2 min');
    expect(formatRelative('2026-12-06T11:57:00Z', NOW)).toBe('3 min ago');
    expect(formatRelative('2026-12-06T12:00:01Z', NOW)).toBe('now');
    expect(formatRelative(null, NOW)).toBe('—');
  });

  it('turns scaling reasons and ratios into words', () => {
    expect(formatReason('group-at-max-bots')).toBe('group at max bots');
    expect(formatReason('noCandidateMachine')).toBe('no candidate machine');
    expect(formatReason(undefined)).toBe('—');
    expect(formatRatio(0.734)).toBe('73 %');
    expect(formatRatio(null)).toBe('—');
  });

  it('shortens ids for tables', () => {
    expect(shortId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b');
    expect(shortId('abc')).toBe('abc');
    expect(shortId(null)).toBe('—');
  });
});
