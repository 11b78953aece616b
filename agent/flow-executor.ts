/**
 * Executes a desktop flow definition of the reference agent's step language: `wait`, `output`, `fail`.
 * A Windows bot would run its desktop-automation runtime here instead, behind the same agent protocol.
 */
import type { FlowStep } from '../shared/agent-protocol.js';

export type { FlowStep };

export type FlowOutcome =
  | { outcome: 'Succeeded'; outputs: Record<string, string>; durationMs: number }
  | { outcome: 'Failed'; outputs: Record<string, string>; error: { code: string; message: string }; durationMs: number }
  | { outcome: 'Cancelled'; outputs: Record<string, string>; durationMs: number };

export interface ExecutionControls {
  /** resolves or rejects with `Cancelled` when the run is cancelled */
  cancelled: () => boolean;
  sleep: (ms: number, isCancelled: () => boolean) => Promise<void>;
  now: () => number;
}

export const realControls = (cancelled: () => boolean): ExecutionControls => ({
  cancelled,
  now: () => Date.now(),
  sleep: async (ms, isCancelled) => {
    const until = Date.now() + ms;
    // wake up every 100 ms at most, so that a cancel is seen quickly during a long wait
    while (Date.now() < until && !isCancelled()) await new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())));
  },
});

export async function executeFlow(definition: { steps: readonly FlowStep[] }, controls: ExecutionControls): Promise<FlowOutcome> {
  const started = controls.now();
  const outputs: Record<string, string> = {};
  const duration = () => controls.now() - started;
  for (const step of definition.steps) {
    if (controls.cancelled()) return { outcome: 'Cancelled', outputs, durationMs: duration() };
    if ('wait' in step) {
      await controls.sleep(step.wait.ms, controls.cancelled);
    } else if ('output' in step) {
      outputs[step.output.name] = step.output.value;
    } else if ('fail' in step) {
      return { outcome: 'Failed', outputs, error: { code: 'DesktopFlowFailed', message: step.fail.message }, durationMs: duration() };
    }
  }
  if (controls.cancelled()) return { outcome: 'Cancelled', outputs, durationMs: duration() };
  return { outcome: 'Succeeded', outputs, durationMs: duration() };
}
