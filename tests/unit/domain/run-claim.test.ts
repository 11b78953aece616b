import { describe, expect, it } from 'vitest';
import { claimRefusal, GROUP_TOUCH_INTERVAL_MS, isStuckGate, shouldTouchGroup, STUCK_GATE_MS } from '../../../domain/run-claim.js';

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

describe('shouldTouchGroup: lastRunStartedAt is refreshed at most hourly', () => {
  it('touches a group that never started a run (absent or empty)', () => {
    expect(shouldTouchGroup(undefined, iso(0))).toBe(true);
    expect(shouldTouchGroup('', iso(0))).toBe(true);
  });

  it('leaves it within the interval and touches it from the interval on', () => {
    expect(shouldTouchGroup(iso(0), iso(GROUP_TOUCH_INTERVAL_MS - 1))).toBe(false);
    expect(shouldTouchGroup(iso(0), iso(GROUP_TOUCH_INTERVAL_MS))).toBe(true);
  });
});

describe('claimRefusal: why a claim takes no run before it looks at the queue', () => {
  const env = { hostedRpaEnabled: true };
  const group = { status: 'active' as const, maintenance: false };

  it('lets an active group of an enabled environment claim', () => {
    expect(claimRefusal(env, group)).toBeUndefined();
  });

  it('names the first thing missing or closed, in order', () => {
    expect(claimRefusal(undefined, undefined)).toBe('EnvironmentNotFound');
    expect(claimRefusal(env, undefined)).toBe('GroupNotFound');
    expect(claimRefusal({ hostedRpaEnabled: false }, { status: 'deleted', maintenance: true })).toBe('GroupDeleted');
    expect(claimRefusal({ hostedRpaEnabled: false }, { ...group, maintenance: true })).toBe('HostedRpaDisabled');
    expect(claimRefusal(env, { ...group, maintenance: true })).toBe('GroupInMaintenance');
  });
});

describe('isStuckGate: a gate left closed by a change that never finished', () => {
  it('is stuck from STUCK_GATE_MS after it closed, not before', () => {
    expect(isStuckGate(iso(0), T0 + STUCK_GATE_MS - 1)).toBe(false);
    expect(isStuckGate(iso(0), T0 + STUCK_GATE_MS)).toBe(true);
  });

  it('is stuck when it says nothing of when it closed', () => {
    expect(isStuckGate(undefined, T0)).toBe(true);
  });
});
