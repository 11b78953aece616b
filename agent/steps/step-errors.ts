/**
 * The error codes a run may end with because of a step (mirrored in RUN_ERROR_CODES of domain/run.ts; the agent
 * ships on its own, so it keeps its copy, and a unit test checks both agree).
 */
export const STEP_ERROR_CODES = {
  flowFailed: 'DesktopFlowFailed',
  stepFailed: 'StepFailed',
  stepTimedOut: 'StepTimedOut',
  stepNotSupported: 'StepNotSupported',
  inputMissing: 'InputMissing',
  invalidCredentials: 'InvalidCredentials',
  outputsTooLarge: 'OutputsTooLarge',
} as const;

export type StepErrorCode = (typeof STEP_ERROR_CODES)[keyof typeof STEP_ERROR_CODES];

/** A step that ends the run as Failed with `code`. */
export class StepError extends Error {
  constructor(
    readonly code: StepErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
