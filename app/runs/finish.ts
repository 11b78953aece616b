import { ended, isEnded, RUN_ERROR_CODES, withLogs, type RunDocument, type RunError, type RunOutcome, type RunStepLog } from '../../domain/run.js';
import { AppError } from '../../domain/errors/app-error.js';
import type { Versioned } from '../ports/document-store.js';
import { findRun } from './load-run.js';
import { changeRun, type RunChangePorts } from './transitions.js';

export interface FinishRequest {
  environmentId: string;
  runId: string;
  /** the bot the run is assigned to: a bot may only finish its own runs */
  botId: string;
  outcome: RunOutcome;
  /** at most 64 KiB as JSON; larger outputs fail the run with `OutputsTooLarge` */
  outputs?: Record<string, unknown> | undefined;
  /** for Failed (and optionally TimedOut/Cancelled); `code` defaults by outcome (`DesktopFlowFailed`, ...) */
  error?: { code?: string | undefined; message: string } | undefined;
  /** the agent's step logs, kept on the run (bounded) */
  logs?: RunStepLog[] | undefined;
}

export interface FinishResult {
  /** the run as stored now: ended, with the outcome of whoever ended it first */
  run: Versioned<RunDocument>;
  /** false when the run had already ended (a repeated finish, or the watchdog timed it out first) */
  changed: boolean;
}

const DEFAULT_CODES: Record<RunOutcome, string | undefined> = {
  Succeeded: undefined,
  Failed: RUN_ERROR_CODES.flowFailed,
  Cancelled: RUN_ERROR_CODES.cancelled,
  TimedOut: RUN_ERROR_CODES.runTimeout,
};

function errorOf(request: FinishRequest): RunError | undefined {
  if (!request.error) return undefined;
  return { code: request.error.code ?? DEFAULT_CODES[request.outcome] ?? RUN_ERROR_CODES.flowFailed, message: request.error.message };
}

/**
 * Ends a running run with its outcome, outputs or error: one conditional replace, idempotent. Finishing a run that
 * has already ended answers it unchanged (`changed: false`), whoever ended it (the same finish repeated, or the
 * watchdog's TimedOut first). Refused: a run that does not exist (404), a run assigned to another bot (403), a
 * run still queued (422 `RunNotRunning`). A run whose cancel was accepted ends Cancelled, whatever outcome is reported.
 */
export async function finishRun(deps: RunChangePorts, request: FinishRequest): Promise<FinishResult> {
  const run = await findRun(deps, request.environmentId, request.runId);
  if (!run) throw AppError.notFound('Run');
  return changeRun(deps, run, (current, now) => {
    if (current.botId !== request.botId) {
      if (current.state === 'Queued') throw AppError.rule('RunNotRunning', 'The run is queued: no bot holds it, so none can finish it.');
      throw AppError.forbidden('The run is not assigned to this bot; a bot may only finish its own runs.');
    }
    if (isEnded(current.state)) return undefined;
    if (current.state !== 'Running') throw AppError.rule('RunNotRunning', `The run is ${current.state}; only a running run can be finished.`);
    // a cancel accepted while the run was running (202) holds: the run ends Cancelled whatever the bot reports
    if (current.cancelRequested && request.outcome !== 'Cancelled') {
      const message = `Cancelled by ${current.cancelRequestedBy ?? 'a user'} while running; the bot then reported ${request.outcome}.`;
      return withLogs(ended(current, 'Cancelled', { outputs: request.outputs, error: { code: RUN_ERROR_CODES.cancelled, message } }, now), request.logs);
    }
    return withLogs(ended(current, request.outcome, { outputs: request.outputs, error: errorOf(request) }, now), request.logs);
  });
}
