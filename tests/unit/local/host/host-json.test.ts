import { describe, expect, it } from 'vitest';
import { parseTimeSpan, resolveSettingReferences } from '../../../../local/host/host-json.js';

describe('host.json as the host reads it', () => {
  it.each([
    ['00:30:00', 1_800_000],
    ['00:10:00', 600_000],
    ['1.02:00:00', 26 * 3_600_000],
    ['00:00:05.5', 5_000],
  ])('reads functionTimeout %s as %i ms', (text, ms) => {
    expect(parseTimeSpan(text)).toBe(ms);
  });

  it('reads -1 as unbounded and refuses what is not a TimeSpan', () => {
    expect(parseTimeSpan('-1')).toBeUndefined();
    expect(() => parseTimeSpan('30m')).toThrow(/not a TimeSpan/);
  });

  it('resolves %SETTING% references and fails loudly on one that is not set', () => {
    expect(resolveSettingReferences('%DURABLE_TASK_HUB%', { DURABLE_TASK_HUB: 'hub1' })).toBe('hub1');
    expect(() => resolveSettingReferences('%DURABLE_TASK_HUB%', {})).toThrow(/does not resolve/);
  });
});
