import { describe, expect, it } from 'vitest';
import { boundedLogs, jsonBytes, MAX_RUN_LOGS_BYTES, type RunStepLog } from '../../../domain/run.js';

const aLog = (step: number, bytes: number): RunStepLog => ({ step, kind: 'run', exitCode: 0, durationMs: 5, stdout: 'x'.repeat(bytes) });

describe("a run's step logs", () => {
  it('keeps them all when they fit', () => {
    const logs = [aLog(0, 100), aLog(1, 100)];
    expect(boundedLogs(logs)).toEqual(logs);
  });

  it('keeps the first ones that fit in 32 KiB, whatever an agent sends', () => {
    const logs = Array.from({ length: 20 }, (_, i) => aLog(i, 4_000));
    const kept = boundedLogs(logs);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(20);
    expect(kept).toEqual(logs.slice(0, kept.length));
    expect(jsonBytes(kept)).toBeLessThanOrEqual(MAX_RUN_LOGS_BYTES);
  });
});
