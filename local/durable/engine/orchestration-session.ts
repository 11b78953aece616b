import type { RpcInvocationResponse, RpcTypedData } from '../../host/core-types.js';
import { actionSignature, type AtomicAction } from '../protocol/actions.js';
import { historyEvents, type HistoryEvent, type TaskFailure } from '../protocol/history-event.js';
import { toJsonText } from '../protocol/json-value.js';
import { orchestratorTrigger, readOrchestratorFailure, readOrchestratorTurn } from '../protocol/orchestrator-io.js';
import { AZURE_STORAGE_TIMER_POLICY, type TimerPolicy } from '../protocol/timer-policy.js';
import { deterministicId } from './deterministic-id.js';
import type { Effect, LifecycleNotice } from './effects.js';
import { newEngineState, TERMINAL_STATUSES, type InstanceRecord } from './engine-state.js';
import { START_VISIBLE_AT, type InstanceMessage, type StoredMessage } from './instance-message.js';
import { findNonDeterminism } from './nondeterminism.js';
import { startMessageId } from './message-ids.js';
import { hasAttemptLeft } from './retry-policy.js';
import { TaskScheduler } from './task-scheduler.js';

/** The execution that follows `executionId` by continueAsNew: the same after a crash, for idempotent writes. */
function nextExecutionId(instanceId: string, executionId: string): string {
  return deterministicId(instanceId, executionId, 'continueAsNew');
}

/** Runs the orchestrator function once (the real library, through the programming model). */
export interface OrchestratorPort {
  run(functionName: string, trigger: RpcTypedData): Promise<RpcInvocationResponse>;
}

/**
 * One batch of inbox messages applied to one orchestration instance, in memory. Each message that
 * reaches the orchestrator becomes its own episode: OrchestratorStarted + the new event, one execution
 * of the orchestrator over the whole history, then the events for the actions it newly produced. One
 * event per episode keeps the driver's sequence numbers in step with the library's, which assigns some
 * of them while it replays events (retry back-off timers, long-timer segments).
 */
export class OrchestrationSession {
  readonly effects: Effect[] = [];
  readonly notices: LifecycleNotice[] = [];
  /** inbox messages this batch used up (delivered or dropped) */
  readonly consumed: string[] = [];
  /** inbox messages left for later (suspended, not started yet, or after continueAsNew) */
  readonly deferred: string[] = [];
  /** executions whose stored history is obsolete (continueAsNew) */
  readonly replacedExecutions: string[] = [];
  #history: HistoryEvent[];
  readonly #tasks: TaskScheduler;
  #stopped = false;
  #lastTimestamp: number;
  readonly #loadedExecution: string;
  readonly #loadedLength: number;

  constructor(
    readonly record: InstanceRecord,
    history: HistoryEvent[],
    private readonly port: OrchestratorPort,
    private readonly timers: TimerPolicy = AZURE_STORAGE_TIMER_POLICY,
    private readonly clock: () => number = Date.now,
  ) {
    this.#history = history;
    this.#tasks = new TaskScheduler(record, this.effects, timers);
    this.#loadedExecution = record.executionId;
    this.#loadedLength = history.length;
    const last = history.at(-1);
    this.#lastTimestamp = last ? Date.parse(last.Timestamp) : 0;
  }

  /** The history rows to write for the current execution. */
  historyToWrite(): { executionId: string; startIndex: number; events: HistoryEvent[] } {
    const startIndex = this.record.executionId === this.#loadedExecution ? this.#loadedLength : 0;
    return { executionId: this.record.executionId, startIndex, events: this.#history.slice(startIndex) };
  }

  async apply(stored: StoredMessage): Promise<void> {
    const r = this.record;
    const m = stored.message;
    if (this.#stopped) {
      this.deferred.push(stored.id); // left in the inbox for the next execution (continueAsNew)
      return;
    }
    if (r.engine.lastBatch.includes(stored.id)) {
      this.consumed.push(stored.id); // delivered before a crash, its deletion did not happen
      return;
    }
    if (this.#forNextExecution(m)) {
      // Written by an earlier attempt of this very batch that crashed before its commit: the batch runs
      // again and continues as new again, and these are the next execution's. Left in the inbox.
      return;
    }
    if (m.kind === 'Terminate') {
      this.consumed.push(stored.id);
      if (!TERMINAL_STATUSES.has(r.runtimeStatus)) this.#terminate(m.reason);
      return;
    }
    if (m.kind === 'ExecutionStarted') {
      this.consumed.push(stored.id);
      const startable = r.runtimeStatus === 'Pending' || r.runtimeStatus === 'ContinuedAsNew';
      if (m.executionId === r.executionId && startable && this.#history.length === 0) await this.#start();
      return;
    }
    if (TERMINAL_STATUSES.has(r.runtimeStatus) || m.kind === 'EntityOperation') {
      this.consumed.push(stored.id); // too late, or not for an orchestration: dropped as the extension does
      return;
    }
    if (r.runtimeStatus === 'Pending' || r.runtimeStatus === 'ContinuedAsNew') {
      this.deferred.push(stored.id); // waits for its start message
      return;
    }
    if (m.kind === 'Suspend' || m.kind === 'Resume') {
      this.consumed.push(stored.id);
      this.#suspendOrResume(m);
      return;
    }
    if (r.runtimeStatus === 'Suspended') {
      this.deferred.push(stored.id); // delivered after resume
      return;
    }
    this.consumed.push(stored.id);
    await this.#deliver(m);
  }

  /**
   * Whether a message belongs to the execution that would follow the current one by continueAsNew (its id
   * is derived from the current one): its start message.
   */
  #forNextExecution(m: InstanceMessage): boolean {
    const r = this.record;
    if (TERMINAL_STATUSES.has(r.runtimeStatus)) return false;
    return m.kind === 'ExecutionStarted' && m.executionId !== r.executionId && m.executionId === nextExecutionId(r.instanceId, r.executionId);
  }

  async #start(): Promise<void> {
    const r = this.record;
    r.runtimeStatus = 'Running';
    this.notices.push({ kind: 'started', instanceId: r.instanceId, name: r.name });
    const ts = this.#timestamp();
    await this.#episode(ts, [historyEvents.executionStarted(ts, r.name, r.input)]);
  }

  async #deliver(m: InstanceMessage): Promise<void> {
    const r = this.record;
    const pending = r.engine.pending;
    switch (m.kind) {
      case 'EventRaised': {
        const ts = this.#timestamp();
        await this.#episode(ts, [historyEvents.eventRaised(ts, m.name, m.input)]);
        return;
      }
      case 'TaskCompleted':
      case 'TaskFailed': {
        const task = m.executionId === r.executionId ? pending[m.taskId] : undefined;
        if (task?.kind !== 'activity') return; // a duplicate (at-least-once) or from an earlier execution
        delete pending[m.taskId];
        const ts = this.#timestamp();
        if (m.kind === 'TaskCompleted') return this.#episode(ts, [historyEvents.taskCompleted(ts, m.taskId, m.result)]);
        const events = [historyEvents.taskFailed(ts, m.taskId, m.failure)];
        if (task.retry) events.push(this.#tasks.retryTimer(ts, task));
        return this.#episode(ts, events);
      }
      case 'SubOrchestrationCompleted':
      case 'SubOrchestrationFailed': {
        const task = m.executionId === r.executionId ? pending[m.taskId] : undefined;
        if (task?.kind !== 'subOrchestration') return;
        delete pending[m.taskId];
        const ts = this.#timestamp();
        if (m.kind === 'SubOrchestrationCompleted') return this.#episode(ts, [historyEvents.subOrchestrationCompleted(ts, m.taskId, m.result)]);
        const events = [historyEvents.subOrchestrationFailed(ts, m.taskId, m.failure)];
        if (task.retry) events.push(this.#tasks.retryTimer(ts, task));
        return this.#episode(ts, events);
      }
      case 'TimerFired': {
        const task = m.executionId === r.executionId ? pending[m.timerId] : undefined;
        if (task?.kind !== 'timer') return;
        delete pending[m.timerId];
        // The library compares fire times with currentUtcDateTime: it must not be earlier than the timer.
        const ts = this.#timestamp(Date.parse(m.fireAt));
        const tsMs = Date.parse(ts);
        const events = [historyEvents.timerFired(ts, m.timerId, m.fireAt)];
        if (task.finalFireAt !== undefined && Date.parse(task.finalFireAt) > tsMs) {
          // LongTimerTask.trySetValue adds the next segment while replaying this event.
          events.push(this.#tasks.nextTimerSegment(ts, task.finalFireAt));
        }
        if (task.retryOf?.retry && hasAttemptLeft(task.retryOf.retry.options, task.retryOf.retry.attempt)) {
          // RetryableTask.trySetValue tracks the next attempt while replaying this event.
          events.push(this.#tasks.retryAttempt(ts, task.retryOf));
        }
        return this.#episode(ts, events);
      }
      case 'EntityResponse': {
        if (m.executionId !== r.executionId) return;
        const entry = Object.entries(pending).find(([, t]) => t.kind === 'entityCall' && t.requestId === m.requestId);
        if (!entry) return;
        delete pending[entry[0]];
        const ts = this.#timestamp();
        const response = JSON.stringify(m.isError ? { result: m.result, exceptionType: 'Error' } : { result: m.result });
        return this.#episode(ts, [historyEvents.eventRaised(ts, m.requestId, response)]);
      }
      default:
        return;
    }
  }

  /** One execution of the orchestrator over the history plus `newEvents`. */
  async #episode(ts: string, newEvents: HistoryEvent[]): Promise<void> {
    const r = this.record;
    for (const event of this.#history) event.IsPlayed = true;
    this.#history.push(historyEvents.orchestratorStarted(ts), ...newEvents);
    const trigger = orchestratorTrigger({
      instanceId: r.instanceId,
      parentInstanceId: r.parent?.instanceId,
      input: r.input,
      history: this.#history,
      timers: this.timers,
    });

    let turn;
    try {
      turn = readOrchestratorTurn(await this.port.run(r.name, trigger));
    } catch (err) {
      const failure = readOrchestratorFailure(err);
      if (failure.customStatus !== undefined) r.customStatus = toJsonText(failure.customStatus);
      this.#fail(ts, {
        reason: `Orchestrator function '${r.name}' failed: ${failure.message}`,
        details: failure.details,
        ...(failure.failureDetails ? { failureDetails: failure.failureDetails } : {}),
      });
      return;
    }

    const signatures = turn.actions.map(actionSignature);
    const nonDeterminism = findNonDeterminism(r.engine.actions, signatures);
    if (nonDeterminism) {
      this.#fail(ts, { reason: `Orchestrator function '${r.name}' failed: ${nonDeterminism}`, details: '' });
      return;
    }
    const newActions = turn.actions.slice(r.engine.actions.length);
    r.engine.actions = signatures;
    // As the extension's shim: an absent custom status (the library drops falsy ones) keeps the last one.
    if (turn.customStatus !== undefined && turn.customStatus !== null) r.customStatus = toJsonText(turn.customStatus);

    let continueAsNew: Extract<AtomicAction, { kind: 'ContinueAsNew' }> | undefined;
    for (const action of newActions) {
      if (action.kind === 'Unsupported') {
        this.#fail(ts, { reason: `Orchestrator function '${r.name}' failed: ${action.what} is not supported by the local Durable host.`, details: '' });
        return;
      }
      if (action.kind === 'ContinueAsNew') continueAsNew = action;
      const event = this.#tasks.scheduleAction(ts, action);
      if (event) this.#history.push(event);
    }
    this.#history.push(historyEvents.orchestratorCompleted(ts));

    if (!turn.isDone) return;
    if (continueAsNew) this.#continueAsNew(continueAsNew.input);
    else this.#complete(ts, turn.output);
  }

  #complete(ts: string, output: unknown): void {
    const r = this.record;
    r.runtimeStatus = 'Completed';
    r.output = toJsonText(output);
    this.#history.push(historyEvents.executionCompleted(ts, 'Completed', r.output));
    this.#finish({ kind: 'completed', instanceId: r.instanceId, name: r.name, createdTime: r.createdTime });
    if (r.parent) {
      this.effects.push({
        type: 'message',
        target: r.parent.instanceId,
        message: { kind: 'SubOrchestrationCompleted', executionId: r.parent.executionId, taskId: r.parent.taskId, result: r.output ?? 'null' },
      });
    }
  }

  #fail(ts: string, failure: TaskFailure): void {
    const r = this.record;
    r.runtimeStatus = 'Failed';
    r.output = JSON.stringify(failure.reason);
    this.#history.push(historyEvents.executionCompleted(ts, 'Failed', undefined, failure));
    this.#finish({ kind: 'failed', instanceId: r.instanceId, name: r.name, reason: failure.reason });
    this.#notifyParentOfFailure(failure);
  }

  #terminate(reason: string | undefined): void {
    const r = this.record;
    const ts = this.#timestamp();
    r.runtimeStatus = 'Terminated';
    r.output = toJsonText(reason ?? '');
    this.#history.push(historyEvents.executionTerminated(ts, reason));
    this.#finish({ kind: 'terminated', instanceId: r.instanceId, name: r.name });
    this.#notifyParentOfFailure({ reason: `Orchestration '${r.instanceId}' was terminated: ${reason ?? ''}`, details: '' });
  }

  #notifyParentOfFailure(failure: TaskFailure): void {
    const parent = this.record.parent;
    if (!parent) return;
    this.effects.push({
      type: 'message',
      target: parent.instanceId,
      message: { kind: 'SubOrchestrationFailed', executionId: parent.executionId, taskId: parent.taskId, failure },
    });
  }

  #suspendOrResume(m: Extract<InstanceMessage, { kind: 'Suspend' | 'Resume' }>): void {
    const r = this.record;
    if (m.kind === 'Suspend' && r.runtimeStatus === 'Running') {
      r.runtimeStatus = 'Suspended';
      this.#history.push(historyEvents.executionSuspended(this.#timestamp(), m.reason));
    } else if (m.kind === 'Resume' && r.runtimeStatus === 'Suspended') {
      r.runtimeStatus = 'Running';
      this.#history.push(historyEvents.executionResumed(this.#timestamp(), m.reason));
    }
  }

  /** Ends the execution: outstanding timers are removed from the inbox, nothing else is awaited. */
  #finish(notice: LifecycleNotice): void {
    this.#tasks.abandonAll();
    this.notices.push(notice);
  }

  /**
   * Ends this execution and queues the next one with the new input. External events this execution received but
   * did not consume are dropped with its history, as the extension does for out-of-process orchestrators: its
   * shim calls `ContinueAsNew(input)` without `preserveUnprocessedEvents` (azure-functions-durable-extension,
   * Listener/OutOfProcOrchestrationShim.cs). Messages that arrive after this one go to the new execution.
   */
  #continueAsNew(input: string | undefined): void {
    const r = this.record;
    this.#finish({ kind: 'continuedAsNew', instanceId: r.instanceId, name: r.name });
    this.replacedExecutions.push(r.executionId);
    const next = nextExecutionId(r.instanceId, r.executionId);
    r.executionId = next;
    r.input = input;
    r.output = undefined;
    r.customStatus = undefined;
    r.runtimeStatus = 'ContinuedAsNew';
    r.engine = { ...newEngineState(), lastBatch: r.engine.lastBatch };
    this.#history = [];
    this.#stopped = true;
    this.effects.push({
      type: 'message',
      target: r.instanceId,
      message: { kind: 'ExecutionStarted', executionId: next },
      visibleAt: START_VISIBLE_AT,
      id: startMessageId(next),
    });
  }

  /** Episode time: never earlier than the previous episode (or than `notBefore`). */
  #timestamp(notBefore = 0): string {
    const ms = Math.max(this.clock(), this.#lastTimestamp, notBefore);
    this.#lastTimestamp = ms;
    return new Date(ms).toISOString();
  }
}
