import { mayDispatch, type GateState } from '../../domain/dispatch-gate.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import type { GroupDocument } from '../../domain/group.js';
import { claimedBy, type RunDocument } from '../../domain/run.js';
import { claimRefusal, isStuckGate, shouldTouchGroup, type ClaimNoneReason } from '../../domain/run-claim.js';
import { observeRunClaimed } from '../observability/run-telemetry.js';
import type { GroupQueues, ReceivedWakeUp } from '../ports/group-queues.js';
import { StalePreconditionError, type DocumentStore, type Versioned } from '../ports/document-store.js';
import type { DispatchGates } from './dispatch-gates.js';
import type { RunStore } from './run-store.js';
import { findGroupOf } from './load-run.js';
import { bestEffort } from '../errors/best-effort.js';

/** Candidates read per round: more than the claimers that usually race for one group. */
export const CLAIM_CANDIDATES = 10;
/** How long a claim waits for a wake-up message when the queue is empty. */
export const DEFAULT_CLAIM_WAIT_MS = 1_000;
/** Rounds of "read the first candidates, try them in order" before a claim gives its message back. */
const MAX_ROUNDS = 20;

export type { ClaimNoneReason };

/** What a claim needs: the environment and group, the runs, the group's dispatch gate and its wake-up queue. */
export interface ClaimPorts {
  /** environments and groups */
  store: DocumentStore;
  runs: RunStore;
  dispatchGates: Pick<DispatchGates, 'read' | 'open' | 'confirm'>;
  /** the wake-ups, when the claim receives one itself */
  queues: Pick<GroupQueues, 'receiveOne'>;
  now(): Date;
}

/** What the claim's reads need. */
export type ClaimReadPorts = Pick<ClaimPorts, 'store' | 'runs' | 'dispatchGates'>;

export interface ClaimRequest {
  environmentId: string;
  groupId: string;
  botId: string;
  /** how long to wait for a wake-up message; default DEFAULT_CLAIM_WAIT_MS */
  waitMs?: number;
  /**
   * false: receive no wake-up here, the caller holds one (the bot agent receives from the group queue itself and
   * settles the message after this answer). Default true.
   */
  receive?: boolean;
}

export type ClaimResult =
  /** `resumed`: the bot already held this run (a retried claim): nothing new was assigned */
  { run: Versioned<RunDocument>; resumed?: boolean } | { none: ClaimNoneReason };

/** What a claim reads before it decides, read at once (one round trip instead of five in a row). */
export interface ClaimReads {
  env: EnvironmentDocument | undefined;
  group: Versioned<GroupDocument> | undefined;
  /** a running run of the group that the bot already holds */
  held: Versioned<RunDocument> | undefined;
  gate: GateState | undefined;
  /** the first candidates in dispatch order; read up front only when the caller holds the wake-up (`receive: false`) */
  candidates: Array<Versioned<RunDocument>> | undefined;
}

/**
 * The claim's reads, in parallel. Reading the gate and the candidates even when the claim is then refused costs two
 * reads on a rare path; on the common one they were needed anyway. The gate is still read before the assignment,
 * which is all `confirmOrPutBack` needs.
 */
export async function readForClaim(deps: ClaimReadPorts, request: ClaimRequest): Promise<ClaimReads> {
  const [env, group, held, gate, candidates] = await Promise.all([
    deps.store.get<EnvironmentDocument>(request.environmentId, request.environmentId),
    findGroupOf(deps, request.environmentId, request.groupId),
    deps.runs.queries.runningOn(request.environmentId, request.groupId, request.botId),
    deps.dispatchGates.read(request.environmentId, request.groupId),
    request.receive === false ? deps.runs.queries.nextQueued(request.environmentId, request.groupId, CLAIM_CANDIDATES) : undefined,
  ]);
  return { env: env?.type === 'environment' ? env : undefined, group, held, gate, candidates };
}

/**
 * Takes the first queued run of the group that no other claimer takes first: read the first candidates in
 * dispatch order and try a conditional replace Queued → Running on each, in order. The etag makes two winners
 * impossible; a lost race (412) moves on to the next candidate. Undefined: nothing queued; null: contention.
 */
async function takeNext(
  deps: ClaimPorts,
  request: ClaimRequest,
  firstCandidates: Array<Versioned<RunDocument>> | undefined,
): Promise<{ before: Versioned<RunDocument>; won: Versioned<RunDocument> } | undefined | null> {
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const candidates =
      round === 1 && firstCandidates ? firstCandidates : await deps.runs.queries.nextQueued(request.environmentId, request.groupId, CLAIM_CANDIDATES);
    if (candidates.length === 0) return undefined;
    for (const candidate of candidates) {
      try {
        return { before: candidate, won: await deps.runs.docs.replace(claimedBy(candidate, request.botId, deps.now()), candidate.etag) };
      } catch (err) {
        if (!(err instanceof StalePreconditionError)) throw err;
      }
    }
  }
  return null;
}

/**
 * The group's gate as the claim sees it. A closed gate of a group that may dispatch (by this claim's read) is only
 * the moment between a change's writes, unless it stays closed past STUCK_GATE_MS (domain/run-claim.ts): then the change died half-way
 * and the gate is reopened, and this claim waits for the next one.
 */
async function gateFor(deps: ClaimPorts, request: ClaimRequest, read: GateState | undefined): Promise<GateState | undefined> {
  const gate: GateState = read ?? { open: true, epoch: 0 };
  if (gate.open) return gate;
  if (isStuckGate(gate.changedAt, deps.now().getTime())) await deps.dispatchGates.open(request.environmentId, request.groupId);
  return undefined;
}

/**
 * The assignment stands only if the gate stayed open at the epoch read before it: otherwise a change that stops
 * dispatch (maintenance on, switch off, delete) may have landed before it, and the run goes back to the queue as it
 * was (same place, same attempt count) for a later claim.
 */
async function confirmOrPutBack(
  deps: ClaimPorts,
  request: ClaimRequest,
  gate: GateState,
  before: Versioned<RunDocument>,
  won: Versioned<RunDocument>,
): Promise<boolean> {
  if (await deps.dispatchGates.confirm(request.environmentId, request.groupId, gate.epoch)) return true;
  const { etag: _claimed, ...original } = before;
  void _claimed;
  await deps.runs.docs.replace<RunDocument>(original, won.etag);
  return false;
}

/** Settling is best effort once the run is decided: a message that is not completed is only redelivered (one more wake-up). */
async function settle(how: Promise<void>): Promise<void> {
  await bestEffort(how, 'settling a wake-up message (it will be delivered again)');
}

/** Best effort, at most hourly: a lost race or a failure leaves the older value, which only delays the inactivity cleanup. */
async function touchGroup(deps: ClaimPorts, group: Versioned<GroupDocument>, startedAt: string): Promise<void> {
  if (!shouldTouchGroup(group.lastRunStartedAt, startedAt)) return;
  // a lost race (412) is the common failure here and needs no log line; any failure only delays the cleanup
  // eslint-disable-next-line no-restricted-syntax
  await deps.store.replace<GroupDocument>({ ...group, lastRunStartedAt: startedAt }, group.etag).catch(() => undefined);
}

/**
 * Assigns the next run of a group to `botId`, or says why there is none. For the bots' lifecycle (a Durable
 * activity bound by the composition root); see docs/queueing.md.
 *
 * 1. Refuses (`none`) while the environment's switch is off, or the group is in maintenance or deleted.
 * 2. A bot that already holds a running run of the group gets it back (`resumed`): a retried activity never
 *    assigns a second run.
 * 3. Receives one wake-up message (peek-lock, waiting up to `waitMs`). With none, it still looks in Cosmos, the
 *    truth: a run whose wake-up is lost, not yet sent, or locked by a receive that gave up a moment too early
 *    must not wait for that message (`QueueEmpty` when nothing is queued either).
 * 4. Takes the first queued run in dispatch order that it wins (see `takeNext`), whatever run the message was
 *    sent for: cancelled, reprioritised and moved runs are resolved here, against Cosmos.
 * 5. Completes the message, whether it won a run or found none queued (then it was a duplicate or stale).
 *
 * 6. Keeps the assignment only if the group's dispatch gate stayed open at the epoch read before the wait
 *    (`DispatchPaused` otherwise, the run back in its place): maintenance, the switch and deletes close the gate
 *    before they are written, so no run is assigned after any of them.
 *
 * Never assigns one run to two bots (conditional replace on the etag); duplicate and redelivered messages only
 * cost a `NothingQueued` answer. Store cost: 3 point reads, 2 queries with TOP, 1 replace and 1 conditional patch
 * of the gate (plus one replace per lost race), whatever the length of the queue. The reads go out together
 * (`readForClaim`); a caller that read them already, alongside its own, passes them in.
 */
export async function claimNextRun(deps: ClaimPorts, request: ClaimRequest, reads?: ClaimReads): Promise<ClaimResult> {
  const claimStartedAt = deps.now();
  // read before the wait, so that a change landing during the wait is caught by the confirm
  const { env, group, held, gate: gateRead, candidates } = reads ?? (await readForClaim(deps, request));
  const refused = claimRefusal(env, group);
  if (refused || !group || !env) return { none: refused ?? 'GroupNotFound' };
  if (held) return { run: held, resumed: true };

  const gate = mayDispatch(env, group) ? await gateFor(deps, request, gateRead) : undefined;
  if (!gate) return { none: 'DispatchPaused' };

  const message: ReceivedWakeUp | undefined =
    request.receive === false ? undefined : await deps.queues.receiveOne(request.groupId, request.waitMs ?? DEFAULT_CLAIM_WAIT_MS);
  let taken: Awaited<ReturnType<typeof takeNext>>;
  try {
    taken = await takeNext(deps, request, candidates);
    if (taken && !(await confirmOrPutBack(deps, request, gate, taken.before, taken.won))) {
      if (message) await settle(message.abandon());
      return { none: 'DispatchPaused' };
    }
  } catch (err) {
    if (message) await settle(message.abandon());
    throw err;
  }
  if (taken === null) {
    if (message) await settle(message.abandon());
    return { none: 'Contention' };
  }
  if (message) await settle(message.complete());
  if (!taken) return { none: message ? 'NothingQueued' : 'QueueEmpty' };
  await touchGroup(deps, group, taken.won.startedAt ?? taken.won.updatedAt);
  observeRunClaimed(taken.won, claimStartedAt, deps.now());
  return { run: taken.won };
}
