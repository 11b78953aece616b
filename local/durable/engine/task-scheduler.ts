import { consumesSequenceNumber, type AtomicAction } from '../protocol/actions.js';
import { historyEvents, type HistoryEvent } from '../protocol/history-event.js';
import { nextTimerSegment, type TimerPolicy } from '../protocol/timer-policy.js';
import { deterministicId } from './deterministic-id.js';
import type { Effect } from './effects.js';
import type { InstanceRecord, PendingTask } from './engine-state.js';
import { timerMessageId } from './message-ids.js';
import { retryDelayMs } from './retry-policy.js';

type SchedulableTask = Extract<PendingTask, { kind: 'activity' | 'subOrchestration' }>;

/**
 * Turns the orchestrator's new actions into history events and effects, numbering tasks exactly as the
 * library does (`TaskOrchestrationExecutor.sequenceNumber`): one number per activity, sub-orchestration,
 * timer and entity message, none for external events; retries and long-timer segments take theirs when
 * the event that causes them is replayed.
 */
export class TaskScheduler {
  constructor(
    private readonly record: InstanceRecord,
    private readonly effects: Effect[],
    private readonly timers: TimerPolicy,
  ) {}

  scheduleAction(ts: string, action: AtomicAction): HistoryEvent | undefined {
    const r = this.record;
    const id = consumesSequenceNumber(action) ? this.#nextId() : -1;
    switch (action.kind) {
      case 'CallActivity':
        return this.#schedule(ts, id, {
          kind: 'activity',
          name: action.name,
          input: action.input,
          ...(action.retry ? { retry: { options: action.retry, attempt: 1 } } : {}),
        });
      case 'CallSubOrchestrator':
        return this.#schedule(ts, id, {
          kind: 'subOrchestration',
          name: action.name,
          instanceId: action.instanceId ?? '',
          explicitInstanceId: action.instanceId !== undefined,
          input: action.input,
          ...(action.retry ? { retry: { options: action.retry, attempt: 1 } } : {}),
        });
      case 'CreateTimer': {
        const fireAt = Date.parse(action.fireAt);
        const tsMs = Date.parse(ts);
        // Timers beyond the maximum short duration become chains (DurableOrchestrationContext.createTimer).
        if (fireAt - tsMs > this.timers.maxShortTimerMs) {
          return this.#createTimer(ts, id, nextTimerSegment(this.timers, tsMs, fireAt), { finalFireAt: action.fireAt });
        }
        return this.#createTimer(ts, id, action.fireAt, {});
      }
      case 'CallEntity':
      case 'SignalEntity': {
        const signal = action.kind === 'SignalEntity';
        const requestId = deterministicId(r.instanceId, r.executionId, 'entity', id);
        if (!signal) r.engine.pending[id] = { kind: 'entityCall', requestId, entityId: action.entityId };
        this.effects.push({
          type: 'message',
          target: action.entityId,
          message: {
            kind: 'EntityOperation',
            requestId,
            operation: action.operation,
            input: action.input,
            signal,
            ...(signal ? {} : { caller: { instanceId: r.instanceId, executionId: r.executionId } }),
          },
        });
        // The library re-keys the call's task by the request id it finds in this event's input.
        const request = JSON.stringify({ id: requestId, op: action.operation, signal, input: action.input, parent: r.instanceId });
        return historyEvents.eventSent(ts, id, action.entityId, action.operation, request);
      }
      default:
        return undefined; // WaitForExternalEvent (matched by name), ContinueAsNew (handled when done)
    }
  }

  /** The back-off timer after a failed attempt of a task with retry options. */
  retryTimer(ts: string, failed: SchedulableTask): HistoryEvent {
    const retry = failed.retry;
    if (!retry) throw new Error('A retry timer needs a task with retry options.');
    const fireAt = new Date(Date.parse(ts) + retryDelayMs(retry.options, retry.attempt)).toISOString();
    return this.#createTimer(ts, this.#nextId(), fireAt, { retryOf: failed });
  }

  /** The next attempt once the back-off timer has fired. */
  retryAttempt(ts: string, failed: SchedulableTask): HistoryEvent {
    const retry = failed.retry;
    if (!retry) throw new Error('A retry needs a task with retry options.');
    return this.#schedule(ts, this.#nextId(), { ...failed, retry: { ...retry, attempt: retry.attempt + 1 } });
  }

  /** The next timer of a long timer's chain. */
  nextTimerSegment(ts: string, finalFireAt: string): HistoryEvent {
    return this.#createTimer(ts, this.#nextId(), nextTimerSegment(this.timers, Date.parse(ts), Date.parse(finalFireAt)), { finalFireAt });
  }

  /** The execution ended: nothing is awaited any more, its timers leave the inbox. */
  abandonAll(): void {
    const r = this.record;
    for (const [id, task] of Object.entries(r.engine.pending)) {
      if (task.kind === 'timer') this.effects.push({ type: 'cancelMessage', target: r.instanceId, id: timerMessageId(r.executionId, Number(id)) });
    }
    r.engine.pending = {};
  }

  /** Schedules an activity or sub-orchestration attempt under sequence number `id`. */
  #schedule(ts: string, id: number, task: SchedulableTask): HistoryEvent {
    const r = this.record;
    if (task.kind === 'activity') {
      r.engine.pending[id] = task;
      this.effects.push({ type: 'activity', item: { instanceId: r.instanceId, executionId: r.executionId, taskId: id, name: task.name, input: task.input } });
      return historyEvents.taskScheduled(ts, id, task.name, task.input);
    }
    const childId = task.explicitInstanceId ? task.instanceId : `${r.instanceId}:${String(id).padStart(4, '0')}`;
    r.engine.pending[id] = { ...task, instanceId: childId };
    this.effects.push({
      type: 'startChild',
      child: {
        instanceId: childId,
        name: task.name,
        executionId: deterministicId(r.instanceId, r.executionId, 'child', id),
        input: task.input,
        parent: { instanceId: r.instanceId, executionId: r.executionId, taskId: id },
      },
    });
    return historyEvents.subOrchestrationCreated(ts, id, task.name, childId, task.input);
  }

  #createTimer(ts: string, id: number, fireAt: string, extra: { finalFireAt?: string; retryOf?: SchedulableTask }): HistoryEvent {
    const r = this.record;
    r.engine.pending[id] = { kind: 'timer', fireAt, ...extra };
    this.effects.push({
      type: 'message',
      target: r.instanceId,
      message: { kind: 'TimerFired', executionId: r.executionId, timerId: id, fireAt },
      visibleAt: Date.parse(fireAt),
      id: timerMessageId(r.executionId, id),
    });
    return historyEvents.timerCreated(ts, id, fireAt);
  }

  #nextId(): number {
    return this.record.engine.nextSequence++;
  }
}
