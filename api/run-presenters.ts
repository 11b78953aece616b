import type { FlowDefinition } from '../domain/desktop-flow.js';
import type { RunDocument } from '../domain/run.js';
import { callbackView } from '../domain/run-callback.js';
import type { QueueEntry } from '../app/groups/group-runs.js';
import type { Versioned } from '../app/ports/document-store.js';

/**
 * A run in lists (queue view, past runs): everything but its definition, inputs and outputs. Every field PRODUCT.md
 * names is present; those without a value yet are null.
 */
export function runSummaryResource(run: Versioned<RunDocument>) {
  return {
    id: run.id,
    etag: run.etag,
    groupId: run.groupId,
    connectionId: run.connectionId,
    desktopFlowId: run.desktopFlowId,
    desktopFlowName: run.desktopFlowName,
    desktopFlowVersion: run.desktopFlowVersion ?? 1,
    priority: run.priority,
    timeoutMinutes: run.timeoutMinutes,
    state: run.state,
    queuedAt: run.queuedAt,
    movedToTopAt: run.movedToTopAt ?? null,
    startedAt: run.startedAt ?? null,
    endedAt: run.endedAt ?? null,
    botId: run.botId ?? null,
    attempt: run.attempt,
    cancelRequested: run.cancelRequested,
    error: run.error ?? null,
    ...(run.callback ? { callback: callbackView(run.callback) } : {}),
    submittedBy: run.submittedBy,
    ...(run.submittedByName === undefined ? {} : { submittedByName: run.submittedByName }),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}

/**
 * A run on its own: the summary plus the definition of the flow version it was submitted with (read from the version
 * document: `runDefinition`), its inputs, its outputs and its steps' logs (from the agent, bounded).
 */
export function runResource(run: Versioned<RunDocument>, definition: FlowDefinition) {
  return {
    ...runSummaryResource(run),
    definition,
    inputs: run.inputs,
    outputs: run.outputs ?? null,
    logs: run.logs ?? [],
  };
}

export function queueEntryResource(entry: QueueEntry) {
  return {
    ...runSummaryResource(entry.run),
    position: entry.position,
    waitSeconds: entry.waitSeconds,
    ...(entry.expectedStartAt === undefined ? {} : { expectedStartAt: entry.expectedStartAt }),
    ...(entry.expectedStartReason === undefined ? {} : { expectedStartReason: entry.expectedStartReason }),
  };
}
