/**
 * Desktop-flow runs: submission and the API's reads and controls, and the operations the bots' lifecycle calls
 * (`claimNextRun`, `finishRun`) from handlers the composition root binds (composition/root). Design: docs/queueing.md.
 */
export { claimNextRun, CLAIM_CANDIDATES, DEFAULT_CLAIM_WAIT_MS, type ClaimNoneReason, type ClaimRequest, type ClaimResult } from './claim.js';
export { cancelRun, changeRunPriority, moveRunToTop, type CancelResult } from './control.js';
export { checkRunDeadline, type DeadlineCheck, type DeadlineTarget } from './deadlines.js';
export { cancelQueuedRunsOfGroup } from './drain.js';
export { finishRun, type FinishRequest, type FinishResult } from './finish.js';
export { idempotencyKeyOf } from './idempotency.js';
export { listRuns, type RunListFilter } from './list-runs.js';
export { getRun } from './read.js';
export { resubmitRun, submitRun, type SubmitRunInput, type SubmitRunOptions, type SubmittedRun } from './submit.js';
