import type { Principal } from '../../domain/principal.js';
import { canMoveRunToTop } from '../../domain/access-rules.js';
import {
  cancelledWhileQueued,
  cancelRequested,
  movedToTop,
  NO_GROUP,
  notQueuedReason,
  RUN_ERROR_CODES,
  withPriority,
  type RunDocument,
  type RunPriority,
} from '../../domain/run.js';
import { AppError } from '../../domain/errors/app-error.js';
import type { Versioned } from '../ports/document-store.js';
import { checkIfMatch } from '../environments/environment-context.js';
import { loadRun, type RunReadPorts } from './load-run.js';
import { changeRun, type RunChangePorts } from './transitions.js';

/** What controlling a run (priority, move to top, cancel) needs. */
export type RunControlPorts = RunReadPorts & RunChangePorts;

function requireQueued(run: RunDocument): void {
  const reason = notQueuedReason(run);
  if (reason) throw AppError.rule('RunNotQueued', reason);
}

/**
 * Changes a queued run's priority (its submitter, the group's owner and CoOwners, SystemAdministrators) under
 * If-Match. Only the run document changes: its dispatch key moves it in the claim order; its queue message
 * stays where it is, because messages are wake-ups, not places in line. A run moved to the top stays there.
 */
export async function changeRunPriority(
  deps: RunControlPorts,
  principal: Principal,
  environmentId: string,
  runId: string,
  priority: RunPriority,
  ifMatch: string | undefined,
): Promise<Versioned<RunDocument>> {
  const { run } = await loadRun(deps, principal, environmentId, runId, 'control');
  checkIfMatch(ifMatch, run.etag);
  requireQueued(run);
  const { run: saved } = await changeRun(deps, run, (current, now) => {
    requireQueued(current);
    return current.priority === priority ? undefined : withPriority(current, priority, now);
  });
  return saved;
}

/**
 * Puts a queued run first in its group's dispatch order (the latest move first among moved runs). It jumps other
 * users' runs, so it needs the group's owner, a CoOwner or a SystemAdministrator, not only the submitter.
 */
export async function moveRunToTop(deps: RunControlPorts, principal: Principal, environmentId: string, runId: string): Promise<Versioned<RunDocument>> {
  const { run, member, group } = await loadRun(deps, principal, environmentId, runId, 'control');
  if (!canMoveRunToTop(member, group ?? NO_GROUP)) {
    throw AppError.forbidden(
      "Moving a run to the top needs the group's owner, a CoOwner or a SystemAdministrator; its submitter may change its priority or cancel it.",
    );
  }
  requireQueued(run);
  const { run: saved } = await changeRun(deps, run, (current, now) => {
    requireQueued(current);
    return movedToTop(current, now);
  });
  return saved;
}

export interface CancelResult {
  run: Versioned<RunDocument>;
  /** `cancelled`: it was queued and is now Cancelled; `requested`: it is running and its bot is told to stop */
  outcome: 'cancelled' | 'requested';
}

/**
 * Cancels a run. Queued: it ends Cancelled at once and is never dispatched (its wake-up message is discarded by
 * the claim that receives it). Running: `cancelRequested` is set; the bot's agent sees it on its next heartbeat and
 * finishes the run as Cancelled (whatever its bot reports after the cancel was accepted: see finishRun). Cancelling
 * again is harmless; an otherwise ended run answers 409 `RunAlreadyEnded`.
 */
export async function cancelRun(deps: RunControlPorts, principal: Principal, environmentId: string, runId: string): Promise<CancelResult> {
  const { run } = await loadRun(deps, principal, environmentId, runId, 'control');
  const { run: saved } = await changeRun(deps, run, (current, now) => {
    switch (current.state) {
      case 'Queued':
        return cancelledWhileQueued(
          current,
          { code: RUN_ERROR_CODES.cancelled, message: `Cancelled by ${principal.userId} while queued.` },
          now,
          principal.userId,
        );
      case 'Running':
        return current.cancelRequested ? undefined : cancelRequested(current, principal.userId, now);
      case 'Cancelled':
        return undefined;
      default:
        throw new AppError('Conflict', `The run already ended (${current.state}); there is nothing to cancel.`, { reason: 'RunAlreadyEnded' });
    }
  });
  return { run: saved, outcome: saved.state === 'Running' ? 'requested' : 'cancelled' };
}
