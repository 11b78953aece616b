import type { FlowStep, StepLog } from '../../protocol/agent-protocol.js';
import type { AccountLogon, AccountSession, RunAccount } from './account-logon.js';
import type { FlowOutcome } from './flow-outcome.js';
import { executeProcessStep, powerShellSpec, runStepSpec } from './process-step.js';
import { redact } from './redact.js';
import { messageOf, STEP_ERROR_CODES, StepError } from './step-errors.js';
import { DEFAULT_STEP_LIMITS, type StepLimits } from './step-limits.js';
import { StepLogBook } from './step-logs.js';
import { outputsSizeError } from './step-outputs.js';
import { substituteStep } from './substitute-inputs.js';

export type { AccountLogon, AccountSession, RunAccount } from './account-logon.js';
export type { FlowOutcome } from './flow-outcome.js';
export { LocalAccountLogon } from './local-account-logon.js';
export { STEP_ERROR_CODES, StepError } from './step-errors.js';
export { DEFAULT_STEP_LIMITS, type StepLimits } from './step-limits.js';
export { WindowsAccountLogon } from './windows-account-logon.js';

type StepLogEntry = Omit<StepLog, 'step' | 'durationMs' | 'kind'> & { kind?: string };

export interface FlowContext {
  /** the run's inputs, for `${inputs.NAME}` */
  inputs: Readonly<Record<string, unknown>>;
  /** the run's connection account, which `run`/`powershell` steps execute as */
  account?: RunAccount | undefined;
  logon: AccountLogon;
  /**
   * Polled: before each step, every 100 ms during a wait or a running process. Once true, the running process is
   * killed (its tree: SIGTERM, SIGKILL after `killGraceMs`) and the flow ends Cancelled.
   */
  cancelled: () => boolean;
  limits?: Partial<StepLimits>;
  now?: () => number;
  /** a wait step's sleep, waking early once `isCancelled` is true */
  sleep?: (ms: number, isCancelled: () => boolean) => Promise<void>;
  platform?: NodeJS.Platform;
}

/** Sleeps `ms`, waking every 100 ms at most so that a cancel is seen quickly. */
export async function pollingSleep(ms: number, isCancelled: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !isCancelled()) await new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())));
}

/**
 * Executes a desktop flow, step by step, as the run's connection account (docs/agent-steps.md): `wait`, `output`,
 * `fail`, `run` and (on Windows) `powershell`. Never throws: every failure becomes a Failed outcome with its code.
 */
export async function executeFlow(definition: { steps: readonly FlowStep[] }, context: FlowContext): Promise<FlowOutcome> {
  const now = context.now ?? Date.now;
  const sleep = context.sleep ?? pollingSleep;
  const limits: StepLimits = { ...DEFAULT_STEP_LIMITS, ...context.limits };
  const platform = context.platform ?? process.platform;
  const secrets = context.account?.password ? [context.account.password] : [];
  const logs = new StepLogBook(limits, secrets);
  const started = now();
  const outputs: Record<string, string> = {};
  const duration = () => now() - started;
  let session: AccountSession | undefined;
  const cancelledOutcome = (): FlowOutcome => ({ outcome: 'Cancelled', outputs, durationMs: duration(), logs: logs.entries() });
  const failedOutcome = (code: string, message: string): FlowOutcome => ({
    outcome: 'Failed',
    outputs,
    error: { code, message: redact(message, secrets) },
    durationMs: duration(),
    logs: logs.entries(),
  });

  for (const [index, step] of definition.steps.entries()) {
    if (context.cancelled()) return cancelledOutcome();
    const stepStarted = now();
    const kind = Object.keys(step)[0] ?? 'unknown';
    const record = (entry: StepLogEntry = {}) => logs.add({ step: index, kind, ...entry, durationMs: now() - stepStarted });
    try {
      if ('wait' in step) {
        await sleep(step.wait.ms, context.cancelled);
        record();
      } else if ('output' in step) {
        const { name, value } = substituteStep(step.output, context.inputs);
        const error = outputsSizeError({ ...outputs, [name]: value });
        if (error) throw error;
        outputs[name] = value;
        record();
      } else if ('fail' in step) {
        const { message } = substituteStep(step.fail, context.inputs);
        record({ error: message });
        return failedOutcome(STEP_ERROR_CODES.flowFailed, message);
      } else {
        if ('powershell' in step && platform !== 'win32') {
          throw new StepError(STEP_ERROR_CODES.stepNotSupported, `powershell steps run on Windows bots only; this bot runs on ${platform}.`);
        }
        const spec = 'run' in step ? runStepSpec(substituteStep(step.run, context.inputs)) : powerShellSpec(substituteStep(step.powershell, context.inputs));
        const timeoutSeconds = 'run' in step ? step.run.timeoutSeconds : step.powershell.timeoutSeconds;
        session ??= await context.logon.logon(context.account);
        const result = await executeProcessStep(spec, timeoutSeconds, { session, cancelled: context.cancelled, limits, secrets });
        const error = result.error ?? (result.ending === 'ok' ? outputsSizeError({ ...outputs, ...result.outputs }) : undefined);
        record({ ...result.log, kind, ...(error ? { error: `${error.code}: ${error.message}` } : {}) });
        if (result.ending === 'cancelled') return cancelledOutcome();
        if (error) return failedOutcome(error.code, error.message);
        Object.assign(outputs, result.outputs);
      }
    } catch (err) {
      const code = err instanceof StepError ? err.code : STEP_ERROR_CODES.stepFailed;
      record({ error: `${code}: ${messageOf(err)}` });
      return failedOutcome(code, messageOf(err));
    }
  }
  if (context.cancelled()) return cancelledOutcome();
  return { outcome: 'Succeeded', outputs, durationMs: duration(), logs: logs.entries() };
}
