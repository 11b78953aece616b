import { DEFAULT_PLATFORM, HOUR, MINUTE, type PlatformSettings, type Trace, type TraceGroup, type TraceRun } from '../../../simulator/model.js';

/** Small hand-made traces for the simulator's tests. */
export const T0 = Date.parse('2025-03-31T08:00:00.000Z');

/** No jitter and no failures: every bot provisions in exactly 10 minutes. */
export const EXACT: PlatformSettings = { ...DEFAULT_PLATFORM, provisionJitter: 0, failureRate: 0 };

export function aRun(id: string, groupId: string, queuedAfterMs: number, minutes: number, priority: TraceRun['priority'] = 'Normal'): TraceRun {
  return { id, groupId, queuedAt: T0 + queuedAfterMs, priority, durationMs: minutes * MINUTE, slaAt: T0 + queuedAfterMs + HOUR };
}

export function aTrace(groups: TraceGroup[], runs: TraceRun[], options: { capacity?: number; hours?: number } = {}): Trace {
  return {
    name: 'test',
    description: 'test',
    sla: '1 h',
    capacity: options.capacity ?? 10,
    groups,
    runs: [...runs].sort((a, b) => a.queuedAt - b.queuedAt),
    start: T0,
    horizon: T0 + (options.hours ?? 6) * HOUR,
  };
}

/** `count` runs of a group, all queued at the same moment. */
export function burst(groupId: string, count: number, queuedAfterMs: number, minutes: number): TraceRun[] {
  return Array.from({ length: count }, (_, i) => aRun(`${groupId}-r${String(i).padStart(3, '0')}`, groupId, queuedAfterMs, minutes));
}
