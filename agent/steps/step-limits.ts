/** The bounds a flow executes within; each can be lowered (tests) through the context's `limits`. */
export interface StepLimits {
  /** a `run`/`powershell` step without `timeoutSeconds` is killed after this */
  defaultTimeoutSeconds: number;
  /** between SIGTERM and SIGKILL (a cancel must reach the step within 2 s, so keep it under that) */
  killGraceMs: number;
  /** the tail of stderr a StepFailed message carries */
  stderrTailBytes: number;
  /** stdout held in memory to read its JSON outputs; longer stdout gives none (or OutputsTooLarge when it is JSON) */
  stdoutCaptureBytes: number;
  /** one step's log */
  stepLogBytes: number;
  /** all of a run's logs */
  runLogBytes: number;
}

export const DEFAULT_STEP_LIMITS: StepLimits = {
  defaultTimeoutSeconds: 3_600,
  killGraceMs: 1_000,
  stderrTailBytes: 4 * 1024,
  stdoutCaptureBytes: 1024 * 1024,
  stepLogBytes: 8 * 1024,
  runLogBytes: 32 * 1024,
};
