/**
 * The agent's first executor interface, kept for its callers: it delegates to the one step executor in `agent/steps/`
 * (which new code calls directly, with the run's inputs, account and logon, and which also returns the steps' logs).
 */
import type { FlowStep } from '../shared/agent-protocol.js';
import { executeFlow as executeSteps, pollingSleep, type AccountLogon, type FlowOutcome as StepsOutcome, type RunAccount } from './steps/index.js';
import { STEP_ERROR_CODES, StepError } from './steps/step-errors.js';

export type { FlowStep };

type WithoutLogs<T> = T extends unknown ? Omit<T, 'logs'> : never;
export type FlowOutcome = WithoutLogs<StepsOutcome>;

export interface ExecutionControls {
  /** true once the run is cancelled */
  cancelled: () => boolean;
  sleep: (ms: number, isCancelled: () => boolean) => Promise<void>;
  now: () => number;
}

export const realControls = (cancelled: () => boolean): ExecutionControls => ({ cancelled, now: () => Date.now(), sleep: pollingSleep });

/** Without an account, process steps cannot run as anyone: they fail `InvalidCredentials`. */
const noAccount: AccountLogon = {
  logon: () => Promise.reject(new StepError(STEP_ERROR_CODES.invalidCredentials, 'The run carries no account to execute process steps as.')),
};

export async function executeFlow(
  definition: { steps: readonly FlowStep[] },
  controls: ExecutionControls,
  run: { inputs?: Record<string, unknown>; account?: RunAccount; logon?: AccountLogon } = {},
): Promise<FlowOutcome> {
  const { logs: _logs, ...outcome } = await executeSteps(definition, {
    inputs: run.inputs ?? {},
    account: run.account,
    logon: run.logon ?? noAccount,
    cancelled: controls.cancelled,
    now: controls.now,
    sleep: controls.sleep,
  });
  return outcome;
}
