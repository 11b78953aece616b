import type { UpdateGroupPorts } from '../../../app/groups/update-group.js';
import { MemoryDispatchGates } from '../memory-dispatch-gates.js';
import { MemoryDocumentStore } from './memory-document-store.js';
import type { UseCasePorts } from './use-case-ports.js';

/**
 * The ports of the use cases that stop and resume dispatch or cancel queued runs through app/runs (group edits,
 * deletes and reactivation, turning hosted RPA off), around the in-memory ports. Runs are absent: every run query answers nothing, and the gates are kept in memory.
 */
export function dispatchChangePortsOf(ports: UseCasePorts): UpdateGroupPorts {
  return {
    ...ports,
    botStore: new MemoryDocumentStore(),
    runs: {
      docs: new MemoryDocumentStore(),
      queries: {
        nextQueued: async () => [],
        queuedCount: async () => 0,
        runningOn: async () => undefined,
        active: async () => ({ items: [] }),
        unfinished: async () => ({ items: [] }),
        ended: async () => ({ items: [] }),
        search: async () => ({ items: [] }),
        pendingCallbacks: async () => ({ items: [] }),
      },
    },
    dispatchGates: new MemoryDispatchGates(),
  };
}
