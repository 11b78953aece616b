import type { ClaimResponse, FinishRequest } from '../protocol/agent-protocol.js';
import { CredentialRevokedError, type AgentApiClient } from './api-client.js';
import type { QueueListener } from './queue-listener.js';
import type { FlowOutcome } from './steps/index.js';

/**
 * An idle agent tells the control plane it is alive every 2 minutes: 30 function executions and at most 60 Cosmos
 * requests (a read and a write of the bot record) per idle bot-hour. The busy timeout (BOT_HEARTBEAT_TIMEOUT_SECONDS,
 * 120 s) is checked on busy bots only, which heartbeat every 5 s.
 */
export const IDLE_HEARTBEAT_MS = 120_000;
/**
 * A busy agent heartbeats every 5 s (start to start), the first one BUSY_FIRST_HEARTBEAT_MS after its claim, so that a
 * run shorter than that costs no heartbeat. Each is held by the control plane up to BUSY_CANCEL_WAIT_MS and answers
 * at once when the run is cancelled: a cancel reaches the running step within about a second.
 */
export const BUSY_HEARTBEAT_MS = 5_000;
export const BUSY_FIRST_HEARTBEAT_MS = 1_000;
/** under BUSY_HEARTBEAT_MS, so that a held heartbeat answers before the next one is due */
export const BUSY_CANCEL_WAIT_MS = 4_500;
const FINISH_ATTEMPTS = 8;

export type AssignedRunWithAccount = Extract<ClaimResponse, { assignedRun: unknown }>['assignedRun'];
export type RunExecutor = (run: AssignedRunWithAccount, cancelled: () => boolean) => Promise<FlowOutcome>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Claim answers that mean this bot is going (or being rebuilt): it takes no more runs and leaves wake-ups to others. */
const LEAVING = new Set(['ReleaseRequested', 'DrainRequested']);
/** How often a leaving agent (which no longer receives) still heartbeats while its bot is torn down */
const LEAVING_POLL_MS = 5_000;
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The agent's loop (docs/agent.md): idle, it waits on its group queue for a wake-up, claims the group's next run,
 * completes the wake-up whatever the answer, executes the run with busy heartbeats (which carry cancels) and reports
 * its outcome. A refused credential ends the loop: the bot is being torn down.
 */
export class AgentLoop {
  #stopped = false;
  #current: { cancelled: boolean } | undefined;
  #nextHeartbeatAt = 0;
  /** a restarted agent whose bot still holds a run gets it back first (a claim of the same bot is idempotent) */
  #claimWithoutWakeUp = true;
  /** the bot is being released or drained: it receives no more wake-ups (its teardown stops this agent) */
  #leaving = false;

  constructor(
    private readonly api: AgentApiClient,
    private readonly queue: QueueListener,
    private readonly execute: RunExecutor,
    private readonly log: (line: string) => void,
    private readonly agentVersion = 'reference-2',
  ) {}

  stop(): void {
    this.#stopped = true;
    // the run is not finished: the bot goes away and its lifecycle's health check recovers the run
    if (this.#current) this.#current.cancelled = true;
  }

  async run(): Promise<void> {
    try {
      this.log('agent: started');
      while (!this.#stopped) await this.#idleRound();
    } catch (err) {
      if (!(err instanceof CredentialRevokedError)) throw err;
      this.log('agent: credential refused; stopping');
    } finally {
      await this.queue.close();
    }
  }

  async #idleRound(): Promise<void> {
    try {
      if (Date.now() >= this.#nextHeartbeatAt) {
        await this.api.heartbeat({ agentVersion: this.agentVersion });
        this.#nextHeartbeatAt = Date.now() + IDLE_HEARTBEAT_MS;
      }
      if (this.#claimWithoutWakeUp) {
        await this.#serve(await this.api.claim());
        this.#claimWithoutWakeUp = false;
        return;
      }
      if (this.#leaving) {
        await sleep(Math.max(0, Math.min(LEAVING_POLL_MS, this.#nextHeartbeatAt - Date.now())));
        return;
      }
      const message = await this.queue.next(Math.max(1_000, Math.min(30_000, this.#nextHeartbeatAt - Date.now())));
      if (!message || this.#stopped) return;
      const answer = await this.api.claim().catch(async (err: unknown) => {
        // the claim failed (the API was unavailable): the wake-up goes back at once rather than after its lock expires
        await this.queue.abandon(message);
        throw err;
      });
      if ('none' in answer && LEAVING.has(answer.none)) {
        // the wake-up may stand for a queued run: another bot of the group takes it
        this.#leaving = true;
        await this.queue.abandon(message);
        this.log(`agent: no run (${answer.none}); leaving the queue to the group's other bots`);
        return;
      }
      // completed whatever the answer (a claim resolves against Cosmos, so a redelivery would only repeat it), while
      // the run starts: the completion is not on the run's way
      const completed = this.queue.complete(message);
      try {
        await this.#serve(answer);
      } finally {
        await completed;
      }
    } catch (err) {
      if (err instanceof CredentialRevokedError) throw err;
      this.log(`agent: ${messageOf(err)}`);
      await sleep(2_000);
    }
  }

  async #serve(answer: ClaimResponse): Promise<void> {
    if (!('assignedRun' in answer)) {
      if (LEAVING.has(answer.none)) this.#leaving = true;
      this.log(`agent: no run (${answer.none})`);
      return;
    }
    const run = answer.assignedRun;
    const current = { cancelled: false };
    this.#current = current;
    this.log(`agent: run ${run.runId} started${answer.resumed ? ' (resumed)' : ''}`);
    const runEnded = new AbortController();
    const beats = this.#busyHeartbeats(run.runId, current, runEnded.signal);
    try {
      const outcome = await this.execute(run, () => current.cancelled);
      if (this.#stopped) return;
      await this.#finish(run.runId, {
        outcome: outcome.outcome,
        outputs: outcome.outputs,
        durationMs: Math.round(outcome.durationMs),
        logs: outcome.logs,
        ...('error' in outcome ? { error: outcome.error } : {}),
      });
    } finally {
      // the held heartbeat is given up at once: the agent waits on its group queue right after its finish
      runEnded.abort();
      this.#current = undefined;
      // the finish was a sign of life, and a heartbeat now would be a fourth function execution for the run
      this.#nextHeartbeatAt = Date.now() + IDLE_HEARTBEAT_MS;
      await beats;
    }
  }

  async #busyHeartbeats(runId: string, current: { cancelled: boolean }, runEnded: AbortSignal): Promise<void> {
    await pause(BUSY_FIRST_HEARTBEAT_MS, runEnded);
    while (!runEnded.aborted && !this.#stopped) {
      const startedAt = Date.now();
      const beat = await this.api.heartbeat({ runId, agentVersion: this.agentVersion, cancelWaitMs: BUSY_CANCEL_WAIT_MS }, runEnded).catch((err: unknown) => {
        if (err instanceof CredentialRevokedError) current.cancelled = true;
        else if (!runEnded.aborted) this.log(`agent: heartbeat of run ${runId} failed: ${messageOf(err)}`);
        return undefined;
      });
      if (beat?.cancelRequested) current.cancelled = true;
      await pause(Math.max(0, startedAt + BUSY_HEARTBEAT_MS - Date.now()), runEnded);
    }
  }

  async #finish(runId: string, request: FinishRequest): Promise<void> {
    for (let attempt = 1; attempt <= FINISH_ATTEMPTS; attempt++) {
      try {
        const result = await this.api.finish(runId, request);
        this.log(`agent: run ${runId} ${request.outcome}${result === 'refused' ? ' (finish refused: the run ended without this agent)' : ''}`);
        return;
      } catch (err) {
        if (err instanceof CredentialRevokedError) return;
        this.log(`agent: finish of run ${runId} failed: ${messageOf(err)}`);
      }
      await sleep(Math.min(200 * 2 ** attempt, 5_000));
    }
  }
}
