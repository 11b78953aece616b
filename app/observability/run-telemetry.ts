import { isEnded, type RunDocument } from '../../domain/run.js';
import { instruments } from './instruments.js';
import { recordRunSpan } from './run-trace.js';

// The run's metrics and trace steps, one call each from the run services (submit, claim, every change that ends a
// run). Telemetry never fails the operation it observes: errors are swallowed here.

type RunFacts = Pick<
  RunDocument,
  'id' | 'groupId' | 'environmentId' | 'state' | 'queuedAt' | 'startedAt' | 'endedAt' | 'priority' | 'attempt' | 'botId' | 'error'
>;

const ids = (run: RunFacts) => ({ environmentId: run.environmentId, groupId: run.groupId });
const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

function safely(observe: () => void): void {
  try {
    observe();
  } catch {
    // telemetry is best effort
  }
}

/** A new run was written (Queued). */
export function observeRunSubmitted(run: RunFacts, now: Date): void {
  safely(() => {
    instruments().runsSubmitted.add(1, { ...ids(run), priority: run.priority });
    recordRunSpan('run.submit', run, new Date(run.queuedAt), now, { priority: run.priority });
  });
}

/**
 * A bot claimed the run (Running): the wait (queued → started) and the dispatch latency, from the moment both a run
 * waited and a bot asked (the later of the run's queuedAt and the claim's start) to the assignment, so that a claim
 * waiting for work (long poll) counts only from the run's arrival.
 */
export function observeRunClaimed(run: RunFacts, claimStartedAt: Date, assignedAt: Date): void {
  safely(() => {
    const startedAt = run.startedAt ?? run.queuedAt;
    const wait = seconds(run.queuedAt, startedAt);
    const readySince = Math.max(Date.parse(run.queuedAt), claimStartedAt.getTime());
    instruments().queueWait.record(wait, { ...ids(run), priority: run.priority });
    instruments().dispatchLatency.record(Math.max(0, assignedAt.getTime() - readySince) / 1000, ids(run));
    recordRunSpan('run.claim', run, new Date(run.queuedAt), new Date(startedAt), { botId: run.botId ?? '', attempt: run.attempt });
  });
}

/** Any change of a run: one that ends it is counted by outcome and closes its trace. Answers `after`. */
export function observeRunChange<T extends RunFacts>(before: RunFacts, after: T): T {
  if (isEnded(after.state) && !isEnded(before.state)) {
    safely(() => {
      const errorCode = after.error?.code ?? 'none';
      instruments().runsEnded.add(1, { ...ids(after), outcome: after.state, errorCode });
      const endedAt = after.endedAt ?? new Date().toISOString();
      recordRunSpan('run.finish', after, new Date(after.startedAt ?? after.queuedAt), new Date(endedAt), {
        outcome: after.state,
        errorCode,
        attempt: after.attempt,
      });
    });
  }
  return after;
}
